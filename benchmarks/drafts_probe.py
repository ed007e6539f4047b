"""The drafts probe for ``bench_soak.py --drafts-probe drafts_probe:probe`` (issue 16, item 1).

Each round starts ``sop`` on the soak's store in a pseudo-terminal, opens a form (``o``, open a
cycle: on the dashboard, so no meeting is needed), types 40 characters of a note, one every
40 ms, and kills the app with SIGKILL at a random moment 1.2-2.0 s after the first key. The
draft the next start would offer (``STORE/drafts``, read as the app reads it) must hold at
least what was typed one second before the kill, and nothing that was not typed. Returns (1, 1
if it did else 0).

Run: .venv/bin/python benchmarks/bench_soak.py --rounds 100 --drafts-probe drafts_probe:probe
"""

from __future__ import annotations

import fcntl
import os
import pty
import random
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from sop_tui.cycle.drafts import DraftStore

SOP = Path(sys.executable).with_name("sop")
STALE = 1.0  # the promise: the draft is at most this old when the app dies
START_DEADLINE = 60.0


def _start(store: Path) -> tuple[subprocess.Popen[bytes], int, bytearray]:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color"}
    proc = subprocess.Popen([str(SOP), "--store", str(store)], stdin=slave, stdout=slave,
                            stderr=slave, env=env, start_new_session=True)
    os.close(slave)
    out = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            out.extend(chunk)

    threading.Thread(target=read, daemon=True).start()
    return proc, master, out


def _wait_for(out: bytearray, text: bytes, proc: subprocess.Popen[bytes]) -> bool:
    end = time.monotonic() + START_DEADLINE
    while text not in out:
        if time.monotonic() > end or proc.poll() is not None:
            return False
        time.sleep(0.02)
    return True


def probe(store: Path, round_no: int) -> tuple[int, int]:
    """One round (see the module); (1, 1) when the draft was recovered, (1, 0) when not."""
    rng = random.Random(round_no)
    shutil.rmtree(store / "drafts", ignore_errors=True)
    text = "".join(rng.choice("abcdefghij klmnop") for _ in range(40))
    proc, master, out = _start(store)
    try:
        if not _wait_for(out, b"Meetings", proc):
            return 1, 0
        os.write(master, b"o")
        if not _wait_for(out, b"Ctrl+S save", proc):
            return 1, 0
        os.write(master, b"\t")  # to the note: the suggested month is no typed text
        kill_at = rng.uniform(1.2, 2.0)
        sent: list[float] = []
        t0 = time.monotonic()
        for ch in text:
            now = time.monotonic() - t0
            if now >= kill_at:
                break
            os.write(master, ch.encode())
            sent.append(now)
            time.sleep(max(0.0, 0.04 - (time.monotonic() - t0 - now)))
        time.sleep(max(0.0, kill_at - (time.monotonic() - t0)))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    owed = sum(1 for t in sent if t <= kill_at - STALE)  # typed a second before the kill
    kept = [d.values.get("note", "") for d in DraftStore(store / "drafts").kept()]
    ok = len(kept) == 1 and len(kept[0]) >= owed and text.startswith(kept[0])
    if not ok:
        print(f"round {round_no}: owed {text[:owed]!r}, draft {kept!r}", file=sys.stderr)
    return 1, int(ok)
