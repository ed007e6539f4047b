"""The meeting panels, by the id meeting files name them with (``panel = "demand"``).

:data:`PANELS` maps every id of :data:`sop_tui.cycle.meetings.PANELS` to its widget class.
"""

from __future__ import annotations

from sop_tui.tui.panels.actions import ActionsPanel
from sop_tui.tui.panels.attainment import AttainmentPanel
from sop_tui.tui.panels.bakeoff import BakeoffPanel
from sop_tui.tui.panels.base import Panel, PanelContext
from sop_tui.tui.panels.demand import DemandPanel
from sop_tui.tui.panels.executive import ExecutivePanel
from sop_tui.tui.panels.followup import FollowUpPanel
from sop_tui.tui.panels.fva import FvaPanel
from sop_tui.tui.panels.inventory import InventoryPanel
from sop_tui.tui.panels.metrics import MetricsPanel
from sop_tui.tui.panels.performance import PerformancePanel
from sop_tui.tui.panels.phase_outs import PhaseOutsPanel
from sop_tui.tui.panels.plan import PlanPanel
from sop_tui.tui.panels.portfolio import PortfolioPanel
from sop_tui.tui.panels.scenarios import ScenariosPanel
from sop_tui.tui.panels.segments import SegmentsPanel
from sop_tui.tui.panels.supply import SupplyPanel

PANELS: dict[str, type[Panel]] = {
    cls.PANEL_ID: cls
    for cls in (
        FollowUpPanel,
        ActionsPanel,
        PortfolioPanel,
        SegmentsPanel,
        MetricsPanel,
        FvaPanel,
        BakeoffPanel,
        DemandPanel,
        PlanPanel,
        SupplyPanel,
        ScenariosPanel,
        ExecutivePanel,
        PhaseOutsPanel,
        AttainmentPanel,
        InventoryPanel,
        PerformancePanel,
    )
}

__all__ = ["PANELS", "Panel", "PanelContext"]
