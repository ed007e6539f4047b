"""The decision history screen: every event of every cycle, filtered, corrected and verified.

The rows and their filter are in :mod:`sop_tui.cycle.history` (no Textual), the virtual table in
:mod:`sop_tui.tui.widgets.history_table`; both are re-exported here.

- :class:`HistoryScreen` — the screen: a filter bar (cycle, meeting, type, family, text), the
  table, the event detail on Enter (with retract/amend unless read-only), and chain verification
  on ``v``. It works as the app's first screen (``sop review``) or pushed over another. It
  follows the log (:mod:`.follow`): events written elsewhere appear within a second or two,
  without moving the rows the reader is looking at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Select, Static
from textual.worker import Worker

from sop_tui.cycle.history import (
    HistoryFilter,
    HistoryRow,
    build_rows,
    filter_rows,
    make_row,
)
from sop_tui.cycle.state import LogState, corrections_of
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.envelope import Event
from sop_tui.events.verify import VerifyReport
from sop_tui.tui.dialogs.event_detail import EventDetail
from sop_tui.tui.screens.export import start_export, worker_failed
from sop_tui.tui.screens.follow import FOLLOW_SECONDS, LogWatch
from sop_tui.tui.widgets.history_table import HistoryTable, layout_columns
from sop_tui.tui.widgets.keybar import KeyBar

__all__ = ["HistoryFilter", "HistoryRow", "HistoryScreen", "HistoryTable", "build_rows",
           "filter_rows", "layout_columns", "make_row", "verify_text"]

#: How long the text filter waits after the last keystroke before it filters (seconds).
TEXT_DEBOUNCE = 0.15

_ANY = Select.NULL


@dataclass(frozen=True)
class _Loaded:
    rows: list[HistoryRow]
    events: dict[int, Event]
    state: LogState
    head: int


class HistoryScreen(Screen[None]):
    """Every event of every cycle, newest first, with filters, detail, corrections, verify.

    Args:
        workspace: the commands and the log (opened read-only by ``sop review``).
        read_only: hide retract/amend (``sop review``).
        cycle: pre-select this cycle in the cycle filter.
    """

    CSS_PATH = "../history.tcss"
    AUTO_FOCUS = "HistoryTable"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "detail", "detail", show=True),
        Binding("slash", "find", "find"),
        Binding("v", "verify", "verify chain"),
        Binding("c", "clear_filters", "clear filters"),
        Binding("r", "reload", "reload"),
        Binding("X", "export", "export xlsx"),
        # Not in the footer: whether Escape leaves depends on what is below the screen.
        Binding("escape", "back", "back", show=False),
    ]

    class Corrected(Message):
        """A retraction or amendment was written from the history."""

        def __init__(self, event: Event) -> None:
            self.event = event
            super().__init__()

    def __init__(self, workspace: Workspace, *, read_only: bool,
                 cycle: str | None = None) -> None:
        super().__init__()
        self.workspace = workspace
        self.read_only = read_only
        self.initial_cycle = cycle
        self.loaded: _Loaded | None = None
        self.filter = HistoryFilter(cycle=cycle)
        self.verify_report: VerifyReport | None = None
        self._debounce: Timer | None = None
        self._keep_seq: int | None = None
        self.log_watch: LogWatch | None = None
        self.new_above = 0  # events that came in above the rows on screen

    # -- layout ------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(self._title(), id="history-title")
        # The table comes before the filters, which are docked above it: the focus goes
        # table → filters → table, so one Tab (or Shift+Tab) from the search box or the first
        # filter reaches the table (five did, with the filters first).
        yield HistoryTable(id="history-table")
        with Horizontal(id="history-filters"):
            yield Select([], prompt="cycle", id="filter-cycle", compact=True)
            yield Select([], prompt="meeting", id="filter-meeting", compact=True)
            yield Select([], prompt="type", id="filter-type", compact=True)
            yield Select([], prompt="family", id="filter-family", compact=True)
            yield Input(placeholder="/ search text", id="filter-text", compact=True)
        yield Static("", id="history-status")
        yield KeyBar()

    def _title(self, shown: int | None = None) -> str:
        mode = "  ·  read-only" if self.read_only else ""
        if self.loaded is None:
            return f"History — loading…{mode}"
        total = len(self.loaded.rows)
        count = f"{total:,} events" if shown in (None, total) else f"{shown:,} of {total:,} events"
        return f"History — {count}{mode}"

    def on_mount(self) -> None:
        self.query_one("#history-status", Static).update("reading the log…")
        self.load()
        # Participants look back while the lead writes, the lead while the CLI does.
        self.log_watch = LogWatch(self.workspace.log)
        self.set_interval(FOLLOW_SECONDS, self.follow_log)

    def follow_log(self) -> None:
        """Each half second: if another connection wrote, read the new events."""
        if self.is_current and self.log_watch is not None and self.log_watch.moved():
            self._poll()

    def on_screen_resume(self) -> None:
        self.refresh_bindings()
        if self.loaded is not None:
            self._poll()

    def on_descendant_focus(self, _event: events.DescendantFocus) -> None:
        # "back" means "leave the filter" in a filter field: the footer follows the focus.
        self.refresh_bindings()

    # -- loading -----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="history-load")
    def load(self) -> None:
        """Read every event and fold the state (thread): the table fills when ready."""
        try:
            evs = self.workspace.log.events()
            state = self.workspace.state()
            rows = build_rows(evs, state)
        except Exception as exc:  # noqa: BLE001 - any read failure becomes a notification
            self.app.call_from_thread(self._failed, "could not read the history", exc)
            return
        loaded = _Loaded(rows, {e.seq: e for e in evs}, state, evs[-1].seq if evs else 0)
        self.app.call_from_thread(self._loaded, loaded)

    @work(thread=True, exclusive=True, group="history-poll")
    def _poll(self) -> None:
        try:
            head = self.workspace.log.head().count
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._failed, "could not read the log", exc)
            return
        if self.loaded is not None and head != self.loaded.head:
            self.app.call_from_thread(self.load)

    def _failed(self, what: str, exc: BaseException) -> None:
        self.notify(f"{what}: {exc}", severity="error", timeout=10)
        self.query_one("#history-status", Static).update(f"{what}: {exc}")

    def _loaded(self, loaded: _Loaded) -> None:
        table = self.query_one(HistoryTable)
        keep = self._keep_seq if self._keep_seq is not None else (
            table.current.seq if table.current else None)
        self._keep_seq = None
        before = self.loaded.head if self.loaded is not None else None
        self.loaded = loaded
        self._fill_selects(loaded.rows)
        self._apply_filter(keep_seq=keep)
        if before is not None:
            # newest first: new events land above; the rows on screen stay where they were
            self.new_above = sum(1 for r in table.rows[:table.first_shown] if r.seq > before)
        self.query_one("#history-status", Static).update(self._status_text())
        self.refresh_bindings()

    def _fill_selects(self, rows: list[HistoryRow]) -> None:
        def options(values: Iterable[str]) -> list[tuple[str, str]]:
            return [(v, v) for v in sorted(set(values))]

        meetings = sorted({r.meeting for r in rows})
        choices = {
            "#filter-cycle": (options(r.cycle for r in rows), self.filter.cycle),
            "#filter-meeting": (
                [(m or "(no meeting)", m) for m in meetings], self.filter.meeting),
            "#filter-type": (options(r.type for r in rows), self.filter.type),
            "#filter-family": (options(r.family for r in rows if r.family), self.filter.family),
        }
        for sel_id, (opts, current) in choices.items():
            sel: Select[str] = self.query_one(sel_id, Select)
            with sel.prevent(Select.Changed):
                sel.set_options(opts)
                if current is not None and any(v == current for _, v in opts):
                    sel.value = current

    # -- filtering ---------------------------------------------------------------------------

    def _apply_filter(self, *, keep_seq: int | None = None) -> None:
        if self.loaded is None:
            return
        table = self.query_one(HistoryTable)
        if keep_seq is None and table.current is not None:
            keep_seq = table.current.seq
        shown = filter_rows(self.loaded.rows, self.filter)
        table.set_rows(shown, keep_seq=keep_seq)
        self.query_one("#history-title", Static).update(self._title(len(shown)))

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        key = {"filter-cycle": "cycle", "filter-meeting": "meeting", "filter-type": "type",
               "filter-family": "family"}.get(event.select.id or "")
        if key is None:
            return
        value = None if event.value is _ANY else str(event.value)
        self.filter = _replace(self.filter, **{key: value})
        self._apply_filter()

    @on(Input.Changed, "#filter-text")
    def _text_changed(self, event: Input.Changed) -> None:
        # Debounced: a fast typist filters once, after the last key.
        if self._debounce is not None:
            self._debounce.stop()
        text = event.value
        self._debounce = self.set_timer(TEXT_DEBOUNCE, lambda: self._set_text(text))

    def _set_text(self, text: str) -> None:
        self._debounce = None
        if text != self.filter.text:
            self.filter = _replace(self.filter, text=text)
            self._apply_filter()

    @on(Input.Submitted, "#filter-text")
    def _text_submitted(self, event: Input.Submitted) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._set_text(event.value)
        self.query_one(HistoryTable).focus()

    def action_find(self) -> None:
        self.query_one("#filter-text", Input).focus()

    def action_clear_filters(self) -> None:
        self.filter = HistoryFilter()
        for sel in self.query(Select):
            with sel.prevent(Select.Changed):
                sel.clear()
        text = self.query_one("#filter-text", Input)
        with text.prevent(Input.Changed):
            text.value = ""
        self._apply_filter()
        self.query_one(HistoryTable).focus()

    def action_reload(self) -> None:
        self.load()

    def action_export(self) -> None:
        """The workbook of the cycle the filter shows (else the current one), written outside
        the store (``sop review`` opens it read-only)."""
        start_export(self, self.filter.cycle)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker_failed(self, event)

    # -- detail and corrections --------------------------------------------------------------

    def action_detail(self) -> None:
        row = self.query_one(HistoryTable).current
        if row is not None:
            self._open_detail(row.seq)

    @on(HistoryTable.Selected)
    def _row_selected(self, event: HistoryTable.Selected) -> None:
        event.stop()
        self._open_detail(event.row.seq)

    def _open_detail(self, seq: int) -> None:
        if self.loaded is None or seq not in self.loaded.events:
            return
        ev = self.loaded.events[seq]
        state = self.loaded.state
        target_seq = ev.payload.get("target") if ev.type in (
            "EventRetracted", "EventAmended") else ev.payload.get("action") if (
            ev.type == "ActionCompleted") else None
        target = self.loaded.events.get(target_seq) if isinstance(target_seq, int) else None
        detail = EventDetail(
            self.workspace, ev, read_only=self.read_only, record=state.by_seq.get(seq),
            corrections=corrections_of(state, seq), target=target,
        )

        def done(result: Event | None) -> None:
            if result is None:
                return
            what = "retracted" if result.type == "EventRetracted" else "amended"
            self.notify(f"event {result.payload['target']} {what} (event {result.seq})")
            self.post_message(self.Corrected(result))
            self._keep_seq = result.payload["target"]
            self.load()

        self.app.push_screen(detail, done)

    # -- verification ------------------------------------------------------------------------

    def action_verify(self) -> None:
        self.query_one("#history-status", Static).update("verifying the chain…")
        self.verify()

    @work(thread=True, exclusive=True, group="history-verify")
    def verify(self) -> None:
        """Walk the hash chain (thread) and report the outcome."""
        try:
            report = self.workspace.log.verify()
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._failed, "could not verify the chain", exc)
            return
        self.app.call_from_thread(self._verified, report)

    def _verified(self, report: VerifyReport) -> None:
        self.verify_report = report
        status = self.query_one("#history-status", Static)
        status.set_class(report.ok, "-ok")
        status.set_class(not report.ok, "-broken")
        status.update(self._status_text())
        if report.ok:
            self.notify(verify_text(report), title="chain verified")
        else:
            self.notify(verify_text(report), title="chain broken", severity="error",
                        timeout=15)

    def _status_text(self) -> str:
        parts = []
        if self.new_above:
            parts.append(f"↑ {self.new_above} new above (Home)")
        if self.verify_report is not None:
            parts.append(verify_text(self.verify_report))
        else:
            parts.append("v: verify the chain")
        if not self.read_only:
            parts.append("enter: detail, retract or amend")
        return "   ·   ".join(parts)

    # -- leaving -----------------------------------------------------------------------------

    def _has_screen_below(self) -> bool:
        stack = self.app.screen_stack
        if len(stack) < 2 or stack[-1] is not self:
            return False
        below = stack[-2]
        # The app's bare default screen is no place to go back to (``sop review`` starts here).
        return not (type(below) is Screen and not below.children)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self._has_screen_below() or isinstance(self.focused, (Input, Select))
        return True

    def action_back(self) -> None:
        focused = self.focused
        if isinstance(focused, Input) and focused.value:
            # Esc cancels the search (Enter keeps it): the text and its filter go
            if self._debounce is not None:
                self._debounce.stop()
            with focused.prevent(Input.Changed):
                focused.value = ""
            self._set_text("")
        if isinstance(focused, (Input, Select)):
            self.query_one(HistoryTable).focus()
            return
        if self._has_screen_below():
            self.dismiss()


def verify_text(report: VerifyReport) -> str:
    """One line for a verification outcome: ``ok: N events, head abcd…`` or the failure."""
    if report.ok:
        return f"ok: {report.count:,} events, head {report.head_hash[:12]}…"
    return f"chain broken at event {report.seq}: {report.reason}"


def _replace(flt: HistoryFilter, **changes: object) -> HistoryFilter:
    return replace(flt, **changes)  # type: ignore[arg-type]
