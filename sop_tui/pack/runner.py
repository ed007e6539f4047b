"""Rendering a cycle's pack end to end, in this process.

Provides :func:`render_pack` — build the context, render the PDF, write it, record
``PackRendered`` (with the PDF's SHA-256, the page count and the stamp) — and
:func:`default_pack_path`. Everything happens in the calling process, one step after the
other: ``sop pack`` calls it, and so does ``python -m sop_tui.pack``, the one child process
the app starts for a render (:mod:`sop_tui.pack.child`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.meetings import load_meetings
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.pack.child import PackResult
from sop_tui.pack.context import build_context
from sop_tui.pack.render import render_pdf
from sop_tui.settings import Settings

Progress = Callable[[str], None]


def default_pack_path(settings: Settings, cycle: str) -> Path:
    """``STORE/packs/sop-pack-CYCLE.pdf``."""
    return settings.store / "packs" / f"sop-pack-{cycle}.pdf"


def render_pack(ws: Workspace, cycle: str | None, out: Path | None, *, settings: Settings,
                progress: Progress | None = None) -> PackResult:
    """Render the decision pack of ``cycle`` to ``out`` and record ``PackRendered`` (not on a
    read-only log: there ``out`` is required and nothing is recorded).

    Args:
        ws: the workspace.
        cycle: the cycle (default: the current one).
        out: the PDF's path (default: :func:`default_pack_path`).
        settings: where the templates and the cache are.
        progress: called with a short line before each step.

    Returns:
        The :class:`PackResult`.
    """
    say = progress or (lambda _msg: None)
    cycle = cycle or ws.current_cycle()
    planning = CyclePlanning(ws, cycle, cache_dir=settings.cache_dir)
    say(f"reading cycle {cycle}")
    limits = {m: d.limit_minutes for m, d in load_meetings(settings.meetings_dir).items()}
    ctx = build_context(planning, progress=say, limits=limits)
    say("laying out the pages")
    rendered = render_pdf(ctx, settings.templates_dir)
    if out is None and ws.log.read_only:
        raise CommandError({"--out": "the log is read-only: write the pack elsewhere with "
                                     "--out FILE (it is not recorded in the log)"})
    path = out or default_pack_path(settings, cycle)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(rendered.pdf)
    os.replace(tmp, path)  # never leave a half-written pack under the real name
    seq = None
    if not ws.log.read_only:  # a read-only store (read-only media) is rendered from, not to
        say("recording the pack in the log")
        seq = ws.record("PackRendered", {
            "sha256": rendered.sha256, "file": path.name, "pages": rendered.pages,
            "event_count": ctx.stamp.event_count, "head_hash": ctx.stamp.head_hash,
        }, cycle=cycle).seq
    return PackResult(path=str(path), sha256=rendered.sha256, pages=rendered.pages,
                      appendix_page=rendered.appendix_page,
                      event_count=ctx.stamp.event_count, head_hash=ctx.stamp.head_hash,
                      recorded_seq=seq)
