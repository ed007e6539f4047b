"""The cycle dashboard, the first screen: meetings, the four metrics, actions, overrides, gap.

The layout paints at once from the folded log (meetings, actions, overrides: cheap); the
metrics, their 12-cycle trend and the revenue gap come from the shared ``CyclePlanning`` in a
thread worker and fill their placeholders when ready; the planning keeps those views on disk
(keyed by the data and the consensus, not by the log's head), so a relaunch — even after a
capture — shows them without recomputing. With no cycle open, the screen says so and offers to
open one. The screen follows the log (:mod:`.follow`): a write from the CLI or another app — a
cycle opened, an action recorded, a meeting closed — shows within a second or two.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, Static
from textual.worker import Worker, WorkerState

from sop_tui.cycle.cadence import MeetingCadence, cadence_report
from sop_tui.cycle.state import MEETING_STATUS
from sop_tui.formats import DASH, money, pct, signed_pct
from sop_tui.tui.dialogs.capture import OpenCycleForm
from sop_tui.tui.screens.follow import FOLLOW_SECONDS, LogWatch
from sop_tui.tui.widgets.fit_table import Col, FitTable, Row
from sop_tui.tui.widgets.keybar import KeyBar
from sop_tui.tui.widgets.metric_cards import MetricCard

if TYPE_CHECKING:
    from sop_tui.cycle.planning import PlanOfRecord
    from sop_tui.events.types import Event
    from sop_tui.tui.app import SopApp

#: The trend series each card shows (metric ids of ``metric_trend``).
CARDS = (
    ("family_accuracy", "Forecast accuracy"),
    ("bias", "Bias"),
    ("plan_attainment", "Plan attainment"),
    ("eo_value", "Excess & obsolete"),
)


#: The MetricSummary fields the cards show.
SUMMARY_FIELDS = ("family_accuracy", "item_accuracy", "bias", "plan_attainment", "eo_value",
                  "excess_value", "obsolete_value")


#: The meetings table: the meeting's name and owner give way at 80 columns, the rest is kept.
MEETING_COLUMNS = (
    Col("#", "n", number=True), Col("Meeting", "title", floor=14), Col("Owner", "owner"),
    Col("Status", "status", keep=True), Col("Started", "started", keep=True),
    Col("Closed", "closed", keep=True), Col("Timebox", "timebox", keep=True),
)


def top_bar_title(cycle: str | None, where: str) -> str:
    """What the top bar says: ``sop · 2026-12 · dashboard``."""
    return f"sop · {cycle or 'no cycle open'} · {where}"


def top_bar(app: SopApp, where: str, *, cycle: str | None = None) -> ComposeResult:
    """The line at the top of every screen: cycle (default: the app's current one), where we
    are, the read-only badge."""
    with Horizontal(classes="topbar"):
        yield Label(top_bar_title(cycle or app.cycle, where), classes="topbar-title",
                    markup=False)
        yield Label("", classes="topbar-status", markup=False)
        if app.read_only:
            yield Label(" READ-ONLY ", classes="badge")


@dataclass(frozen=True)
class GapView:
    """The revenue gap and how much of the plan is still a placeholder."""

    revenue: float
    target: float
    gap: float
    agreed: int
    families: int
    placeholder_share: float
    plan: str = "consensus"  # which plan: "approved scenario X by GM", "consensus"...


class DashboardScreen(Screen[None]):
    """The cycle at a glance; Enter opens the selected meeting."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # priority: the table's own Enter would shadow this one in the footer
        Binding("enter", "open_selected", "Open meeting", priority=True),
        Binding("o", "open_cycle", "Open cycle"),
        Binding("r", "reload", "Refresh"),
        Binding("h", "history", "History"),
        Binding("P", "pack", "Pack"),
    ]

    class MetricsLoaded(Message):
        """The headline metrics (by :data:`SUMMARY_FIELDS`), their trend (values per metric)
        and the lag they are measured at."""

        def __init__(self, values: dict[str, float], trend: dict[str, list[float]],
                     lag: int = 1) -> None:
            self.values = values
            self.trend = trend
            self.lag = lag
            super().__init__()

    class GapLoaded(Message):
        def __init__(self, view: GapView) -> None:
            self.view = view
            super().__init__()

    class MaturityLoaded(Message):
        """Where the company stands on the five stages (a line for the cadence card)."""

        def __init__(self, line: str) -> None:
            self.line = line
            super().__init__()

    #: The meetings table takes the keys at once. Textual's default ("*") would focus the
    #: scrolling container first and restyle the whole dashboard when the table took over.
    AUTO_FOCUS = "#meetings"

    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [  # type: ignore[misc]
        (0, "-narrow"), (100, "-normal")]

    def __init__(self) -> None:
        super().__init__()
        self._loaded_seq = -1
        self._with_cycle = False  # composed with the meetings table (a cycle was open)
        self.shown_seq = -1  # the log's last event when the screen last showed it
        self.shown_cycle: str | None = None
        self.log_watch: LogWatch | None = None

    @property
    def sop(self) -> SopApp:
        return self.app  # type: ignore[return-value]

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield from top_bar(self.sop, "dashboard")
        self._with_cycle = self.sop.cycle is not None
        if not self._with_cycle:
            with Vertical(id="empty"):
                yield Static(
                    "No cycle is open in this store.\n\n"
                    "Press o to open one (YYYY-MM).\n\n"
                    "To load data: run `sop demo` for a demo company, or "
                    "`sop import KIND FILE` for your own files, then start `sop` again.",
                    id="empty-text", markup=False,
                )
            yield KeyBar()
            return
        with VerticalScroll(id="dash"):
            yield Label("Meetings", classes="section-title")
            yield FitTable(id="meetings")
            yield Label("Metrics", id="metrics-title", classes="section-title")
            with Horizontal(id="metric-cards"):
                for key, title in CARDS:
                    yield MetricCard(title, id=f"card-{key}")
            with Horizontal(id="status-cards"):
                yield Static("", id="actions-card", classes="status-card", markup=False)
                yield Static("", id="overrides-card", classes="status-card", markup=False)
                yield Static("Revenue gap\n…", id="gap-card", classes="status-card",
                             markup=False)
                yield Static("Cadence\n…", id="loop-card", classes="status-card",
                             markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.log_watch = LogWatch(self.sop.workspace.log)
        self.set_interval(FOLLOW_SECONDS, self.follow_log)
        self.shown_cycle = self.sop.cycle
        self.shown_seq = self.sop.workspace.state().last_seq
        if not self._with_cycle:
            return
        table = self.query_one("#meetings", FitTable)
        self.fill_from_log()
        table.focus()
        # After the first frame: the workers' imports and reads hold the GIL in bursts, and
        # started here they stretched the first paint for nothing (benchmarks/README.md; they
        # wait for the frame's CPU either way). Marked as loaded now, so that the screen's first
        # resume, which comes before that frame, does not start them twice.
        self._loaded_seq = self.sop.workspace.state().last_seq
        self.call_after_refresh(self.load_numbers)

    def on_screen_resume(self) -> None:
        # back from a meeting, the history or a dialog: what they (or others) wrote
        self.show_log()

    # -- following the log -------------------------------------------------------------------

    def follow_log(self) -> None:
        """Each half second: if another connection wrote, show what changed."""
        if self.is_current and self.log_watch is not None and self.log_watch.moved():
            self.show_log()

    def show_log(self) -> None:
        """Show the log's new events: the cycle in the top bar, meetings, cards, numbers."""
        app = self.sop
        if not self._with_cycle:
            if app.cycle is not None:  # a cycle was opened: the full layout
                self.app.switch_screen(DashboardScreen())
            return
        seq = app.workspace.state().last_seq
        if seq == self.shown_seq:
            return
        self.shown_seq = seq
        if app.cycle != self.shown_cycle:  # a new cycle: its meetings, from the top
            self.shown_cycle = app.cycle
            self.query_one(".topbar-title", Label).update(top_bar_title(app.cycle, "dashboard"))
            self.query_one("#meetings", FitTable).move_cursor(row=0)
        self.fill_from_log()
        if seq != self._loaded_seq:
            self.load_numbers()

    # -- what the log says (cheap, on the UI thread) ----------------------------------------

    def fill_from_log(self) -> None:
        """Meetings, actions and overrides from the folded log."""
        app = self.sop
        state = app.workspace.state()
        cycle = app.cycle
        assert cycle is not None
        cs = state.cycles[cycle]
        table = self.query_one("#meetings", FitTable)
        keep = table.cursor_row if table.row_count else None
        next_row = None
        rows: list[Row] = []
        today = app.workspace.today()
        cadence = {c.meeting: c for c in cadence_report(
            cs, {m: d.limit_minutes for m, d in app.meetings.items()}, today)}
        for i, (mid, d) in enumerate(app.meetings.items()):
            ms = cs.meetings[mid]
            if next_row is None and ms.status != MEETING_STATUS[2]:
                next_row = i
            rows.append((mid, [str(d.order), d.title, d.owner, _status(cadence[mid]),
                               _day(ms.started), _day(ms.closed),
                               _timebox(cadence[mid], d.planned_minutes)]))
        table.fill(MEETING_COLUMNS, rows)
        # Stay where the facilitator was, unless that meeting has just closed: then the next
        # meeting to run is the natural Enter.
        if keep is not None and cs.meetings[list(app.meetings)[keep]].status == MEETING_STATUS[2]:
            keep = None
        table.select(list(app.meetings)[keep if keep is not None else (next_row or 0)])

        self._show_cadence(list(cadence.values()))
        open_ = state.open_actions()
        overdue = state.overdue_actions(today)
        lines = [f"Actions: {len(open_)} open · {len(overdue)} overdue"]
        for r in sorted(overdue, key=lambda r: r.payload.get("due", ""))[:3]:
            lines.append(f"  overdue {r.payload['due']}: {r.payload['text']} "
                         f"({r.payload['owner']})")
        card = self.query_one("#actions-card", Static)
        card.update("\n".join(lines))
        card.set_class(bool(overdue), "-alert")

        year = cycle[:4]
        overrides = state.overrides_in_year(year)
        oc = self.query_one("#overrides-card", Static)
        oc.update(f"Overrides in {year}: {len(overrides)}\n"
                  + ("executive overrides of the consensus plan" if overrides
                     else "no executive override of consensus this year"))
        oc.set_class(bool(overrides), "-alert")

    # -- what the analytics say (thread worker) ----------------------------------------------

    def action_reload(self) -> None:
        if not self._with_cycle:
            return
        self.fill_from_log()
        self.load_numbers()

    def load_numbers(self) -> None:
        """Metrics with their trend, and the revenue gap: two workers, each posts when done.

        Two threads because the gap's supply plan (scipy's HiGHS) and the metrics' pandas
        work overlap well enough to fill the cards sooner than one after the other. On a
        relaunch both read the planning's on-disk views and post at once.
        """
        self._loaded_seq = self.sop.workspace.state().last_seq
        self._load_metrics()
        self._load_gap()
        self._load_maturity()

    # exit_on_error=False: a failure is told in a notification (on_worker_state_changed) and
    # the app keeps running
    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard-metrics")
    def _load_metrics(self) -> None:
        # plain values from the planning's cache: a relaunch reads them without pandas
        planning = self.sop.planning()
        summary = planning.metric_values
        series = {m: [v for v in vals if not math.isnan(v)]
                  for m, vals in planning.trend_series.items()}
        values = {f: float(summary[f]) for f in SUMMARY_FIELDS}
        self.post_message(self.MetricsLoaded(values, series, planning.lag))

    def _show_cadence(self, cadence: list[MeetingCadence]) -> None:
        """The cadence card: late meetings, held ones over their timebox; maturity below."""
        late = [c for c in cadence if c.late]
        over = [c for c in cadence if (c.over_by or 0) > 0]
        lines = ["Cadence: " + (", ".join(f"{c.meeting} {c.days_late}d late" for c in late)
                                if late else "every meeting on its day")]
        if over:
            lines.append("over timebox: " + ", ".join(
                f"{c.meeting} {c.minutes:g}/{c.limit} min" for c in over))
        lines.append(getattr(self, "maturity_line", "Maturity: …"))
        card = self.query_one("#loop-card", Static)
        card.update("\n".join(lines))
        card.set_class(bool(late or over), "-alert")

    @work(thread=True, exclusive=True, group="dashboard-maturity", exit_on_error=False)
    def _load_maturity(self) -> None:
        # here, not at the top: it brings pandas, which the first paint does without
        from sop_tui.cycle.maturity import assess

        app = self.sop
        try:
            m = assess(app.planning(), {k: d.limit_minutes for k, d in app.meetings.items()})
            nxt = m.next_steps()
            line = (f"Maturity: stage {m.stage} of 5, {m.stage_name}"
                    + (f"; next: {nxt[0].rule.title}" if nxt else ""))
            self.post_message(self.MaturityLoaded(line))
        except (LookupError, ValueError, OSError) as exc:  # said, and the app keeps running
            app.call_from_thread(app.notify, f"The maturity could not be read: {exc}",
                                 severity="error", timeout=8)

    def on_dashboard_screen_maturity_loaded(self, message: MaturityLoaded) -> None:
        self.maturity_line = message.line
        self.fill_from_log()

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard-gap")
    def _load_gap(self) -> None:
        planning = self.sop.planning()
        # the plan of record: an approved scenario's gap, not the consensus's (plain floats)
        totals = planning.plan_totals
        plan = planning.plan_status
        total_units = plan["units"]
        share = plan["placeholder_units"] / total_units if total_units else 0.0
        agreed = len(plan["agreed"])
        view = GapView(totals["revenue"], totals["revenue_target"], totals["gap_to_target"],
                       agreed, agreed + len(plan["placeholder"]), share,
                       plan_words(planning.plan_of_record))
        self.post_message(self.GapLoaded(view))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        what = {"dashboard-metrics": "Metrics", "dashboard-gap": "The revenue gap",
                "dashboard-maturity": "The maturity"}.get(event.worker.group)
        if what is not None and event.state == WorkerState.ERROR:
            self.notify(f"{what} could not be computed: {event.worker.error}",
                        severity="error", timeout=8)

    def on_dashboard_screen_metrics_loaded(self, message: MetricsLoaded) -> None:
        s = SimpleNamespace(**message.values)
        t = message.trend
        lag = message.lag
        self.query_one("#metrics-title", Label).update(
            f"Metrics · last 12 months at lag {lag} (the forecast made {lag} "
            f"cycle{'s' if lag != 1 else ''} before)")

        def caption(metric: str, fmt: str) -> str:
            vals = t.get(metric, [])
            if len(vals) < 2:
                return "no trend yet"
            first, last = vals[0], vals[-1]
            f = signed_pct if fmt == "signed" else (money if fmt == "money" else pct)
            return f"{len(vals)} cycles: {f(first)} → {f(last)}"

        self.query_one("#card-family_accuracy", MetricCard).show(
            f"{pct(s.family_accuracy)} family · {pct(s.item_accuracy)} item",
            caption("family_accuracy", "pct"), t.get("family_accuracy", []))
        self.query_one("#card-bias", MetricCard).show(
            signed_pct(s.bias), caption("bias", "signed"),
            [abs(v) for v in t.get("bias", [])],
            alert=not math.isnan(s.bias) and abs(s.bias) > 0.05)
        self.query_one("#card-plan_attainment", MetricCard).show(
            pct(s.plan_attainment), caption("plan_attainment", "pct"),
            t.get("plan_attainment", []))
        self.query_one("#card-eo_value", MetricCard).show(
            money(s.eo_value), f"excess {money(s.excess_value)} · obsolete "
            f"{money(s.obsolete_value)}", t.get("eo_value", []))

    def on_dashboard_screen_gap_loaded(self, message: GapLoaded) -> None:
        v = message.view
        card = self.query_one("#gap-card", Static)
        if math.isnan(v.gap):
            head = "Revenue gap: no revenue targets imported"
        elif v.gap > 0:
            head = f"Revenue gap: {money(v.gap)} below target"
        else:
            head = f"Revenue: {money(-v.gap)} above target"
        agreed = (f"not yet agreed: {v.families - v.agreed} of {v.families} families "
                  f"({v.placeholder_share:.0%} of plan units)" if v.agreed < v.families
                  else f"all {v.families} families agreed")
        card.update(f"{head}\n{v.plan}: {money(v.revenue)} · target {money(v.target)}\n"
                    f"{agreed}")
        card.set_class(not math.isnan(v.gap) and v.gap > 0, "-alert")

    # -- actions ---------------------------------------------------------------------------

    @on(FitTable.RowSelected, "#meetings")
    def _row_selected(self, event: FitTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.sop.open_meeting(event.row_key.value)

    def action_open_selected(self) -> None:
        if self.sop.cycle is None:
            return
        table = self.query_one("#meetings", FitTable)
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        if row_key.value is not None:
            self.sop.open_meeting(row_key.value)

    def action_history(self) -> None:
        self.sop.open_history()

    def action_pack(self) -> None:
        self.sop.render_pack()

    def action_open_cycle(self) -> None:
        if self.sop.read_only:
            self.notify("Read-only: cycles are opened by the lead.", severity="warning")
            return
        self.app.push_screen(OpenCycleForm(self.sop.workspace), callback=self._cycle_opened)

    def _cycle_opened(self, event: Event | None) -> None:
        if event is None:
            return
        self.notify(f"Cycle {event.payload['cycle']} is open (event {event.seq}).")
        self.show_log()  # the top bar named the old cycle until the next launch

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_cycle" and self.sop.read_only:
            return False
        if action in ("open_selected", "reload") and not self._with_cycle:
            return False
        if action == "pack":
            return self._with_cycle and not self.sop.read_only and self.sop.pack_available()
        return True


def plan_words(record: PlanOfRecord) -> str:
    """Which plan the gap is of: ``approved "price up" (GM)``, ``recommended "x"``,
    ``consensus plan``."""
    if record.basis == "consensus":
        return "consensus plan"
    by = f" ({record.by})" if record.by else ""
    return f"{record.basis} “{record.scenario}”{by}"


def _status(c: MeetingCadence) -> str:
    """A meeting's status, with how late it is (or ran) against its planned day."""
    late = f" · {c.days_late}d late" if c.late else ""
    return f"{c.status}{late}"


def _timebox(c: MeetingCadence, planned: int) -> str:
    """Minutes held against the timebox once closed; the agenda's minutes before."""
    if c.minutes is None or c.limit is None:
        return f"{planned} / {c.limit} min"
    return f"{c.minutes:g} / {c.limit} min" + (" over" if c.minutes > c.limit else "")


def _day(event: Event | None) -> str:
    return event.at[:10] if event is not None else DASH
