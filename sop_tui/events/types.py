"""The event types of the S&OP log and the payload each one carries.

An event is a frozen :class:`Event` envelope around a payload. Each type's payload is a frozen
pydantic model, so a command that builds an event with a missing or malformed field fails before
anything is written, with an error that names the field.

Corrections never change an event: ``EventRetracted`` and ``EventAmended`` name the event they
correct (by ``seq``) and why; projections apply them when they fold the log.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sop_tui.events.envelope import CORRECTABLE, DATE_RE, MEETINGS, MONTH_RE, Event
from sop_tui.settings import Limits, LimitSettingError

__all__ = ["CORRECTABLE", "DATE_RE", "MEETINGS", "MONTH_RE", "Event", "PAYLOADS",
           "PayloadError", "validate_payload"]



class Payload(BaseModel):
    """Base of every payload: frozen, strict about unknown fields."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    TYPE: ClassVar[str] = ""


def _nonblank(v: str | None) -> str | None:
    if v is not None and not v.strip():
        raise ValueError("must not be blank")
    return v


def _month(v: str | None) -> str | None:
    if v is not None and not MONTH_RE.match(v):
        raise ValueError(f"{v!r} is not a month in the form YYYY-MM")
    return v


def _date(v: str | None) -> str | None:
    if v is not None and not DATE_RE.match(v):
        raise ValueError(f"{v!r} is not a date in the form YYYY-MM-DD")
    return v


class MonthRange(BaseModel):
    """An inclusive range of months, ``first..last``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    first: str
    last: str

    _check = field_validator("first", "last")(_month)

    @classmethod
    def parse(cls, text: str) -> MonthRange:
        """Parse ``YYYY-MM`` or ``YYYY-MM..YYYY-MM``."""
        first, sep, last = text.strip().partition("..")
        r = cls(first=first.strip(), last=(last if sep else first).strip())
        if r.last < r.first:
            raise ValueError(f"{text!r}: the range ends before it starts")
        return r

    def __str__(self) -> str:
        return self.first if self.first == self.last else f"{self.first}..{self.last}"


def _schedule(v: dict[str, str] | None) -> dict[str, str] | None:
    for meeting, day in (v or {}).items():
        if meeting not in MEETINGS:
            raise ValueError(f"{meeting!r} is not a meeting (one of: {', '.join(MEETINGS)})")
        _date(day)
    return v


class CycleOpened(Payload):
    TYPE: ClassVar[str] = "CycleOpened"
    cycle: str
    note: str | None = None
    schedule: dict[str, str] | None = None  # meeting -> the day it is planned (YYYY-MM-DD)
    _m = field_validator("cycle")(_month)
    _s = field_validator("schedule")(_schedule)


class CycleClosed(Payload):
    """A cycle decided: the imports its numbers used are fixed (``until``: the last event
    whose data it reads; ``imports``: kind -> the import events read, oldest first)."""

    TYPE: ClassVar[str] = "CycleClosed"
    cycle: str
    until: int = Field(ge=0)
    imports: dict[str, tuple[int, ...]] = {}
    _m = field_validator("cycle")(_month)


class MeetingScheduled(Payload):
    """A meeting's planned day, moved after the cycle was opened."""

    TYPE: ClassVar[str] = "MeetingScheduled"
    meeting: Literal["portfolio", "demand", "supply", "pre_sop", "executive"]
    date: str
    reason: str | None = None
    _d = field_validator("date")(_date)


class AttendanceRecorded(Payload):
    """Who attended a meeting (added to those recorded before)."""

    TYPE: ClassVar[str] = "AttendanceRecorded"
    meeting: Literal["portfolio", "demand", "supply", "pre_sop", "executive"]
    attendees: tuple[str, ...] = Field(min_length=1)

    @field_validator("attendees")
    @classmethod
    def _names(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        if any(not a.strip() for a in v):
            raise ValueError("a name must not be blank")
        return tuple(a.strip() for a in v)


class DecisionOutcomeRecorded(Payload):
    """What came of a decision, recorded when it fell due."""

    TYPE: ClassVar[str] = "DecisionOutcomeRecorded"
    decision: int = Field(ge=1)
    outcome: Literal["worked", "partly", "did_not", "superseded"]
    note: str = Field(min_length=1)
    measured: str | None = None  # the measured result shown beside it, when there was one
    _nb = field_validator("note")(_nonblank)


class DatasetImported(Payload):
    TYPE: ClassVar[str] = "DatasetImported"
    kind: str
    file: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    rows: int = Field(ge=0)
    content_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    notes: tuple[str, ...] = ()
    # data over time (sop_tui.data.imports): absent on imports that replaced their kind
    mode: Literal["add", "replace"] | None = None
    added: int | None = Field(default=None, ge=0)
    changed: int | None = Field(default=None, ge=0)
    unchanged: int | None = Field(default=None, ge=0)


class MeetingStarted(Payload):
    TYPE: ClassVar[str] = "MeetingStarted"
    meeting: Literal["portfolio", "demand", "supply", "pre_sop", "executive"]
    attendees: tuple[str, ...] = ()
    out_of_order: tuple[str, ...] = ()  # the earlier meetings not closed when it started
    reason: str | None = None  # why it started out of order


class AgendaItemStarted(Payload):
    TYPE: ClassVar[str] = "AgendaItemStarted"
    meeting: Literal["portfolio", "demand", "supply", "pre_sop", "executive"]
    item: int = Field(ge=0)
    title: str


class MeetingClosed(Payload):
    TYPE: ClassVar[str] = "MeetingClosed"
    meeting: Literal["portfolio", "demand", "supply", "pre_sop", "executive"]
    minutes: float | None = Field(default=None, ge=0)
    note: str | None = None


class AssumptionRecorded(Payload):
    TYPE: ClassVar[str] = "AssumptionRecorded"
    text: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    family: str | None = None
    months: MonthRange | None = None
    units: float | None = None
    dollars: float | None = None
    source: str | None = None
    _nb = field_validator("text", "owner")(_nonblank)


class DecisionRecorded(Payload):
    TYPE: ClassVar[str] = "DecisionRecorded"
    question: str = Field(min_length=1)
    options: tuple[str, ...] = ()
    chosen: str = Field(min_length=1)
    rationale: str = Field(min_length=1)
    decided_by: str = Field(min_length=1)
    owner: str | None = None
    due: str | None = None
    family: str | None = None
    skus: tuple[str, ...] = ()
    resource: str | None = None
    months: MonthRange | None = None
    _nb = field_validator("question", "chosen", "rationale", "decided_by")(_nonblank)
    _d = field_validator("due")(_date)


class ActionRecorded(Payload):
    TYPE: ClassVar[str] = "ActionRecorded"
    text: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    due: str
    dollars: float | None = None
    decision: int | None = Field(default=None, ge=1)
    _nb = field_validator("text", "owner")(_nonblank)
    _d = field_validator("due")(_date)


class ActionCompleted(Payload):
    TYPE: ClassVar[str] = "ActionCompleted"
    action: int = Field(ge=1)
    item: int | None = Field(default=None, ge=1)  # an override's action: its place, from 1
    note: str | None = None


class EventRetracted(Payload):
    TYPE: ClassVar[str] = "EventRetracted"
    target: int = Field(ge=1)
    target_event_id: str
    reason: str = Field(min_length=1)
    _nb = field_validator("reason")(_nonblank)


class EventAmended(Payload):
    TYPE: ClassVar[str] = "EventAmended"
    target: int = Field(ge=1)
    target_event_id: str
    reason: str = Field(min_length=1)
    changes: dict[str, Any] = Field(min_length=1)
    _nb = field_validator("reason")(_nonblank)


class ConsensusSelected(Payload):
    """The one consensus number per month for a family, chosen from a named source."""

    TYPE: ClassVar[str] = "ConsensusSelected"
    family: str = Field(min_length=1)
    source: str  # sales / marketing / finance / planner / statistical / manual
    units: dict[str, float]  # month -> units
    assumption: str = Field(min_length=1)
    rationale: str | None = None
    averaging_of: tuple[str, ...] = ()  # sources whose mean this equals, when flagged
    chosen_assumptions: str | None = None  # the facilitator's answer when flagged

    @field_validator("units")
    @classmethod
    def _units(cls, v: dict[str, float]) -> dict[str, float]:
        if not v:
            raise ValueError("needs at least one month")
        for m, u in v.items():
            _month(m)
            if u < 0:
                raise ValueError(f"{m}: units must not be negative")
        return v


class ForecastGenerated(Payload):
    TYPE: ClassVar[str] = "ForecastGenerated"
    level: Literal["family", "sku"]
    input_hash: str
    horizon: int = Field(ge=1)
    series: int = Field(ge=0)
    models: dict[str, str]
    backtest_wmape: float | None = None
    units: dict[str, dict[str, float]] | None = None  # series -> month -> units (the forecast)


class ScenarioCreated(Payload):
    TYPE: ClassVar[str] = "ScenarioCreated"
    name: str = Field(min_length=1)
    scenario: dict[str, Any]
    results: dict[str, float] = {}


class RecommendationRecorded(Payload):
    TYPE: ClassVar[str] = "RecommendationRecorded"
    scenario: str = Field(min_length=1)
    text: str = Field(min_length=1)
    open_decisions: tuple[str, ...] = ()


class PlanApproved(Payload):
    TYPE: ClassVar[str] = "PlanApproved"
    scenario: str = Field(min_length=1)
    approved_by: str = Field(min_length=1)
    units: float | None = None
    revenue: float | None = None
    note: str | None = None
    plan: dict[str, dict[str, float]] | None = None  # family -> month -> units approved
    production: dict[str, dict[str, float]] | None = None  # family -> month -> units to make


class OverrideAction(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    text: str = Field(min_length=1)
    owner: str = Field(min_length=1)
    due: str
    dollars: float | None = None
    _d = field_validator("due")(_date)


class PlanOverridden(Payload):
    """The CFO override: its own type, with the gap it closes and the named actions."""

    TYPE: ClassVar[str] = "PlanOverridden"
    scenario: str = Field(min_length=1)
    overridden_by: str = Field(min_length=1)
    rationale: str = Field(min_length=1)
    revenue_gap_closed: float
    actions: tuple[OverrideAction, ...] = Field(min_length=1)
    plan: dict[str, dict[str, float]] | None = None  # family -> month -> units decided
    production: dict[str, dict[str, float]] | None = None  # family -> month -> units to make
    _nb = field_validator("rationale", "overridden_by")(_nonblank)


class PackRendered(Payload):
    TYPE: ClassVar[str] = "PackRendered"
    sha256: str
    file: str
    pages: int = Field(ge=1)
    event_count: int
    head_hash: str


class PackSent(Payload):
    TYPE: ClassVar[str] = "PackSent"
    sha256: str
    to: tuple[str, ...] = Field(min_length=1)
    subject: str
    host: str
    attachments: tuple[str, ...] | None = None  # files sent beside the pack (the plan workbook)


PAYLOADS: dict[str, type[Payload]] = {
    cls.TYPE: cls
    for cls in (
        CycleOpened,
        CycleClosed,
        MeetingScheduled,
        AttendanceRecorded,
        DecisionOutcomeRecorded,
        DatasetImported,
        MeetingStarted,
        AgendaItemStarted,
        MeetingClosed,
        AssumptionRecorded,
        DecisionRecorded,
        ActionRecorded,
        ActionCompleted,
        EventRetracted,
        EventAmended,
        ConsensusSelected,
        ForecastGenerated,
        ScenarioCreated,
        RecommendationRecorded,
        PlanApproved,
        PlanOverridden,
        PackRendered,
        PackSent,
    )
}

class PayloadError(ValueError):
    """A payload that does not hold; ``problems`` maps each field to what is wrong with it."""

    def __init__(self, type_: str, problems: dict[str, str]) -> None:
        self.type = type_
        self.problems = problems
        detail = "; ".join(f"{k}: {v}" for k, v in problems.items())
        super().__init__(f"{type_}: {detail}")


def validate_payload(type_: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Check ``payload`` against its type and return it as plain JSON data.

    Raises:
        PayloadError: naming each field that is missing or wrong.
    """
    model = PAYLOADS.get(type_)
    if model is None:
        raise PayloadError(type_, {"type": f"unknown event type (known: {', '.join(PAYLOADS)})"})
    try:
        obj = model.model_validate(payload)
    except ValidationError as exc:
        problems: dict[str, str] = {}
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "payload"
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "required"
            problems.setdefault(field, msg)
        raise PayloadError(type_, problems) from None
    data = obj.model_dump(mode="json", exclude_none=True)
    too_long = _over_length(data, _text_limit())
    if too_long:
        raise PayloadError(type_, too_long)
    return data


def _text_limit() -> Limits:
    try:
        return Limits.from_env()
    except LimitSettingError as exc:
        raise PayloadError("payload", {"settings": str(exc)}) from None


def _over_length(data: Any, limits: Limits, path: str = "") -> dict[str, str]:
    """Each text field of ``data`` longer than the recorded-text limit, by its dotted name.

    The log is append-only: a megabyte pasted by mistake could never be taken out again, and
    every reader of the log would carry it.
    """
    found: dict[str, str] = {}
    if isinstance(data, str):
        if len(data) > limits.text_chars:
            found[path or "text"] = (
                f"is {len(data):,} characters long, over the limit of {limits.text_chars:,} "
                f"({limits.setting('text_chars')} raises it)")
    elif isinstance(data, dict):
        for k, v in data.items():
            found.update(_over_length(v, limits, f"{path}.{k}" if path else str(k)))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found.update(_over_length(v, limits, f"{path}.{i}"))
    return found
