"""The import contract: every kind of planning data, its columns, keys and references.

This module is the single source of truth for the shape of planning data. The importer validates
files against it, the demo generator writes files that satisfy it, and the analytics receive
frames shaped by it (see ``frame conventions`` below).

Frame conventions (what ``sop_tui.data.load`` hands to the analytics):
- one ``pandas.DataFrame`` per kind with exactly the columns listed here, in this order;
- ``code`` and ``text`` columns are ``str`` (object dtype; codes keep leading zeros, ``NA`` is a
  real code, never missing);
- ``month`` columns (and ``forecast_history.cycle``) are ``period[M]`` dtype;
- ``date`` columns are ``datetime64[ns]`` (normalised to midnight);
- ``number`` and ``money`` columns are ``float64``;
- ``choice`` columns are ``str`` with one of the listed values;
- an optional column that a file omits is present and holds ``""`` (text) or ``NaN`` (number).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal["code", "text", "number", "money", "month", "date", "choice"]

DEMAND_SOURCES: tuple[str, ...] = ("sales", "marketing", "finance", "planner")
FORECAST_STEPS: tuple[str, ...] = (
    "statistical",
    "sales",
    "marketing",
    "finance",
    "planner",
    "consensus",
    "executive",
)
LIFECYCLES: tuple[str, ...] = ("active", "new", "phase_out")


@dataclass(frozen=True)
class Column:
    """One column of a kind.

    Attributes:
        name: the header, lower case, as it must appear in the file.
        type: how cells are parsed and checked.
        required: whether the column must be present in the file.
        min_value: the smallest allowed number (``None``: no lower bound).
        choices: allowed values of a ``choice`` column.
        allow_blank: whether an empty cell is allowed (only for optional text-like columns).
    """

    name: str
    type: ColumnType
    required: bool = True
    min_value: float | None = 0.0
    choices: tuple[str, ...] = ()
    allow_blank: bool = False


@dataclass(frozen=True)
class Reference:
    """A column whose values must exist in another kind (checked when that kind is known)."""

    column: str
    kind: str
    target: str


@dataclass(frozen=True)
class Kind:
    """A kind of planning data: its columns, the columns that identify a row, its references."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    references: tuple[Reference, ...] = field(default=())
    description: str = ""

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


def _c(name: str, type: ColumnType, **kw: object) -> Column:
    return Column(name, type, **kw)  # type: ignore[arg-type]


KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "items",
            (
                _c("sku", "code"),
                _c("description", "text", allow_blank=True),
                _c("family", "code"),
                _c("unit_price", "money"),
                _c("unit_cost", "money"),
                _c("lifecycle", "choice", choices=LIFECYCLES),
            ),
            key=("sku",),
            description="the item master: one row per SKU",
        ),
        Kind(
            "actuals",
            (_c("sku", "code"), _c("month", "month"), _c("units", "number")),
            key=("sku", "month"),
            references=(Reference("sku", "items", "sku"),),
            description="shipments (demand) per SKU and month",
        ),
        Kind(
            "inventory",
            (_c("sku", "code"), _c("on_hand_units", "number"), _c("as_of", "date")),
            key=("sku",),
            references=(Reference("sku", "items", "sku"),),
            description="on-hand stock per SKU at a date",
        ),
        Kind(
            "capacity",
            (_c("resource", "code"), _c("month", "month"), _c("hours", "number")),
            key=("resource", "month"),
            description="available hours per work centre and month",
        ),
        Kind(
            "routings",
            (_c("family", "code"), _c("resource", "code"), _c("hours_per_unit", "number")),
            key=("family", "resource"),
            references=(Reference("family", "items", "family"),),
            description="hours of each work centre one unit of a family needs",
        ),
        Kind(
            "production",
            (
                _c("family", "code"),
                _c("month", "month"),
                _c("planned_units", "number"),
                _c("actual_units", "number"),
            ),
            key=("family", "month"),
            references=(Reference("family", "items", "family"),),
            description="planned and produced units per family and month (plan attainment)",
        ),
        Kind(
            "targets",
            (_c("month", "month"), _c("revenue_target", "money")),
            key=("month",),
            description="the finance revenue target per month",
        ),
        Kind(
            "demand_inputs",
            (
                _c("source", "choice", choices=DEMAND_SOURCES),
                _c("family", "code"),
                _c("month", "month"),
                _c("units", "number"),
                _c("owner", "text"),
                _c("assumption", "text"),
            ),
            key=("source", "family", "month"),
            references=(Reference("family", "items", "family"),),
            description="this cycle's demand inputs per source, family and month",
        ),
        Kind(
            "forecast_history",
            (
                _c("cycle", "month"),
                _c("step", "choice", choices=FORECAST_STEPS),
                _c("family", "code"),
                _c("month", "month"),
                _c("units", "number"),
                _c("sku", "code", required=False, allow_blank=True),
            ),
            key=("cycle", "step", "family", "sku", "month"),
            references=(
                Reference("family", "items", "family"),
                Reference("sku", "items", "sku"),
            ),
            description="past forecasts per cycle and process step (family level, optionally SKU)",
        ),
    )
}
