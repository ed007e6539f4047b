"""Each agenda item's panel answers its prompt (issue 12: demand item 1, executive item 1 and
the supply review's "plan attainment last month" and "inventory and E&O" all showed forecast
accuracy by family). The panels run on the demo company, the numbers asserted against the
planning's views — the same the CLI and the pack read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_panels import PanelHost, events, reader, rows, settle, shared, type_text  # noqa: F401  (tests/tui is on sys.path)
from textual.widgets import DataTable

from sop_tui.cycle.meetings import load_meetings
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.cycle.workspace import Workspace
from sop_tui.formats import money, pct, units
from sop_tui.settings import Settings

SIZE = (120, 40)


def test_four_agenda_items_showed_the_same_table() -> None:
    meetings = load_meetings(Settings(store=Path("store"), actor="tester").meetings_dir)

    def panel(meeting: str, title: str) -> str:
        return next(a.panel for a in meetings[meeting].agenda if a.title.startswith(title))

    chosen = {
        panel("demand", "How good were we"), panel("executive", "Performance"),
        panel("supply", "Plan attainment"), panel("supply", "Inventory and E&O"),
        panel("portfolio", "Phase-outs"),
    }
    assert chosen == {"metrics", "performance", "attainment", "inventory", "phase_outs"}


@pytest.mark.slow
async def test_plan_attainment_by_family_worst_last_month_first(
        shared: Callable[[], CyclePlanning]) -> None:  # noqa: F811
    app = reader(shared, "attainment", meeting="supply")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        view = shared().attainment_by_family
        shown = rows(app.query_one("#attainment-families", DataTable))
        assert [r[0] for r in shown] == list(view["family"])  # worst first, TOTAL last
        total = view[view["family"] == "TOTAL"].iloc[0]
        assert shown[-1][3] == pct(total["last_attainment"])
        assert shown[-1][4] == units(total["last_missed"])
        missed = [float(r[4].replace(",", "")) for r in shown[:-1]]
        assert missed == sorted(missed, reverse=True)


@pytest.mark.slow
async def test_e_and_o_by_family_names_the_families_that_carry_it(
        shared: Callable[[], CyclePlanning]) -> None:  # noqa: F811
    app = reader(shared, "inventory", meeting="supply")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        planning = shared()
        shown = rows(app.query_one("#inventory-families", DataTable))
        view = planning.eo_by_family
        assert [r[0] for r in shown] == list(view["family"])
        assert shown[0][0] == view["family"].iloc[0]  # the biggest carrier first
        # the same E&O as the dashboard's card and the metrics: one number, not two
        assert shown[-1][0] == "TOTAL" and shown[-1][1] == money(planning.metrics.eo_value)


@pytest.mark.slow
async def test_phase_outs_show_on_hand_units_and_dollars_and_are_decided_here(
        demo_ws: Workspace) -> None:
    app = PanelHost(demo_ws, "phase_outs", meeting="portfolio")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one("#portfolio-table", DataTable)
        stock = app.planning().phase_out_stock
        shown = rows(table)
        assert len(shown) == len(stock) == 172
        first = stock.iloc[0]
        assert shown[0][1] == first["sku"]
        assert shown[0][4] == units(first["on_hand_units"])
        assert shown[0][5] == money(first["on_hand_value"])
        assert shown[0][6] == money(first["left_over_value"])
        # decided from here, as in the portfolio panel
        await pilot.press("space", "D")
        await pilot.pause()
        await type_text(pilot, "run down stock first")
        await pilot.press("tab")
        await type_text(pilot, "no buyer left")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        decided = events(demo_ws, "DecisionRecorded")
        assert decided and decided[-1].payload["skus"] == [first["sku"]]


@pytest.mark.slow
async def test_the_items_that_changed_segment_are_listed(
        shared: Callable[[], CyclePlanning]) -> None:  # noqa: F811
    app = reader(shared, "segments", meeting="portfolio")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        changes = shared().segment_changes
        shown = rows(app.query_one("#segments-changes", DataTable))
        assert len(shown) == len(changes) > 0
        top = changes.iloc[0]
        assert shown[0][:4] == [top["sku"], top["family"], top["from_segment"] or "new",
                                top["to_segment"]]


@pytest.mark.slow
async def test_performance_cycle_by_cycle_bias_first(
        shared: Callable[[], CyclePlanning]) -> None:  # noqa: F811
    app = reader(shared, "performance", meeting="executive")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one("#performance-cycles", DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[:2] == ["Cycle", "Bias"]
        shown = rows(table)
        assert len(shown) == 12 and shown[0][0] == "2026-12"  # the newest first
        assert shown[0][1] == "+9.0%"  # the reference's bias
        # this cycle's E&O is the dashboard's (against the consensus), not the trend's own
        assert shown[0][5] == money(shared().metrics.eo_value)
        trend = rows(app.query_one("#performance-trend", DataTable))
        assert trend[0][0] == "Bias" and trend[0][4] == "worse"  # +7.4% → +9.0%


@pytest.mark.slow
async def test_demand_metrics_show_which_step_carried_the_bias_in(
        shared: Callable[[], CyclePlanning]) -> None:  # noqa: F811
    app = reader(shared, "metrics")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.query_one("#metrics-steps", DataTable)
        shown = {r[0]: r for r in rows(table)}
        assert shown["sales"][2] == "+10.8 pp"  # sales' +11.0% on the statistical's +0.2%
        cell: Any = table.get_row("sales")[2]
        assert "red" in str(cell.style) and "bold" in str(cell.style)
