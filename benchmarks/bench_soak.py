"""Soak: kill -9 a writer at random moments, many rounds; count acknowledged events lost.

Each round starts a writer process on one store (SQLite file or a PostgreSQL URL) that appends
events as fast as it can and prints each one's seq and id once ``append`` has returned (the
acknowledgement a user sees), kills it with SIGKILL after a random delay, then reopens the log
and checks that every acknowledged event is there with its id, and that the chain verifies.
A lost acknowledged event is a failure of the log's durability; the figure must be 0.

The app's drafts (issue 16, item 1) are the TUI's: ``--drafts-probe module:function`` names a
callable ``f(store_dir: Path, round: int) -> tuple[int, int]`` (drafts typed, drafts offered
back) called after each kill; without it the column reads "n/a".

Run: .venv/bin/python benchmarks/bench_soak.py [--rounds 100] [--db URL]
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sop_tui.events.log import EventLog

WRITER = """
import sys
from sop_tui.events.log import EventLog
log = EventLog(sys.argv[1])
i = 0
while True:
    e = log.append("AssumptionRecorded", {"text": f"soak {i}", "owner": "soak"},
                   cycle="2026-12", actor="soak")
    sys.stdout.write(f"{e.seq} {e.event_id}\\n")
    sys.stdout.flush()
    i += 1
"""


def _probe(spec: str | None) -> Callable[[Path, int], tuple[int, int]] | None:
    if not spec:
        return None
    module, _, name = spec.partition(":")
    fn: Callable[[Path, int], tuple[int, int]] = getattr(importlib.import_module(module), name)
    return fn


def soak(url: str, store: Path, rounds: int, seed: int,
         probe: Callable[[Path, int], tuple[int, int]] | None) -> dict[str, object]:
    rng = random.Random(seed)
    acked: dict[int, str] = {}
    drafts_typed = drafts_back = 0
    started = time.perf_counter()
    for r in range(rounds):
        p = subprocess.Popen([sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
        assert p.stdout is not None
        first = p.stdout.readline()  # the writer is running: kill it at a random moment after
        if first:
            seq, eid = first.split()
            acked[int(seq)] = eid
        time.sleep(rng.uniform(0.0, 0.25))
        os.kill(p.pid, signal.SIGKILL)
        p.wait()
        for line in p.stdout:  # what it acknowledged before it died (still in the pipe)
            parts = line.split()
            if len(parts) == 2:
                acked[int(parts[0])] = parts[1]
        if probe is not None:
            typed, back = probe(store, r)
            drafts_typed += typed
            drafts_back += back
    log = EventLog(url, read_only=True)
    found = {e.seq: e.event_id for e in log.iter_events(hashes=False)}
    lost = [s for s, eid in acked.items() if found.get(s) != eid]
    report = log.verify()
    log.close()
    return {
        "rounds": rounds,
        "acknowledged": len(acked),
        "in log": len(found),
        "acknowledged lost": len(lost),
        "chain": "ok" if report.ok else f"FAILED at {report.seq}: {report.reason}",
        "drafts recovered": (f"{drafts_back}/{drafts_typed}" if probe is not None else "n/a"),
        "seconds": round(time.perf_counter() - started, 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--db", help="a log URL (default: a new SQLite store in a temp folder)")
    ap.add_argument("--drafts-probe", help="module:function checking the app's drafts")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        store = Path(d)
        url = args.db or f"sqlite:///{store / 'sop.db'}"
        log = EventLog(url)
        log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")  # creates the store
        log.close()
        out = soak(url, store, args.rounds, args.seed, _probe(args.drafts_probe))
    for k, v in out.items():
        print(f"{k:>18}: {v}")
    if out["acknowledged lost"] or out["chain"] != "ok":
        sys.exit(1)


if __name__ == "__main__":
    main()
