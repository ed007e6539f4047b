"""``python -m sop_tui.pack``: render one cycle's pack in its own process.

The app starts this as its one child process for a render (:func:`~sop_tui.pack.runner.
render_pack_subprocess`), so that a render never blocks it. Prints ``progress: ...`` lines
while it works and one ``done: {json}`` line at the end; errors go to stderr with exit status
2 (refused) or 1 (failed).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog, LogError
from sop_tui.pack.child import PROGRESS_PREFIX, result_line
from sop_tui.pack.runner import render_pack
from sop_tui.settings import Settings


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, render, print the result line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m sop_tui.pack", description=__doc__)
    parser.add_argument("--store", help="store folder (the log is STORE/sop.db)")
    parser.add_argument("--db", help="SQLAlchemy URL of the log")
    parser.add_argument("--actor", help="who is recording")
    parser.add_argument("--cycle", help="the cycle (default: the current one)")
    parser.add_argument("--out", type=Path, help="the PDF to write")
    args = parser.parse_args(argv)
    settings = Settings.from_env(store=args.store, db=args.db, actor=args.actor)

    def progress(msg: str) -> None:
        print(PROGRESS_PREFIX + msg, flush=True)

    log: EventLog | None = None
    try:
        log = EventLog(settings.url)
        result = render_pack(Workspace(log, actor=settings.actor), args.cycle, args.out,
                             settings=settings, progress=progress)
    except CommandError as exc:
        for field, problem in exc.problems.items():
            print(f"error: {field}: {problem}", file=sys.stderr)
        return 2
    except LogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        # imported here: sop_tui.data.store imports pandas, which a pack built from its cached
        # parts does not need (benchmarks/README.md)
        from sop_tui.data.store import MissingData

        if not isinstance(exc, MissingData):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if log is not None:
            log.close()
    print(result_line(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
