"""The decision history screen: every event of every cycle, filtered, corrected and verified.

Provides:

- :class:`HistoryRow`, :func:`build_rows`, :class:`HistoryFilter` and :func:`filter_rows` — the
  prepared rows the screen shows (newest first) and the in-memory filter over them. Rows are
  built once per load in a thread worker; a filter change only walks the prepared list, so it is
  instant on 10,000 events and never queries the database per keystroke.
- :class:`HistoryTable` — a virtual table (Textual's line API): it renders only the lines on
  screen, so opening, filtering and paging 10,000 rows cost the same as 40. (Textual's
  ``DataTable`` measures every cell on insert: 3–5 s and ~100 ms a page for 10,000 rows here.)
- :class:`HistoryScreen` — the screen: a filter bar (cycle, meeting, type, family, text), the
  table, the event detail on Enter (with retract/amend unless read-only), and chain verification
  on ``v``. It works as the app's first screen (``sop review``) or pushed over another.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events, on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.timer import Timer
from textual.widgets import Footer, Input, Select, Static

from sop_tui.cycle.describe import summary
from sop_tui.cycle.state import LogState, Record, corrections_of
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import VerifyReport
from sop_tui.events.types import Event

#: How long the text filter waits after the last keystroke before it filters (seconds).
TEXT_DEBOUNCE = 0.15
#: How often a read-only history looks for events the lead appended meanwhile (seconds).
POLL_SECONDS = 5.0

# -- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One event as the history shows it.

    ``note`` is ``"retracted by N"`` or ``"amended by N[, M]"`` for corrected records;
    ``family`` is the family the event (or the record it corrects) is about, or ``""``;
    ``haystack`` is the lower-cased text the free-text filter searches.
    """

    seq: int
    at: str
    cycle: str
    meeting: str
    type: str
    actor: str
    summary: str
    family: str = ""
    note: str = ""
    retracted: bool = False
    amended: bool = False
    haystack: str = field(default="", repr=False)


def _family(e: Event, state: LogState) -> str:
    fam = e.payload.get("family")
    if fam is None and e.type in ("EventRetracted", "EventAmended"):
        # A correction is about its target's family: filtering by family shows both.
        target = state.by_seq.get(e.payload.get("target", 0))
        fam = target.payload.get("family") if target is not None else None
    return str(fam) if fam else ""


def _note(rec: Record | None) -> tuple[str, bool, bool]:
    if rec is None:
        return "", False, False
    if rec.retraction is not None:
        return f"retracted by {rec.retraction.seq}", True, bool(rec.amendments)
    if rec.amendments:
        return "amended by " + ", ".join(str(a.seq) for a in rec.amendments), False, True
    return "", False, False


def make_row(e: Event, state: LogState) -> HistoryRow:
    """The row of one event, with its corrections as folded in ``state``."""
    try:
        text = summary(e)
    except (KeyError, TypeError, ValueError):
        # A payload older or newer than describe.py knows: show the type, never fail the list.
        text = e.type
    note, retracted, amended = _note(state.by_seq.get(e.seq))
    family = _family(e, state)
    at = e.at[:16].replace("T", " ")
    meeting = e.meeting or ""
    hay = " ".join((str(e.seq), e.cycle, meeting, e.type, e.actor, text, family, note)).lower()
    return HistoryRow(e.seq, at, e.cycle, meeting, e.type, e.actor, text, family, note,
                      retracted, amended, hay)


def build_rows(events_: Iterable[Event], state: LogState) -> list[HistoryRow]:
    """The rows of ``events_`` (in seq order), newest first."""
    rows = [make_row(e, state) for e in events_]
    rows.reverse()
    return rows


@dataclass(frozen=True, slots=True)
class HistoryFilter:
    """What the filter bar asks for; ``None`` (or ``""`` for text) means any.

    ``meeting=""`` asks for events recorded outside any meeting. ``text`` matches rows that
    contain every whitespace-separated word of it, case-insensitively, anywhere in the row.
    """

    cycle: str | None = None
    meeting: str | None = None
    type: str | None = None
    family: str | None = None
    text: str = ""

    def matches(self, row: HistoryRow) -> bool:
        """Whether ``row`` passes every part of the filter."""
        if self.cycle is not None and row.cycle != self.cycle:
            return False
        if self.meeting is not None and row.meeting != self.meeting:
            return False
        if self.type is not None and row.type != self.type:
            return False
        if self.family is not None and row.family != self.family:
            return False
        return all(word in row.haystack for word in self.text.lower().split())


def filter_rows(rows: Sequence[HistoryRow], flt: HistoryFilter) -> list[HistoryRow]:
    """The rows that pass ``flt``, in their order."""
    if flt == HistoryFilter():
        return list(rows)
    return [r for r in rows if flt.matches(r)]


# -- the virtual table -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Column:
    key: str
    label: str
    width: int
    right: bool = False


#: Columns dropped, in this order, when the table is too narrow for a readable summary.
_DROP_ORDER = ("actor", "at", "meeting", "cycle", "note")
_MIN_SUMMARY = 24


def layout_columns(rows: Sequence[HistoryRow], width: int) -> list[_Column]:
    """The columns that fit ``width``; ``summary`` takes what the others leave."""
    seq_w = max(3, len(str(max((r.seq for r in rows), default=0))))
    type_w = min(22, max((len(r.type) for r in rows), default=4))
    actor_w = min(12, max(5, max((len(r.actor) for r in rows), default=5)))
    note_w = min(24, max((len(r.note) for r in rows), default=0))
    cols = [
        _Column("seq", "seq", seq_w, right=True),
        _Column("at", "time (UTC)", 16),
        _Column("cycle", "cycle", 7),
        _Column("meeting", "meeting", 9),
        _Column("type", "type", max(4, type_w)),
        _Column("actor", "actor", actor_w),
        _Column("note", "correction", max(10, note_w)),
    ]
    if note_w == 0:
        cols = [c for c in cols if c.key != "note"]

    def rest(cs: list[_Column]) -> int:
        return width - sum(c.width + 1 for c in cs)

    for key in _DROP_ORDER:
        if rest(cols) >= _MIN_SUMMARY:
            break
        cols = [c for c in cols if c.key != key]
    cols.append(_Column("summary", "summary", max(1, rest(cols))))
    return cols


def _cell(text: str, width: int, right: bool = False) -> str:
    if text.isascii():  # the common case, without measuring graphemes
        if len(text) > width:
            return text[: width - 1] + "…" if width > 1 else text[:width]
        return text.rjust(width) if right else text.ljust(width)
    if cell_len(text) > width:
        return set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


class HistoryTable(ScrollView, can_focus=True):
    """A table of :class:`HistoryRow` that renders only the lines on screen.

    The first line is a fixed header; a cursor row follows the keys. Enter (or a double click)
    posts :class:`HistoryTable.Selected`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "up", show=False),
        Binding("down", "cursor(1)", "down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("home", "jump(0)", "first", show=False),
        Binding("end", "jump(-1)", "last", show=False),
        Binding("enter", "select", "detail", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "history-table--header",
        "history-table--cursor",
        "history-table--retracted",
        "history-table--amended",
    }

    DEFAULT_CSS = """
    HistoryTable { height: 1fr; }
    HistoryTable > .history-table--header { text-style: bold; background: $panel; }
    HistoryTable > .history-table--cursor { background: $accent 40%; }
    HistoryTable:focus > .history-table--cursor { background: $accent; color: $text; }
    HistoryTable > .history-table--retracted { color: $text-muted; text-style: strike; }
    HistoryTable > .history-table--amended { color: $warning; }
    """

    class Selected(Message):
        """The user asked for a row's detail."""

        def __init__(self, row: HistoryRow) -> None:
            self.row = row
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[HistoryRow] = []
        self.cursor = 0
        self._columns: list[_Column] = []
        self._columns_for = -1
        # Per-width caches: a row's line text, and the styles (dropped when the CSS changes).
        self._texts: dict[int, str] = {}
        self._styles: dict[str, Style] | None = None

    # -- data --------------------------------------------------------------------------------

    def set_rows(self, rows: list[HistoryRow], *, keep_seq: int | None = None) -> None:
        """Show ``rows``; keep the cursor on event ``keep_seq`` if it is among them."""
        self.rows = rows
        self._columns_for = -1
        self._texts.clear()
        index = 0
        if keep_seq is not None:
            index = next((i for i, r in enumerate(rows) if r.seq == keep_seq), 0)
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self.cursor = index
        self.scroll_to(y=0, animate=False, immediate=True)
        self._show_cursor()
        self.refresh()

    @property
    def current(self) -> HistoryRow | None:
        """The row under the cursor."""
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    # -- movement ----------------------------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _move_to(self, index: int) -> None:
        if not self.rows:
            return
        old = self.cursor
        self.cursor = max(0, min(len(self.rows) - 1, index))
        if not self._show_cursor():
            # Nothing scrolled: repaint the two lines the cursor left and reached.
            top = int(self.scroll_y)
            self.refresh_line(old - top + 1)
            self.refresh_line(self.cursor - top + 1)

    def _show_cursor(self) -> bool:
        """Scroll so the cursor row is on screen; True if it scrolled (all repainted)."""
        top = int(self.scroll_y)
        if self.cursor < top:
            y = self.cursor
        elif self.cursor >= top + self._page:
            y = self.cursor - self._page + 1
        else:
            return False
        self.scroll_to(y=y, animate=False, immediate=True)
        self.refresh()
        return True

    def action_cursor(self, step: int) -> None:
        self._move_to(self.cursor + step)

    def action_page(self, direction: int) -> None:
        self._move_to(self.cursor + direction * self._page)

    def action_jump(self, index: int) -> None:
        self._move_to(index if index >= 0 else len(self.rows) - 1)

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(row))

    def _on_click(self, event: events.Click) -> None:
        index = int(self.scroll_y) + event.y - 1
        if event.y >= 1 and 0 <= index < len(self.rows):
            self._move_to(index)
            if event.chain >= 2:
                self.action_select()

    def on_resize(self, _event: events.Resize) -> None:
        self._columns_for = -1
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)

    def notify_style_update(self) -> None:
        self._styles = None
        super().notify_style_update()

    def _on_focus(self, _event: events.Focus) -> None:
        self._styles = None
        self.refresh()

    def _on_blur(self, _event: events.Blur) -> None:
        self._styles = None
        self.refresh()

    def _style(self, name: str) -> Style:
        if self._styles is None:
            self._styles = {"": self.rich_style} | {
                c: self.get_component_rich_style(c) for c in self.COMPONENT_CLASSES
            }
        return self._styles[name]

    # -- rendering ---------------------------------------------------------------------------

    def _layout(self) -> list[_Column]:
        width = self.scrollable_content_region.width
        if self._columns_for != width:
            self._columns = layout_columns(self.rows, width)
            self._columns_for = width
            self._texts.clear()
        return self._columns

    def _line(self, values: Iterable[str], cols: list[_Column]) -> str:
        text = " ".join(_cell(v, c.width, c.right) for v, c in zip(values, cols, strict=True))
        width = self._columns_for
        if len(text) != width or not text.isascii():
            text = set_cell_size(text, width)  # rare: a wide character, or a very narrow table
        return text

    def render_line(self, y: int) -> Strip:
        cols = self._layout()
        width = self._columns_for
        base = self._style("")
        if y == 0:
            style = base + self._style("history-table--header")
            text = self._line((c.label for c in cols), cols)
            return Strip([Segment(text, style)], width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        text = self._texts.get(row.seq)
        if text is None:
            text = self._line((str(getattr(row, c.key)) for c in cols), cols)
            self._texts[row.seq] = text
        style: Style = base
        if row.retracted:
            style += self._style("history-table--retracted")
        elif row.amended:
            style += self._style("history-table--amended")
        if index == self.cursor:
            style += self._style("history-table--cursor")
        # The text is exactly ``width`` cells (the summary column takes the rest): tell the
        # Strip, so it does not measure every character again.
        return Strip([Segment(text, style)], width)


# -- the screen ------------------------------------------------------------------------------

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

    # -- layout ------------------------------------------------------------------------------

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(self._title(), id="history-title")
        with Horizontal(id="history-filters"):
            yield Select([], prompt="cycle", id="filter-cycle", compact=True)
            yield Select([], prompt="meeting", id="filter-meeting", compact=True)
            yield Select([], prompt="type", id="filter-type", compact=True)
            yield Select([], prompt="family", id="filter-family", compact=True)
            yield Input(placeholder="/ search text", id="filter-text", compact=True)
        yield HistoryTable(id="history-table")
        yield Static("", id="history-status")
        yield Footer()

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
        if self.read_only:
            # Participants look back while the lead writes: pick up new events now and then.
            self.set_interval(POLL_SECONDS, self._poll)

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
        self.loaded = loaded
        self._fill_selects(loaded.rows)
        self._apply_filter(keep_seq=keep)
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
        from sop_tui.tui.dialogs.event_detail import EventDetail

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
    from dataclasses import replace

    return replace(flt, **changes)  # type: ignore[arg-type]
