"""The headless core: nothing below sop_tui/tui/ imports Textual."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import sop_tui


def _core_modules() -> list[str]:
    return sorted(
        m.name for m in pkgutil.walk_packages(sop_tui.__path__, "sop_tui.")
        if not m.name.startswith("sop_tui.tui")
    )


def test_core_runs_without_textual() -> None:
    mods = _core_modules()
    assert "sop_tui.events.log" in mods and "sop_tui.cli" in mods
    code = (
        "import importlib, sys\n"
        f"for m in {mods!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = sorted(n for n in sys.modules if n == 'textual' or n.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "", f"the core imported Textual: {out.stdout}"


def test_analytics_touch_no_database() -> None:
    import ast
    from pathlib import Path

    root = Path(list(sop_tui.__path__)[0]) / "analytics"
    for path in root.glob("*.py"):
        tree = ast.parse(path.read_text())
        names = {
            (n.module or "") if isinstance(n, ast.ImportFrom) else a.name
            for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)
            for a in (n.names if isinstance(n, ast.Import) else [n])
        }
        forbidden = {n for n in names if n.split(".")[0] in {"sqlite3", "sqlalchemy", "sqlmodel",
                                                             "textual"}
                     or n.startswith(("sop_tui.events", "sop_tui.data.store", "sop_tui.cycle"))}
        assert not forbidden, f"{path.name} imports {forbidden}"
