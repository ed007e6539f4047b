"""``python -m sop_tui.pack``: render one cycle's pack in its own process.

Prints ``progress: ...`` lines while it works and one ``done: {json}`` line at the end (see
:mod:`sop_tui.pack.runner`); errors go to stderr with exit status 2 (refused) or 1 (failed).

Run as a program it leaves with ``os._exit`` once the log is closed and stdout and stderr are
flushed: tearing down pandas, SciPy and WeasyPrint's object graphs at interpreter exit took
0.5-1 s and wrote nothing (the PDF is renamed into place and the event committed before).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from sop_tui.cycle.errors import CommandError
from sop_tui.events.log import EventLog, LogError
from sop_tui.pack.runner import PROGRESS_PREFIX, Renderer, render_pack, result_line
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
    # First thing: the renderer's fork, so that WeasyPrint's import (the longest step of the
    # critical path) starts before this process even opens the log.
    renderer = Renderer.start(settings.templates_dir)

    def progress(msg: str) -> None:
        print(PROGRESS_PREFIX + msg, flush=True)

    from sop_tui.cycle.workspace import Workspace

    log: EventLog | None = None
    try:
        log = EventLog(settings.url)
        ws = Workspace(log, actor=settings.actor)
        result = render_pack(ws, args.cycle, args.out, settings=settings, progress=progress,
                             renderer=renderer)
        renderer = None  # render_pack owned it
    except CommandError as exc:
        for field, problem in exc.problems.items():
            print(f"error: {field}: {problem}", file=sys.stderr)
        return 2
    except LogError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        # sop_tui.data.store imports pandas: imported here, not at the top, so the renderer
        # process is forked before pandas is loaded (it does not need it)
        from sop_tui.data.store import MissingData

        if not isinstance(exc, MissingData):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        if renderer is not None:  # the log could not be opened: no context is coming
            renderer.abandon()
        if log is not None:
            log.close()
    print(result_line(result), flush=True)
    return 0


def _exit_now(status: int) -> None:
    """Flush what the parent reads, then leave without the interpreter's teardown."""
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    # an exception (exit 1) or argparse's SystemExit still leaves the ordinary way
    _exit_now(main())
