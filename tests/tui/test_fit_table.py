"""The rules that keep numbers whole: FitTable's column widths and the word-boundary clip."""

from __future__ import annotations

from rich.text import Text

from sop_tui.tui.widgets.clip import clip_at_word
from sop_tui.tui.widgets.figures import Figures
from sop_tui.tui.widgets.fit_table import Col, fit_widths

COLS = [Col("Family", keep=True), Col("Revenue", number=True), Col("Target", number=True),
        Col("Description")]
ROWS = [["BRG-01", "$29.5M", "$297.0M", "Ball bearings for the north-east distributors"],
        ["NA-VALVES", "$1.2M", "$13.3M", "Valves"]]


def test_revenue_and_target_both_read_29_numbers_keep_their_width_text_gives_way() -> None:
    # room for everything but the description's full length: only it narrows
    widths = fit_widths(COLS, ROWS, room=50)
    assert widths[:3] == [9, 7, 7]  # "NA-VALVES", "Revenue" (label), "$297.0M"
    assert sum(widths) + 2 * len(COLS) <= 50 and widths[3] < 45
    # no room at all: the numbers and the kept column still keep theirs (the table scrolls)
    assert fit_widths(COLS, ROWS, room=10)[:3] == [9, 7, 7]
    assert fit_widths(COLS, ROWS, room=10)[3] == 6  # the text column's floor


def test_a_number_in_free_text_is_shown_whole_or_not_at_all() -> None:
    line = Text("Replacement demand from the 2024 installs")
    assert clip_at_word(line, 100) is line
    assert clip_at_word(line, 32).plain == "Replacement demand from the …"
    assert clip_at_word(line, 34).plain == "Replacement demand from the 2024 …"
    assert clip_at_word(Text("Fitting QC 3/8 in"), 15).plain == "Fitting QC …"


def test_figures_wrap_their_pairs_and_never_cut_a_value() -> None:
    from rich.console import Console

    figures = Figures([("Units", "46,115,843"), ("Revenue", "$267.5M"), ("Target", "$297.0M"),
                       ("Gap to target", "$29.5M")])
    for width in (30, 60, 120):
        console = Console(width=width, record=True, color_system=None)
        console.print(figures)
        text = console.export_text()
        for value in ("46,115,843", "$267.5M", "$297.0M", "$29.5M"):
            assert value in text, (width, text)
        assert "…" not in text
    assert figures.columns(30) == 1 and figures.columns(120) == 4


def test_a_description_gives_way_before_a_policy() -> None:
    cols = [Col("SKU", keep=True), Col("Policy"), Col("Description", yields=1)]
    rows = [["062600", "statistical forecast + planner review", "Gear M2.5 Z32 HT (spur gears)"]]
    widths = fit_widths(cols, rows, room=60)
    assert widths[1] == len(rows[0][1])  # the policy whole
    assert widths[2] < len(rows[0][2])  # the description took the cut
