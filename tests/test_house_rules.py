"""Two house rules scripts/check's tools do not see: no module of sop_tui over 500 lines, and
none of the dependencies' private names issue 14 took out (some reached through ``getattr`` or
an import, where ruff's SLF001 does not look).
"""

from __future__ import annotations

import re
from pathlib import Path

import sop_tui

SOURCE = Path(sop_tui.__file__).resolve().parent
MAX_LINES = 500
# The private hooks the app once used (issue 14): none may come back.
PRIVATE_NAMES = ("_compositor", "_parse_rules", "_get_screen", "_css_update_count",
                 "_smoothing_func", "_internal_params", "_core._Highs", "_findSoname",
                 "_ua_stylesheets")


def _modules() -> list[Path]:
    found = sorted(SOURCE.rglob("*.py"))
    assert SOURCE / "events" / "log.py" in found
    return found


def test_no_module_over_500_lines() -> None:
    over = {str(p.relative_to(SOURCE)): n for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert over == {}, f"split these modules (at most {MAX_LINES} lines each): {over}"


def test_no_private_name_of_a_dependency() -> None:
    pattern = re.compile("|".join(re.escape(n) for n in PRIVATE_NAMES))
    hits = [f"{p.relative_to(SOURCE)}:{i}: {line.strip()}"
            for p in _modules()
            for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if pattern.search(line)]
    assert hits == [], "private names of dependencies:\n" + "\n".join(hits)
