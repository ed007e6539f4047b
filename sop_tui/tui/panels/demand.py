"""The demand panel: per family, every source's number and assumption, and the consensus choice.

Left, the families (✔ agreed); right, for the family under the cursor: each source's input
(sales, marketing, finance, planner) with its owner and assumption and its forecast-value-added
record for this family, the statistical forecast (computed in a worker the first time — it takes
seconds — and cached), a chart of actuals, forecast with its 80/95% intervals and the inputs,
and the numbers month by month.

Choosing the consensus is choosing a source: ``1`` sales, ``2`` marketing, ``3`` finance,
``4`` planner, ``5`` statistical, ``m`` a number by hand — each opens the consensus dialog.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar
from weakref import WeakKeyDictionary

import pandas as pd
from rich.cells import cell_len
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from sop_tui.cycle.consensus import INPUT_SOURCES
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.data.store import MissingData, require
from sop_tui.events.envelope import Event
from sop_tui.executors import open_runner
from sop_tui.formats import DASH, pct, pp, signed_pct, units
from sop_tui.tui.dialogs.consensus import ConsensusDialog
from sop_tui.tui.panels.common import DataPanel, red_if_negative
from sop_tui.tui.procs import start_resource_tracker
from sop_tui.tui.widgets.chart import Chart, ChartSpec, Line, month_ticks
from sop_tui.tui.widgets.clip import WordClip
from sop_tui.tui.widgets.fit_table import Col

if TYPE_CHECKING:
    from sop_tui.analytics.forecast import ForecastResult

#: key -> source the consensus is taken from
SOURCE_KEYS = {"1": "sales", "2": "marketing", "3": "finance", "4": "planner",
               "5": "statistical", "m": "manual"}
COLORS = {"actual": "white", "statistical": "cyan", "sales": "yellow", "marketing": "magenta",
          "finance": "green", "planner": "red", "consensus": "blue"}
HISTORY_MONTHS = 24

# The statistical forecast of a planning, kept as long as the planning lives (the app keeps one
# per cycle): the first run takes seconds, every later look is free.
_STATISTICAL: WeakKeyDictionary[CyclePlanning, ForecastResult] = WeakKeyDictionary()


#: The sources table (one row per source) and the months table (one row per month). The
#: months' headers are short so that seven columns fit a 120-column meeting screen.
SOURCE_COLUMNS = (Col("Key", "key", keep=True), Col("Source", "source", keep=True),
                  Col("Horizon units", "units", number=True), Col("WMAPE", "wmape", number=True),
                  Col("Bias", "bias", number=True), Col("vs naive", "fva", number=True))
MONTH_LABELS = {"statistical": "stat", "marketing": "mktg"}
MONTH_COLUMNS = (Col("Month", "month", keep=True),
                 *(Col(MONTH_LABELS.get(s, s), s, number=True)
                   for s in ("statistical", *INPUT_SOURCES, "consensus")))


def fill_in_place(dt: DataTable[str | Text], cols: Sequence[Col],
                  rows: Sequence[tuple[str, Sequence[str | Text]]],
                  widths: Mapping[str, int]) -> None:
    """Show ``rows`` (key, cells) in ``dt``; cells are updated in place when the table already
    has these columns, widths and row keys, so moving between families costs no new layout.

    ``widths`` hold each column's widest value over every family (a number is never cut, and
    the columns do not move from one family to the next); numbers are right-aligned.
    """
    keys = [c.key or c.label for c in cols]
    have = [(str(k.value), c.width) for k, c in dt.columns.items()]
    same = (have == [(k, widths[k]) for k in keys]
            and [str(k.value) for k in dt.rows] == [k for k, _ in rows])

    def shown(cell: str | Text, col: Col) -> str | Text:
        if not col.number:
            return cell
        text = cell.copy() if isinstance(cell, Text) else Text(cell)
        text.justify = "right"
        return text

    if same:
        for key, cells in rows:
            for col, cell in zip(cols, cells, strict=True):
                dt.update_cell(key, col.key or col.label, shown(cell, col))
        return
    dt.clear(columns=True)
    for col, key in zip(cols, keys, strict=True):
        dt.add_column(col.label, key=key, width=widths[key])
    for key, cells in rows:
        dt.add_row(*(shown(c, col) for c, col in zip(cells, cols, strict=True)), key=key)


def column_widths(cols: Sequence[Col],
                  rows: Iterable[Sequence[str | Text]]) -> dict[str, int]:
    """Each column's widest cell or label."""
    out = {c.key or c.label: cell_len(c.label) for c in cols}
    for row in rows:
        for col, cell in zip(cols, row, strict=True):
            key = col.key or col.label
            width = cell.cell_len if isinstance(cell, Text) else cell_len(cell)
            out[key] = max(out[key], width)
    return out


@dataclass(frozen=True)
class FamilyView:
    """Everything the panel shows for one family."""

    family: str
    sources: dict[str, dict[str, float]]  # source -> month -> units
    owners: dict[str, str]
    assumptions: dict[str, str]
    fva: dict[str, tuple[float, float, float]]  # step -> (wmape, bias, fva_vs_naive)
    history: dict[str, float]  # month -> actual units (the last HISTORY_MONTHS)
    consensus: dict[str, Any] | None  # the live ConsensusSelected payload


@dataclass(frozen=True)
class DemandView:
    families: list[str]
    by_family: dict[str, FamilyView]
    months: list[str]  # the input horizon
    agreed: set[str] = field(default_factory=set)


class DemandPanel(DataPanel):
    """Sources, assumptions, track records and the consensus choice, family by family."""

    PANEL_ID = "demand"
    TITLE = "Demand — one consensus per family, from a named source"
    CAPTURE_ACTIONS = frozenset({"consensus"})
    #: Start the statistical forecast when the panel opens (tests switch it off: it is slow).
    AUTO_STATISTICAL: ClassVar[bool] = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "consensus('sales')", "Sales"),
        Binding("2", "consensus('marketing')", "Marketing"),
        Binding("3", "consensus('finance')", "Finance"),
        Binding("4", "consensus('planner')", "Planner"),
        Binding("5", "consensus('statistical')", "Statistical"),
        Binding("m", "consensus('manual')", "Manual"),
        Binding("f", "forecast", "Forecast", show=False),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.source_widths: dict[str, int] = {}
        self.month_widths: dict[str, int] = {}
        self._view: DemandView | None = None
        self._family: str | None = None
        self._statistical: dict[str, pd.DataFrame] = {}
        self._stat_state = "not run"

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="demand-body"):
            yield OptionList(id="demand-families")
            with VerticalScroll(id="demand-main"):
                yield Static(id="demand-head", classes="panel-block")
                sources: DataTable[str | Text] = DataTable(id="demand-sources",
                                                           cursor_type="row", show_cursor=False)
                yield sources
                yield Static(id="demand-assumptions", classes="panel-block")
                yield Static(id="demand-stat", classes="panel-note")
                yield Chart(id="demand-chart")
                months: DataTable[str | Text] = DataTable(id="demand-months", cursor_type="row",
                                                          zebra_stripes=True, show_cursor=False)
                yield months

    # -- loading -----------------------------------------------------------------------------

    def load(self, planning: CyclePlanning) -> DemandView:
        d = planning.data
        require(d, "demand_inputs", "items", "actuals")
        inputs = d["demand_inputs"]
        families = planning.families
        fva = planning.fva if "forecast_history" in d.frames else None
        acts = d["actuals"]
        first = planning.through - (HISTORY_MONTHS - 1)
        recent = acts[(acts["month"] >= first) & (acts["month"] <= planning.through)]
        fam_of = d["items"].drop_duplicates("sku").set_index("sku")["family"]
        monthly = (recent.assign(family=recent["sku"].map(fam_of))
                   .groupby(["family", "month"])["units"].sum())
        history: dict[str, dict[str, float]] = {}
        for (f, m), u in monthly.items():
            history.setdefault(str(f), {})[str(m)] = float(u)
        consensus = planning.state.consensus
        # one pass over the inputs (the same reading as cycle.demand.family_sources and
        # assumption_of, which filter the frame once per call: 40 families × 5 calls is slow)
        grouped = {str(f): g for f, g in inputs.groupby("family", sort=False)}
        fva_steps: dict[str, dict[str, tuple[float, float, float]]] = {}
        if fva is not None:
            for r in fva.itertuples(index=False):
                fva_steps.setdefault(str(r.family), {})[str(r.step)] = (
                    float(r.wmape), float(r.bias), float(r.fva_vs_naive))
        by_family = {}
        for fam in families:
            srcs: dict[str, dict[str, float]] = {}
            owners: dict[str, str] = {}
            assumptions: dict[str, str] = {}
            rows = grouped.get(fam)
            if rows is not None:
                for src, g in rows.groupby("source", sort=True):
                    srcs[str(src)] = {str(m): float(u) for m, u in
                                      zip(g["month"], g["units"], strict=True)}
                    owners[str(src)] = str(g["owner"].iloc[0])
                    texts = [t for t in g["assumption"].astype(str) if t.strip()]
                    assumptions[str(src)] = texts[0] if texts else ""
            steps = fva_steps.get(fam, {})
            rec = consensus.get(fam)
            by_family[fam] = FamilyView(fam, srcs, owners, assumptions, steps,
                                        history.get(fam, {}),
                                        dict(rec.payload) if rec is not None else None)
        months = sorted(set(inputs["month"].astype(str)))
        return DemandView(families, by_family, months, set(consensus))

    def show(self, data: DemandView) -> None:
        self._view = data
        self._measure()
        options = self.query_one("#demand-families", OptionList)
        keep = self._family if self._family in data.by_family else (
            data.families[0] if data.families else None)
        options.clear_options()
        options.add_options([Option(self._family_label(f, data), id=f) for f in data.families])
        if keep is not None:
            options.highlighted = data.families.index(keep)
            self._set_family(keep)
        options.focus()
        if self.AUTO_STATISTICAL and self._stat_state == "not run":
            self.action_forecast()
        else:
            self._show_stat_state()

    @staticmethod
    def _family_label(fam: str, data: DemandView) -> Text:
        if fam in data.agreed:
            return Text.assemble(("✔ ", "bold green"), fam)
        return Text.assemble("  ", fam)

    def hint(self) -> str:
        if self.context.read_only:
            return "↑/↓ family"
        return ("↑/↓ family · consensus from: 1 sales · 2 marketing · 3 finance · 4 planner · "
                "5 statistical · m by hand")

    # -- the statistical forecast ------------------------------------------------------------

    def action_forecast(self) -> None:
        """Compute (or fetch from cache) the family-level statistical forecast in a worker."""
        if self._stat_state == "running":
            return
        self._stat_state = "running"
        self._show_stat_state("starting…")
        start_resource_tracker()  # once is enough; harmless if the app already did it
        self._forecast()

    @work(thread=True, exclusive=True, exit_on_error=False, group="statistical")
    def _forecast(self) -> ForecastResult:
        planning = self.context.planning()
        cached = _STATISTICAL.get(planning)
        if cached is not None:
            return cached

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._show_stat_state, f"{done}/{total} families")

        # The same runner as ``sop forecast`` (SOP_EXECUTOR: the local pool by default, or a
        # Dask cluster); a pool starts its processes only if the forecast is not cached.
        with open_runner(self.context.settings.executor) as runner:
            result = planning.statistical(level="family", progress=progress, runner=runner)
        _STATISTICAL[planning] = result
        return result

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "statistical" and event.worker.node is self:
            event.stop()
            if event.state == WorkerState.SUCCESS:
                result = event.worker.result
                assert result is not None  # a successful forecast worker returns its result
                self._statistical = {str(k): g.reset_index(drop=True)
                                     for k, g in result.forecast.groupby("key", sort=False)}
                self._stat_state = "done"
                self._measure()
                self._show_stat_state()
                if self._family:
                    self._set_family(self._family)
            elif event.state == WorkerState.ERROR:
                self._stat_state = "failed"
                err = event.worker.error
                text = str(err) if isinstance(err, MissingData) else f"{type(err).__name__}: {err}"
                self._show_stat_state()
                self.notify(f"Statistical forecast failed — {text}", severity="error",
                            timeout=8)
            return
        super().on_worker_state_changed(event)

    def _show_stat_state(self, progress: str = "") -> None:
        line = self.query_one("#demand-stat", Static)
        if self._stat_state == "running":
            line.update(Text(f"Statistical forecast: computing {progress} (the inputs are "
                             "shown meanwhile)", style="italic yellow"))
        elif self._stat_state == "done":
            line.update("")
        elif self._stat_state == "failed":
            line.update(Text("Statistical forecast: failed (f to retry)", style="red"))
        else:
            line.update(Text("Statistical forecast: not computed yet (f to compute it)",
                             style="dim"))
        line.display = self._stat_state != "done"

    def statistical_units(self, family: str) -> dict[str, float] | None:
        """The statistical forecast of ``family`` (month -> units), once computed."""
        g = self._statistical.get(family)
        if g is None:
            return None
        return {str(m): float(u) for m, u in zip(g["month"], g["units"], strict=True)}

    # -- the family on screen ----------------------------------------------------------------

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        fam = event.option.id
        if fam is not None and fam != self._family:
            self._set_family(fam)

    def _set_family(self, fam: str) -> None:
        changed = fam != self._family
        self._family = fam
        if self._view is None:
            return
        fv = self._view.by_family[fam]
        self._show_head(fv)
        self._show_sources(fv)
        self._show_chart(fv)
        self._show_months(fv)
        if changed:
            self.post_message(self.FamilyFocused(fam))

    @property
    def family(self) -> str | None:
        """The family on screen."""
        return self._family

    def _show_head(self, fv: FamilyView) -> None:
        t = Text()
        t.append(fv.family, style="bold")
        if fv.consensus is None:
            t.append("  not agreed yet", style="bold yellow")
        else:
            c = fv.consensus
            t.append("  ✔ consensus from ", style="bold green")
            t.append(c["source"], style="bold")
            t.append(f": {c['assumption']}")
            if c.get("averaging_of"):
                t.append(f"  (average of {' and '.join(c['averaging_of'])}; chose "
                         f"{c.get('chosen_assumptions', '')})", style="yellow")
        self.query_one("#demand-head", Static).update(t)

    def _measure(self) -> None:
        """The tables' column widths over every family (and the statistical forecast)."""
        if self._view is None:
            return
        fams = self._view.by_family.values()
        self.source_widths = column_widths(
            SOURCE_COLUMNS, (cells for fv in fams for _, cells in self._source_rows(fv)))
        self.month_widths = column_widths(
            MONTH_COLUMNS, (cells for fv in fams for _, cells in self._month_rows(fv)))

    def _show_sources(self, fv: FamilyView) -> None:
        fill_in_place(self.query_one("#demand-sources", DataTable), SOURCE_COLUMNS,
                      self._source_rows(fv), self.source_widths)
        said = Text()
        for source in INPUT_SOURCES:
            if source not in fv.sources:
                continue
            said.append(f"{source}", style=f"bold {COLORS[source]}")
            said.append(f" · {fv.owners.get(source, DASH)}: ", style="dim")
            said.append((fv.assumptions.get(source) or "no assumption given") + "\n")
        said.rstrip()
        self.query_one("#demand-assumptions", Static).update(WordClip(said))

    def _source_rows(self, fv: FamilyView) -> list[tuple[str, list[str | Text]]]:
        stat = self.statistical_units(fv.family)
        months = set(self._months())
        table: list[tuple[str, list[str | Text]]] = []
        for key, source in SOURCE_KEYS.items():
            if source == "manual":
                continue
            nums = stat if source == "statistical" else fv.sources.get(source)
            wmape, bias, vs_naive = fv.fva.get(source, (math.nan, math.nan, math.nan))
            total = DASH if nums is None else units(
                sum(v for m, v in nums.items() if m in months))
            chosen = fv.consensus is not None and fv.consensus["source"] == source
            label = Text(source, style="bold green" if chosen else "")
            table.append((source, [key, label, total, pct(wmape), signed_pct(bias),
                                   red_if_negative(pp(vs_naive), vs_naive)]))
        return table

    def _months(self) -> list[str]:
        return self._view.months if self._view else []

    def _show_chart(self, fv: FamilyView) -> None:
        hist_months = sorted(fv.history)[-HISTORY_MONTHS:]
        plan_months = self._months()
        stat = self._statistical.get(fv.family)
        if stat is not None:
            plan_months = sorted(set(plan_months) | set(stat["month"].astype(str)))
        labels = hist_months + [m for m in plan_months if m not in fv.history]
        pos = {m: float(i + 1) for i, m in enumerate(labels)}
        lines = [Line("actual", tuple(pos[m] for m in hist_months),
                      tuple(fv.history[m] for m in hist_months), COLORS["actual"])]
        if stat is not None:
            ms = [str(m) for m in stat["month"]]
            x = tuple(pos[m] for m in ms)
            for col, label, color, marker in (("hi95", "95%", "blue", "·"),
                                              ("lo95", "", "blue", "·"),
                                              ("hi80", "80%", "cyan", "·"),
                                              ("lo80", "", "cyan", "·")):
                lines.append(Line(label, x, tuple(float(v) for v in stat[col]), color, marker,
                                  connected=False))
            lines.append(Line("statistical", x, tuple(float(v) for v in stat["units"]),
                              COLORS["statistical"]))
        for source in INPUT_SOURCES:
            nums = fv.sources.get(source)
            if nums:
                ms = sorted(nums)
                lines.append(Line(source, tuple(pos[m] for m in ms if m in pos),
                                  tuple(nums[m] for m in ms if m in pos), COLORS[source]))
        if fv.consensus is not None:
            cu = fv.consensus["units"]
            ms = sorted(m for m in cu if m in pos)
            lines.append(Line("consensus", tuple(pos[m] for m in ms),
                              tuple(float(cu[m]) for m in ms), COLORS["consensus"]))
        spec = ChartSpec(tuple(lines), month_ticks(labels), caption=f"{fv.family}, units/month")
        self.query_one("#demand-chart", Chart).spec = spec

    def _show_months(self, fv: FamilyView) -> None:
        fill_in_place(self.query_one("#demand-months", DataTable), MONTH_COLUMNS,
                      self._month_rows(fv), self.month_widths)

    def _month_rows(self, fv: FamilyView) -> list[tuple[str, list[str | Text]]]:
        stat = self.statistical_units(fv.family) or {}
        cons = fv.consensus["units"] if fv.consensus else {}
        table: list[tuple[str, list[str | Text]]] = []
        for m in self._months():
            cells: list[str | Text] = [m, units(stat.get(m))]
            cells += [units(fv.sources.get(s, {}).get(m)) for s in INPUT_SOURCES]
            cells.append(Text(units(cons.get(m)), style="bold green") if m in cons else DASH)
            table.append((m, cells))
        return table

    # -- choosing the consensus --------------------------------------------------------------

    def action_consensus(self, source: str) -> None:
        if self.context.read_only or self._view is None or self._family is None:
            return

        fv = self._view.by_family[self._family]
        if source in INPUT_SOURCES and source not in fv.sources:
            self.notify(f"{source} gave no input for {fv.family}.", severity="warning")
            return
        stat = self.statistical_units(fv.family)
        if source == "statistical" and stat is None:
            self.notify("The statistical forecast is not ready yet"
                        + (" — it is computing." if self._stat_state == "running"
                           else " — press f to compute it."), severity="warning")
            return
        if stat is not None:
            stat = {m: v for m, v in stat.items() if m in set(self._months())}
        self.app.push_screen(
            ConsensusDialog(
                self.context.workspace, cycle=self.context.cycle, family=fv.family,
                source=source, sources=fv.sources,
                assumptions={**fv.assumptions,
                             "statistical": "statistical forecast, model chosen by backtest"},
                statistical=stat),
            self._chosen,
        )

    def _chosen(self, event: Event | None) -> None:
        if event is not None:
            self.recorded(event)
