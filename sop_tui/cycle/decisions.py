"""What a decision must hold, as the reference asks, and what came of it.

A decision is recorded with the options considered (at least two), the one chosen among them,
who carries it out and by when. :func:`decision_problems` is the one rule set: the workspace
refuses a decision it finds fault with (the CLI exits 2 naming the field), and the app's form
shows the same message beside the same field.

When a decision falls due, the lead records its outcome (:data:`OUTCOMES`) with a note.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

#: What came of a decision: it worked, partly, it did not, or a later decision superseded it.
OUTCOMES: tuple[str, ...] = ("worked", "partly", "did_not", "superseded")
OUTCOME_WORDS = {"worked": "worked", "partly": "partly worked", "did_not": "did not work",
                 "superseded": "superseded"}


def clean_options(options: Sequence[str]) -> list[str]:
    """The options given, trimmed, blanks and repeats left out (first spelling kept)."""
    out: list[str] = []
    seen: set[str] = set()
    for o in options:
        text = str(o).strip()
        if text and text.casefold() not in seen:
            seen.add(text.casefold())
            out.append(text)
    return out


def chosen_option(chosen: str, options: Sequence[str]) -> str | None:
    """The option ``chosen`` names (case and surrounding spaces do not matter), or None."""
    want = str(chosen).strip().casefold()
    return next((o for o in options if o.casefold() == want), None)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def decision_problems(*, question: str, options: Sequence[str], chosen: str, rationale: str,
                      decided_by: str, owner: str | None, due: str | None) -> dict[str, str]:
    """Every field of a decision that does not hold, with what is wrong (empty: it holds)."""
    problems: dict[str, str] = {}
    for name, value in (("question", question), ("rationale", rationale),
                        ("decided_by", decided_by)):
        if not str(value or "").strip():
            problems[name] = "must not be blank"
    opts = clean_options(options)
    if len(opts) < 2:
        problems["options"] = (f"{len(opts)} option(s) given; name at least two options "
                               "considered (the one chosen among them)")
    if not str(chosen or "").strip():
        problems["chosen"] = "must not be blank: say which option was chosen"
    elif opts and chosen_option(chosen, opts) is None:
        problems["chosen"] = (f"{chosen.strip()!r} is not among the options "
                              f"({', '.join(opts)})")
    if not str(owner or "").strip():
        problems["owner"] = "name who carries the decision out"
    due_text = str(due or "").strip()
    if not due_text:
        problems["due"] = "give the date it is due (YYYY-MM-DD)"
    elif not _is_date(due_text):
        problems["due"] = f"{due_text!r} is not a date in the form YYYY-MM-DD"
    return problems


def outcome_problems(outcome: str, note: str | None) -> dict[str, str]:
    """What is wrong with a decision's outcome (empty: it holds)."""
    problems: dict[str, str] = {}
    if outcome not in OUTCOMES:
        problems["outcome"] = f"{outcome!r} is not an outcome (one of: {', '.join(OUTCOMES)})"
    if not str(note or "").strip():
        problems["note"] = "say in a sentence what came of it"
    return problems
