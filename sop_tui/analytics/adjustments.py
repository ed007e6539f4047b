"""Scenario adjustments: what a scenario changes, and the CLI syntax for it.

Provides :class:`Adjustment` and :func:`parse_adjustment` — one change to demand, capacity or
price (``FAMILY:+10%:2027-01..2027-06``, ``RESOURCE:+200h:2027-03``, ``FAMILY:+3%``) — and
:class:`Scenario`, a named, frozen set of them, JSON-safe through ``to_dict`` / ``from_dict``
(the payload of the scenario event); :func:`baseline` is the scenario that changes nothing.

Adjustments apply in the order given and compound: ``+10%`` then ``-500`` on the same month is
``units × 1.1 − 500``. A unit or hour amount is added to each month of its range
(``FAMILY:-500:2027-01..2027-03`` removes 500 a month, 1,500 in all).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

AdjustmentKind = Literal["demand", "capacity", "price"]
KINDS: tuple[AdjustmentKind, ...] = ("demand", "capacity", "price")
ALL = "*"
BASELINE = "consensus"

EXPECTED: dict[str, str] = {
    "demand": "FAMILY:+10%[:2027-01..2027-06] or FAMILY:-500[:2027-03] (units a month); "
    "FAMILY may be * for all",
    "capacity": "RESOURCE:+15%[:2027-01..2027-03] or RESOURCE:+200h[:2027-01] (hours a month); "
    "RESOURCE may be * for all",
    "price": "FAMILY:+3% (FAMILY may be * for all)",
}

_AMOUNT = re.compile(r"^([+-]?)(\d+(?:\.\d*)?|\.\d+)\s*(%|h)?$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Adjustment:
    """One change to the consensus.

    Attributes:
        kind: ``demand``, ``capacity`` or ``price``.
        target: the family (demand, price) or resource (capacity), or ``"*"`` for all.
        amount: signed: percent when ``unit == "%"``, else units or hours added per month.
        unit: ``"%"``, ``"units"`` (demand) or ``"hours"`` (capacity).
        start: first month (``"YYYY-MM"``), or ``None`` for the whole horizon.
        end: last month, inclusive (equal to ``start`` for one month; ``None`` with ``start``).
    """

    kind: AdjustmentKind
    target: str
    amount: float
    unit: Literal["%", "units", "hours"]
    start: str | None = None
    end: str | None = None

    def text(self) -> str:
        """The CLI form, which :func:`parse_adjustment` reads back."""
        suffix = {"%": "%", "units": "", "hours": "h"}[self.unit]
        amount = f"{self.amount:+g}{suffix}"
        if self.start is None:
            return f"{self.target}:{amount}"
        months = self.start if self.start == self.end else f"{self.start}..{self.end}"
        return f"{self.target}:{amount}:{months}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (strings, a float, ``None``)."""
        return {
            "kind": self.kind,
            "target": self.target,
            "amount": float(self.amount),
            "unit": self.unit,
            "start": self.start,
            "end": self.end,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Adjustment:
        """Read :meth:`to_dict` output back (checked as the parser checks text)."""
        adjustment = cls(
            kind=data["kind"],
            target=str(data["target"]),
            amount=float(data["amount"]),
            unit=data["unit"],
            start=data.get("start"),
            end=data.get("end"),
        )
        # Round-trip through the parser so a hand-edited payload is held to the same rules.
        return parse_adjustment(adjustment.kind, adjustment.text())

    def month_mask(self, months: pd.PeriodIndex) -> np.ndarray:
        """Which of ``months`` this adjustment covers."""
        if self.start is None:
            return np.ones(len(months), dtype=bool)
        start = pd.Period(self.start, freq="M")
        end = pd.Period(self.end or self.start, freq="M")
        return np.asarray((months >= start) & (months <= end))

    def factor_and_offset(self) -> tuple[float, float]:
        """The change as ``new = old × factor + offset``."""
        if self.unit == "%":
            return 1.0 + self.amount / 100.0, 0.0
        return 1.0, self.amount


def _bad(kind: str, text: str, problem: str) -> ValueError:
    return ValueError(f"{kind} adjustment {text!r}: {problem}; expected {EXPECTED[kind]}")


def parse_adjustment(kind: str, text: str) -> Adjustment:
    """Read one adjustment in the CLI syntax.

    Forms: demand ``FAMILY:+10%``, ``FAMILY:+10%:2027-01..2027-06``, ``FAMILY:-500:2027-03``
    (units a month); capacity ``RESOURCE:+15%``, ``RESOURCE:+200h:2027-01..2027-03`` (hours a
    month); price ``FAMILY:+3%``. ``*`` as the family or resource means all of them. The sign
    may be left off (``10%`` is ``+10%``).

    Args:
        kind: ``demand``, ``capacity`` or ``price``.
        text: the adjustment.

    Returns:
        The adjustment.

    Raises:
        ValueError: naming the part that is wrong and showing the expected form.
    """
    if kind not in KINDS:
        raise ValueError(f"adjustment kind {kind!r} is not one of {', '.join(KINDS)}")
    parts = [p.strip() for p in text.strip().split(":")]
    if len(parts) not in (2, 3):
        plural = "" if len(parts) == 1 else "s"
        raise _bad(kind, text, f"has {len(parts)} part{plural} separated by ':', not 2 or 3")
    name = "resource" if kind == "capacity" else "family"
    target = parts[0]
    if not target:
        raise _bad(kind, text, f"the {name} is missing")

    match = _AMOUNT.match(parts[1].replace(" ", ""))
    if match is None:
        raise _bad(kind, text, f"the amount {parts[1]!r} is not a signed number")
    sign, digits, suffix = match.groups()
    amount = float(digits) * (-1.0 if sign == "-" else 1.0)
    unit: Literal["%", "units", "hours"]
    if suffix == "%":
        unit = "%"
    elif kind == "demand" and suffix is None:
        unit = "units"
    elif kind == "capacity" and suffix == "h":
        unit = "hours"
    elif kind == "demand":
        raise _bad(kind, text, f"the amount {parts[1]!r} is in hours; demand is % or units")
    elif kind == "capacity":
        raise _bad(kind, text, f"the amount {parts[1]!r} needs % or h (hours)")
    else:
        raise _bad(kind, text, f"the amount {parts[1]!r} must be a percent")
    if unit == "%" and amount <= -100:
        raise _bad(kind, text, f"the amount {parts[1]!r} would remove everything or more")

    start = end = None
    if len(parts) == 3:
        if kind == "price":
            raise _bad(kind, text, "price changes apply to the whole horizon; drop the months")
        start, _, end = parts[2].partition("..")
        end = end or start
        for month in (start, end):
            if not _MONTH.match(month):
                raise _bad(kind, text, f"the month {month!r} is not YYYY-MM")
        if start > end:
            raise _bad(kind, text, f"the months run backwards ({start} after {end})")
    return Adjustment(kind, target, amount, unit, start, end)


def _coerce(kind: AdjustmentKind, items: Iterable[Adjustment | str | Mapping[str, Any]]
            ) -> tuple[Adjustment, ...]:
    out = []
    for item in items:
        if isinstance(item, str):
            item = parse_adjustment(kind, item)
        elif isinstance(item, Mapping):
            item = Adjustment.from_dict({"kind": kind, **item})
        if not isinstance(item, Adjustment) or item.kind != kind:
            raise ValueError(f"a {kind} adjustment was expected, got {item!r}")
        out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class Scenario:
    """A named, frozen set of adjustments to the consensus.

    Adjustments may be given as :class:`Adjustment` values, CLI strings or dicts; they are stored
    as a tuple of :class:`Adjustment`.
    """

    name: str
    description: str = ""
    demand: tuple[Adjustment, ...] = ()
    capacity: tuple[Adjustment, ...] = ()
    price: tuple[Adjustment, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise ValueError("a scenario needs a name")
        for kind in KINDS:
            # Frozen: normalise through object.__setattr__, once, at construction.
            object.__setattr__(self, kind, _coerce(kind, getattr(self, kind)))

    @property
    def adjustments(self) -> tuple[Adjustment, ...]:
        """All adjustments: demand, then capacity, then price."""
        return self.demand + self.capacity + self.price

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form for the event payload."""
        return {
            "name": self.name,
            "description": self.description,
            **{kind: [a.to_dict() for a in getattr(self, kind)] for kind in KINDS},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Scenario:
        """Read :meth:`to_dict` output (adjustments may also be CLI strings)."""
        return cls(
            name=str(data["name"]),
            description=str(data.get("description", "")),
            **{kind: tuple(data.get(kind, ())) for kind in KINDS},
        )


def baseline() -> Scenario:
    """The consensus as agreed: no adjustments."""
    return Scenario(BASELINE, "The consensus plan, no adjustments")
