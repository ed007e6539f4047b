"""Two writers at once, and a writer killed mid-stream: nothing lost, the chain holds."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from sop_tui.events.log import EventLog

WRITER = """
import sys
from sop_tui.events.log import EventLog
log = EventLog(sys.argv[1])
name, n = sys.argv[2], int(sys.argv[3])
for i in range(n):
    e = log.append("AssumptionRecorded", {"text": f"{name} {i}", "owner": name},
                   cycle="2026-12", actor=name)
    print(e.seq, flush=True)
"""


def _writer(url: str, name: str, n: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", WRITER, url, name, str(n)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_two_processes_appending_lose_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sop.db'}"
    # the file exists, its tables do not: the two writers race to create them, and both win
    EventLog(url).close()
    a, b = _writer(url, "alice", 500), _writer(url, "bob", 500)
    out_a, err_a = a.communicate(timeout=240)
    out_b, err_b = b.communicate(timeout=240)
    assert a.returncode == 0 and b.returncode == 0, err_a + err_b
    assert "locked" not in err_a + err_b
    log = EventLog(url)
    events = log.events()
    assert len(events) == 1000
    assert [e.seq for e in events] == list(range(1, 1001))
    assert sorted(map(int, out_a.split() + out_b.split())) == list(range(1, 1001))
    assert sum(e.actor == "alice" for e in events) == 500
    assert log.verify().ok


@pytest.mark.slow
def test_sigkill_keeps_every_reported_event(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sop.db'}"
    EventLog(url).close()
    p = _writer(url, "victim", 100_000)
    assert p.stdout is not None
    reported: list[int] = []
    for line in p.stdout:
        reported.append(int(line))
        if len(reported) >= 200:
            break
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    log = EventLog(url)
    seqs = {e.seq for e in log.events()}
    assert set(reported) <= seqs
    assert log.verify().ok
