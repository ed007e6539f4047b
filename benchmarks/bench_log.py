"""Benchmarks of the event log.

- durable appends through the project's own API (one serialised transaction and a durable
  commit per event), on SQLite and, with a PostgreSQL server, beside it in the same run;
- the same with raw sqlite3 for reference (one INSERT + commit per event, WAL, FULL);
- reading and folding 100,000 events into state (what the app does at launch);
- two writers started at once: how long each append waits (fairness);
- the WAL's size after an import-sized burst, before and after ``EventLog.checkpoint()``.

Run: .venv/bin/python benchmarks/bench_log.py [--pg] (figures: benchmarks/README.md)
"""

from __future__ import annotations

import gc
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog, NewEvent


def bench_appends(n: int = 3000, url: str | None = None) -> float:
    with tempfile.TemporaryDirectory() as d:
        log = EventLog(url or f"sqlite:///{Path(d) / 'sop.db'}")
        payload = {"text": "Two OEM programs ramp from March", "owner": "Dana Ruiz",
                   "family": "BRG-01"}
        t = time.perf_counter()
        for _ in range(n):
            log.append("AssumptionRecorded", payload, cycle="2026-12", meeting="demand",
                       actor="bench")
        dt = time.perf_counter() - t
        assert log.verify().ok
        return n / dt


def bench_raw(n: int = 3000) -> float:
    with tempfile.TemporaryDirectory() as d:
        con = sqlite3.connect(Path(d) / "raw.db", isolation_level=None)
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        con.execute("CREATE TABLE t (seq INTEGER PRIMARY KEY, payload TEXT)")
        t = time.perf_counter()
        for i in range(n):
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO t VALUES (?, ?)", (i, '{"text":"x"}'))
            con.execute("COMMIT")
        return n / (time.perf_counter() - t)


def bench_fold(n: int = 100_000, repeat: int = 5,
               url: str | None = None) -> tuple[float, float, float]:
    with tempfile.TemporaryDirectory() as d:
        log = EventLog(url or f"sqlite:///{Path(d) / 'sop.db'}")
        drafts = [NewEvent("CycleOpened", {"cycle": "2026-12"}, "2026-12")]
        for i in range(n - 1):
            kind = i % 4
            if kind == 0:
                drafts.append(NewEvent("AssumptionRecorded", {"text": f"a{i}", "owner": "o",
                                       "family": "BRG-01"}, "2026-12", "demand"))
            elif kind == 1:
                drafts.append(NewEvent("DecisionRecorded", {
                    "question": f"q{i}", "chosen": "yes", "rationale": "r", "decided_by": "d",
                    "options": ["yes", "no"]}, "2026-12", "supply"))
            elif kind == 2:
                drafts.append(NewEvent("ActionRecorded", {"text": f"x{i}", "owner": "o",
                                       "due": "2027-01-31"}, "2026-12", "supply"))
            else:
                drafts.append(NewEvent("EventAmended", {"target": i, "target_event_id": "x",
                                       "reason": "r", "changes": {"text": "b"}}, "2026-12"))
        log.append_all(drafts)
        times, cpu = [], []
        for _ in range(repeat):
            t, c = time.perf_counter(), time.process_time()
            state = Workspace(log).state()  # what the app does at launch
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
            assert state.count == n
            del state
            gc.unfreeze()  # the state froze itself out of the collector's scans (see state())
            gc.collect()  # the previous state's teardown is not part of the next read
        return min(times), statistics.median(times), statistics.median(cpu)


FAIR_WRITER = """
import sys, time
from sop_tui.events.log import EventLog
import sop_tui.events.types  # the payload models load on a first append: not a wait
log = EventLog(sys.argv[1])
log.head()
start = float(sys.argv[3])
while time.time() < start:
    pass
waits = []
for i in range(int(sys.argv[2])):
    t = time.perf_counter()
    log.append("AssumptionRecorded", {"text": f"w {i}", "owner": "o"}, cycle="2026-12")
    waits.append(time.perf_counter() - t)
print(" ".join(f"{w:.6f}" for w in waits))
"""


def bench_fairness(n: int = 300) -> dict[str, float]:
    """Two writers released at the same instant, ``n`` appends each: per-append waits."""
    import subprocess
    import sys

    with tempfile.TemporaryDirectory() as d:
        url = f"sqlite:///{Path(d) / 'sop.db'}"
        log = EventLog(url)
        log.append("CycleOpened", {"cycle": "2026-12"}, cycle="2026-12")
        log.close()
        start = time.time() + 1.5  # both processes are up and waiting by then
        procs = [subprocess.Popen([sys.executable, "-c", FAIR_WRITER, url, str(n), str(start)],
                                  stdout=subprocess.PIPE, text=True) for _ in range(2)]
        outs = [p.communicate(timeout=600)[0] for p in procs]
        waits = [[float(x) for x in o.split()] for o in outs]
        assert EventLog(url).verify().count == 2 * n + 1
    every = sorted(w for ws in waits for w in ws)
    return {"first append, slower writer (s)": max(ws[0] for ws in waits),
            "median append (ms)": 1000 * statistics.median(every),
            "p99 append (ms)": 1000 * every[int(0.99 * len(every))],
            "max append (ms)": 1000 * every[-1]}


def bench_wal(n: int = 2000) -> tuple[int, int]:
    """WAL bytes after ``n`` 2 KB events in one go, and after ``checkpoint()``."""
    with tempfile.TemporaryDirectory() as d:
        log = EventLog(f"sqlite:///{Path(d) / 'sop.db'}")
        log.append_all([NewEvent("AssumptionRecorded", {"text": "x" * 2000, "owner": "o"},
                                 "2026-12") for _ in range(n)])
        wal = Path(d) / "sop.db-wal"
        before = wal.stat().st_size
        log.checkpoint()
        after = wal.stat().st_size
        log.close()
        return before, after


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description="Benchmarks of the event log.")
    ap.add_argument("--pg", action="store_true",
                    help="also on PostgreSQL, on a throwaway server (tests/pg_server.py)")
    args = ap.parse_args()
    print(f"durable appends via EventLog.append: {bench_appends():,.0f} events/s")
    print(f"raw sqlite3 (WAL, FULL, one txn per insert): {bench_raw():,.0f} events/s")
    best, median, cpu = bench_fold()
    # CPU time beside the wall time: on the shared box the wall time moves with the load
    print(f"read + fold 100,000 events: best {best:.3f} s, median {median:.3f} s "
          f"(median CPU {cpu:.3f} s)")
    if args.pg:
        bench_postgresql()
    for k, v in bench_fairness().items():
        print(f"two writers at once, {k}: {v:.3f}")
    before, after = bench_wal()
    print(f"WAL after 2,000 x 2 KB events: {before / 1e6:.1f} MB; after checkpoint(): "
          f"{after / 1e6:.1f} MB")


def bench_postgresql() -> None:
    """The same appends and replay on PostgreSQL, beside SQLite's, interleaved."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from pg_server import running_server

    with running_server() as server:
        if server is None:
            print("PostgreSQL: no server binaries here; skipped")
            return
        for _ in range(2):
            print(f"appends/s  SQLite {bench_appends(2000):,.0f}  "
                  f"PostgreSQL {bench_appends(2000, server.new_database()):,.0f}")
        for _ in range(2):
            sq = bench_fold(repeat=3)
            pg = bench_fold(repeat=3, url=server.new_database())
            print(f"read + fold 100,000 (median, CPU)  SQLite {sq[1]:.3f} s, {sq[2]:.3f} s  "
                  f"PostgreSQL {pg[1]:.3f} s, {pg[2]:.3f} s")


if __name__ == "__main__":
    main()
