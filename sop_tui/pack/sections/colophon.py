"""The colophon, the pack's last lines: the log stamp in full, how to check the file, and the
imports the numbers were computed from."""

from __future__ import annotations

from typing import Any

from sop_tui.events.envelope import Event


def colophon_section(rendered_at: str, imports: dict[str, Event]) -> dict[str, Any]:
    """When the pack was rendered and the imports behind its numbers (kind, file, rows)."""
    rows = [{"kind": kind, "file": str(e.payload.get("file", "")),
             "rows": e.payload.get("rows"), "at": e.at[:10],
             "sha256": str(e.payload.get("content_sha256", ""))[:16]}
            for kind, e in sorted(imports.items())]
    return {"rendered_at": rendered_at, "imports": rows}
