"""The demand review's rules: one consensus per family, from a named source, never an average.

Pure functions over the ``demand_inputs`` frame (and, when given, the statistical forecast).
"""

from __future__ import annotations

from itertools import combinations

import pandas as pd

#: How close (in units, per month) a consensus must be to an average to count as "the average".
AVERAGE_TOLERANCE = 0.5


def source_units(inputs: pd.DataFrame, family: str, source: str) -> dict[str, float]:
    """Month -> units of one source's input for one family (``{}`` if it gave none)."""
    rows = inputs[(inputs["family"] == family) & (inputs["source"] == source)]
    return {str(m): float(u) for m, u in zip(rows["month"], rows["units"], strict=True)}


def family_sources(inputs: pd.DataFrame, family: str) -> dict[str, dict[str, float]]:
    """Each source's input for ``family``: source -> month -> units."""
    rows = inputs[inputs["family"] == family]
    return {
        str(src): {str(m): float(u) for m, u in zip(g["month"], g["units"], strict=True)}
        for src, g in rows.groupby("source", sort=True)
    }


def averaging_of(
    chosen: dict[str, float],
    sources: dict[str, dict[str, float]],
    *,
    exclude: str | None = None,
) -> tuple[str, ...]:
    """The sources whose month-by-month mean the chosen numbers equal, if any.

    Consensus by averaging is splitting the difference to avoid a fight; it is flagged whenever
    the chosen numbers equal the mean of two or more sources that differ from each other —
    including when the chosen source's own number is such a mean (``exclude`` names it, so it
    is compared with the others).
    """
    names = sorted(s for s in sources if s != exclude)
    months = sorted(chosen)
    for k in range(len(names), 1, -1):
        for combo in combinations(names, k):
            if not all(set(months) <= set(sources[s]) for s in combo):
                continue
            vals = [[sources[s][m] for m in months] for s in combo]
            if all(v == vals[0] for v in vals):
                continue  # the sources agree; choosing their number is not averaging
            means = [sum(col) / k for col in zip(*vals, strict=True)]
            if all(abs(chosen[m] - mu) <= AVERAGE_TOLERANCE for m, mu in
                   zip(months, means, strict=True)):
                return combo
    return ()


def assumption_of(inputs: pd.DataFrame, family: str, source: str) -> str | None:
    """The assumption text a source gave for a family (the first non-blank one)."""
    rows = inputs[(inputs["family"] == family) & (inputs["source"] == source)]
    texts = [t for t in rows["assumption"].astype(str) if t.strip()]
    return texts[0] if texts else None
