"""Meeting definitions, read from TOML files (``meetings/*.toml``): the agenda as data.

A file that does not hold is refused with a :class:`MeetingFileError` naming the file and the
key, so a company can edit its agenda without reading Python.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sop_tui.cycle.criteria import RULES
from sop_tui.events.envelope import MEETINGS

#: The panels a meeting screen can show for an agenda item.
PANELS: tuple[str, ...] = (
    "followup",
    "actions",
    "portfolio",
    "segments",
    "metrics",
    "fva",
    "bakeoff",
    "demand",
    "plan",
    "supply",
    "scenarios",
    "executive",
    # the agenda items that ask a question of their own (issue 12): phase-out stock, plan
    # attainment and E&O by family, the metrics cycle by cycle
    "phase_outs",
    "attainment",
    "inventory",
    "performance",
)


class MeetingFileError(ValueError):
    """A meeting file that does not hold; the message names the file and the key."""


@dataclass(frozen=True)
class AgendaItem:
    title: str
    minutes: int
    panel: str
    prompts: tuple[str, ...]


@dataclass(frozen=True)
class MeetingDef:
    id: str
    order: int
    title: str
    owner: str
    purpose: str
    key_output: str
    limit_minutes: int
    exit_criteria: tuple[str, ...]
    agenda: tuple[AgendaItem, ...]
    path: Path

    @property
    def planned_minutes(self) -> int:
        return sum(a.minutes for a in self.agenda)


def _get(data: dict[str, Any], key: str, kind: type, where: str, *, default: Any = ...) -> Any:
    if key not in data:
        if default is not ...:
            return default
        raise MeetingFileError(f"{where}: key '{key}' is missing")
    value = data[key]
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise MeetingFileError(f"{where}: key '{key}' must be a whole number, not {value!r}")
    if not isinstance(value, kind):
        raise MeetingFileError(
            f"{where}: key '{key}' must be {kind.__name__}, not {type(value).__name__}"
        )
    if isinstance(value, str) and not value.strip():
        raise MeetingFileError(f"{where}: key '{key}' must not be blank")
    return value


def load_meeting(path: Path) -> MeetingDef:
    """Read and check one meeting file."""
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise MeetingFileError(f"{name}: not valid TOML: {exc}") from None
    known = {"id", "order", "title", "owner", "purpose", "key_output", "limit_minutes",
             "exit_criteria", "agenda"}
    extra = sorted(set(data) - known)
    if extra:
        raise MeetingFileError(f"{name}: unknown key(s) {', '.join(extra)}")
    mid = _get(data, "id", str, name)
    if mid not in MEETINGS:
        raise MeetingFileError(f"{name}: key 'id' must be one of {', '.join(MEETINGS)}, "
                               f"not {mid!r}")
    criteria = _get(data, "exit_criteria", list, name)
    for i, c in enumerate(criteria):
        if c not in RULES:
            raise MeetingFileError(f"{name}: exit_criteria[{i}] {c!r} is not a known criterion "
                                   f"(known: {', '.join(RULES)})")
    agenda_raw = _get(data, "agenda", list, name)
    if not agenda_raw:
        raise MeetingFileError(f"{name}: key 'agenda' needs at least one item")
    agenda = []
    for i, item in enumerate(agenda_raw):
        where = f"{name}: agenda[{i}]"
        if not isinstance(item, dict):
            raise MeetingFileError(f"{where} must be a table ([[agenda]])")
        extra = sorted(set(item) - {"title", "minutes", "panel", "prompts"})
        if extra:
            raise MeetingFileError(f"{where}: unknown key(s) {', '.join(extra)}")
        minutes = _get(item, "minutes", int, where)
        if minutes <= 0:
            raise MeetingFileError(f"{where}: key 'minutes' must be positive")
        panel = _get(item, "panel", str, where)
        if panel not in PANELS:
            raise MeetingFileError(f"{where}: key 'panel' must be one of {', '.join(PANELS)}, "
                                   f"not {panel!r}")
        prompts = _get(item, "prompts", list, where, default=[])
        agenda.append(AgendaItem(_get(item, "title", str, where), minutes, panel,
                                 tuple(str(p) for p in prompts)))
    limit = _get(data, "limit_minutes", int, name)
    if limit <= 0:
        raise MeetingFileError(f"{name}: key 'limit_minutes' must be positive")
    return MeetingDef(
        id=mid,
        order=_get(data, "order", int, name),
        title=_get(data, "title", str, name),
        owner=_get(data, "owner", str, name),
        purpose=_get(data, "purpose", str, name),
        key_output=_get(data, "key_output", str, name),
        limit_minutes=limit,
        exit_criteria=tuple(criteria),
        agenda=tuple(agenda),
        path=path,
    )


def load_meetings(directory: Path) -> dict[str, MeetingDef]:
    """All five meetings from ``directory``, in cadence order."""
    defs: dict[str, MeetingDef] = {}
    for mid in MEETINGS:
        path = directory / f"{mid}.toml"
        if not path.exists():
            raise MeetingFileError(f"{path}: missing (every meeting needs its file)")
        d = load_meeting(path)
        if d.id != mid:
            raise MeetingFileError(f"{path.name}: key 'id' is {d.id!r} but the file is for {mid!r}")
        defs[mid] = d
    return dict(sorted(defs.items(), key=lambda kv: kv[1].order))
