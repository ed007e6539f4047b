"""The app's one child process for a render: ``python -m sop_tui.pack``, started with
:mod:`subprocess`, so that a render never blocks the app.

Provides :func:`render_pack_subprocess` (start the child, relay its progress, return the PDF's
path), :func:`pack_command` (its command line) and the line protocol between the two: the
child prints ``progress: ...`` lines while it works and one ``done: {json}`` line at the end
(:func:`result_line`). This module imports nothing heavy: the app imports it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from sop_tui.settings import Settings

Progress = Callable[[str], None]

PROGRESS_PREFIX = "progress: "
DONE_PREFIX = "done: "


class PackError(RuntimeError):
    """The pack could not be rendered; the message says why."""


@dataclass(frozen=True)
class PackResult:
    """A rendered and recorded pack."""

    path: str
    sha256: str
    pages: int
    appendix_page: int | None
    event_count: int
    head_hash: str
    recorded_seq: int | None  # None: the log is read-only, the pack was not recorded


def pack_command(settings: Settings, cycle: str | None, out: Path | None) -> list[str]:
    """The child process's command line (``python -m sop_tui.pack ...``)."""
    cmd = [sys.executable, "-m", "sop_tui.pack", "--store", str(settings.store),
           "--actor", settings.actor]
    if settings.db_url:
        cmd += ["--db", settings.db_url]
    if cycle:
        cmd += ["--cycle", cycle]
    if out is not None:
        cmd += ["--out", str(out)]
    return cmd


def render_pack_subprocess(settings: Settings, cycle: str | None, out: Path | None,
                           on_progress: Progress | None = None) -> Path:
    """Render the pack in one child process; call ``on_progress`` with each progress line.

    Blocking: the app calls it from a worker thread.

    Returns:
        The PDF's path.

    Raises:
        PackError: the child failed; the message carries its last error lines.
    """
    say = on_progress or (lambda _msg: None)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(pack_command(settings, cycle, out), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    result: dict[str, object] | None = None
    assert proc.stdout is not None
    for line in proc.stdout:
        line = line.rstrip("\n")
        if line.startswith(PROGRESS_PREFIX):
            say(line.removeprefix(PROGRESS_PREFIX))
        elif line.startswith(DONE_PREFIX):
            result = json.loads(line.removeprefix(DONE_PREFIX))
    stderr = proc.stderr.read() if proc.stderr else ""
    if proc.wait() != 0 or result is None:
        tail = " | ".join(stderr.strip().splitlines()[-3:]) or f"exit status {proc.returncode}"
        raise PackError(f"the pack could not be rendered: {tail}")
    return Path(str(result["path"]))


def result_line(result: PackResult) -> str:
    """The child's last stdout line, read back by :func:`render_pack_subprocess`."""
    return DONE_PREFIX + json.dumps(asdict(result), sort_keys=True)
