"""Rendering a cycle's pack end to end, in this process or in a child process.

Provides:
- :func:`render_pack` — build the context, render the PDF, write it, record ``PackRendered``
  (with the PDF's SHA-256, the page count and the stamp); returns a :class:`PackResult`;
- :func:`render_pack_subprocess` — the same in ``python -m sop_tui.pack`` so the app stays
  light (no WeasyPrint, matplotlib or analytics in the TUI's process); progress comes back as
  ``progress: ...`` lines on the child's stdout and the result as one ``done: {json}`` line;
- :func:`default_pack_path` — where a pack goes when no ``--out`` is given.
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
    recorded_seq: int


def default_pack_path(settings: Settings, cycle: str) -> Path:
    """``STORE/packs/sop-pack-CYCLE.pdf``."""
    return settings.store / "packs" / f"sop-pack-{cycle}.pdf"


def render_pack(ws: object, cycle: str | None, out: Path | None, *, settings: Settings,
                progress: Progress | None = None) -> PackResult:
    """Render the decision pack of ``cycle`` to ``out`` and record ``PackRendered``.

    Args:
        ws: the :class:`~sop_tui.cycle.workspace.Workspace`.
        cycle: the cycle (default: the current one).
        out: the PDF's path (default: :func:`default_pack_path`).
        settings: where the templates and the forecast cache are.
        progress: called with a short line before each step.

    Returns:
        The :class:`PackResult`.
    """
    from sop_tui.cycle.planning import CyclePlanning
    from sop_tui.cycle.workspace import Workspace
    from sop_tui.pack.context import build_context
    from sop_tui.pack.render import render_pdf

    assert isinstance(ws, Workspace)
    say = progress or (lambda _msg: None)
    cycle = cycle or ws.current_cycle()
    planning = CyclePlanning(ws, cycle, cache_dir=settings.cache_dir)
    say(f"reading cycle {cycle}")
    ctx = build_context(planning, progress=say)
    say("laying out the pages")
    rendered = render_pdf(ctx, settings.templates_dir)
    path = out or default_pack_path(settings, cycle)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(rendered.pdf)
    os.replace(tmp, path)  # never leave a half-written pack under the real name
    say("recording the pack in the log")
    ev = ws.record("PackRendered", {
        "sha256": rendered.sha256, "file": path.name, "pages": rendered.pages,
        "event_count": ctx.stamp.event_count, "head_hash": ctx.stamp.head_hash,
    }, cycle=cycle)
    return PackResult(path=str(path), sha256=rendered.sha256, pages=rendered.pages,
                      appendix_page=rendered.appendix_page,
                      event_count=ctx.stamp.event_count, head_hash=ctx.stamp.head_hash,
                      recorded_seq=ev.seq)


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
    """Render the pack in a child process; call ``on_progress`` with each progress line.

    Blocking: the TUI calls it from a worker thread.

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
