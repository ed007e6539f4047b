"""The rules a typed value must hold, in words a planner reads — one set for the CLI and the app.

Each rule takes the text as typed (and what it depends on: the cycle, today's date, the options
of a decision) and returns what is wrong with it, or ``None`` when it holds. The workspace's
commands refuse what a rule finds (the CLI exits 2 naming the field); the app's forms run the same
rules as each field is left and again before anything is saved, and show every problem at once.

Provides the field rules (:func:`required`, :func:`months_problem`, :func:`date_problem`,
:func:`number_problem`, :func:`horizon_problem`), the parsers they share (:func:`parse_months`,
:func:`parse_number`, :func:`parse_amount`), :class:`Problems` to collect them, the commands'
rule sets built from them (:func:`assumption_problems`, :func:`decision_problems`,
:func:`action_problems`, :func:`override_problems`), and :func:`in_words` for what the payload
models say in their own terms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from sop_tui.cycle.decisions import decision_problems as what_a_decision_needs
from sop_tui.cycle.errors import CommandError
from sop_tui.events.envelope import MONTH_RE

__all__ = ["HORIZON_MONTHS", "Problems", "action_problems", "add_months", "approval_problems",
           "assumption_problems", "recommendation_problems",
           "date_problem", "decision_problems", "horizon", "horizon_problem", "in_words",
           "months_problem", "number_problem", "override_problems", "parse_amount",
           "parse_months", "parse_number", "required"]

#: How far a cycle plans: cycle ``C`` plans the months ``C`` .. ``C + 17``.
HORIZON_MONTHS = 18


class Problems(dict[str, str]):
    """What is wrong, by field; the first problem found for a field is the one kept."""

    def check(self, name: str, problem: str | None) -> None:
        """Keep ``problem`` for field ``name`` (nothing when it is None)."""
        if problem and name not in self:
            self[name] = problem

    def raise_any(self) -> None:
        """Refuse with every problem at once (:class:`CommandError`), if there is one."""
        if self:
            raise CommandError(dict(self))


def required(text: str | None, what: str) -> str | None:
    """``what`` (e.g. "say what was decided") when ``text`` is blank."""
    return f"required: {what}" if not (text or "").strip() else None


# -- months ------------------------------------------------------------------------------------


def add_months(month: str, n: int) -> str:
    """The month ``n`` months after ``month`` (``YYYY-MM``; ``n`` may be negative)."""
    year, mon = int(month[:4]), int(month[5:7])
    total = year * 12 + mon - 1 + n
    return f"{total // 12:04d}-{total % 12 + 1:02d}"


def horizon(cycle: str, months: int = HORIZON_MONTHS) -> tuple[str, str]:
    """The first and last month cycle ``cycle`` plans."""
    return cycle, add_months(cycle, months - 1)


def parse_months(text: str) -> tuple[str, str]:
    """``YYYY-MM`` or ``YYYY-MM..YYYY-MM`` as (first, last).

    Raises:
        ValueError: saying what is wrong, in words.
    """
    first, sep, last = text.strip().partition("..")
    first, last = first.strip(), (last if sep else first).strip()
    for part in (first, last):
        if not MONTH_RE.match(part):
            raise ValueError(f"{part or text.strip()!r} is not a month: write YYYY-MM "
                             "(e.g. 2027-03) or a range YYYY-MM..YYYY-MM")
    if last < first:
        raise ValueError(f"{text.strip()}: the range ends before it starts")
    return first, last


def months_problem(text: str | None, cycle: str | None = None) -> str | None:
    """What is wrong with a month or range as typed (blank is fine: the field is optional);
    with ``cycle``, months outside its horizon are refused too."""
    if not (text or "").strip():
        return None
    try:
        first, last = parse_months(text or "")
    except ValueError as exc:
        return str(exc)
    return horizon_problem((first, last), cycle) if cycle else None


def horizon_problem(months: Iterable[str], cycle: str) -> str | None:
    """Months before cycle ``cycle`` or past its horizon, said once for all of them."""
    start, end = horizon(cycle)
    outside = sorted({m for m in months if not start <= m <= end})
    if not outside:
        return None
    shown = ", ".join(outside[:3]) + (f" and {len(outside) - 3} more" if len(outside) > 3 else "")
    return (f"{shown} {'is' if len(outside) == 1 else 'are'} outside cycle {cycle}'s horizon: "
            f"it plans {start} to {end}")


# -- dates -------------------------------------------------------------------------------------


def date_problem(text: str | None, *, today: str | None = None) -> str | None:
    """What is wrong with a date as typed (blank is fine here: :func:`required` says when it is
    not); with ``today`` (``YYYY-MM-DD``), a date before it is refused."""
    text = (text or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return f"{text!r} is not a date: write YYYY-MM-DD (e.g. 2027-01-15)"
    try:
        date.fromisoformat(text)
    except ValueError:
        return f"{text} is not a day of the calendar"
    if today is not None and text < today:
        return f"{text} is in the past (today is {today})"
    return None


# -- numbers -----------------------------------------------------------------------------------

_NUMBER_RE = re.compile(r"^([+-]?)\$?\s*(\d+(?:\.\d*)?|\.\d+)\s*([kKmMbB]?)$")
_SCALE = {"": 1.0, "k": 1e3, "m": 1e6, "b": 1e9}


def parse_number(text: str, *, scaled: bool = False) -> float:
    """A number as typed: ``1200``, ``1,200``, ``-3.5``, ``−3.5``, ``$12,500``; with ``scaled``
    also ``1.2M``, ``800k``, ``1B`` (amounts of money).

    Raises:
        ValueError: saying what is wrong, in words.
    """
    clean = text.strip().replace(",", "").replace("\u2212", "-").replace(" ", "")
    m = _NUMBER_RE.match(clean)
    if m is None or (m.group(3) and not scaled):
        example = "1200000, $1.2M or 800k" if scaled else "1200 or 1,200"
        raise ValueError(f"{text.strip()!r} is not a number (e.g. {example})")
    value = float(m.group(2)) * _SCALE[m.group(3).lower()]
    return -value if m.group(1) == "-" else value


def parse_amount(text: str) -> float:
    """Dollars as typed: ``1200000``, ``$1,200,000``, ``$1.2M``, ``800k``."""
    return parse_number(text, scaled=True)


def number_problem(text: str | None, *, scaled: bool = False,
                   negative_ok: bool = True) -> str | None:
    """What is wrong with a number as typed (blank is fine: the field is optional)."""
    if not (text or "").strip():
        return None
    try:
        value = parse_number(text or "", scaled=scaled)
    except ValueError as exc:
        return str(exc)
    if value < 0 and not negative_ok:
        return f"{text!r} is negative: give a number of 0 or more"
    return None


# -- what the payload models say ----------------------------------------------------------------

_WORDS = (
    (re.compile(r"^String should have at least 1 character"), "required"),
    (re.compile(r"^(Field required|required)$"), "required"),
    (re.compile(r"^must not be blank$"), "required"),
    (re.compile(r"^Input should be a valid (number|integer).*"), "not a number"),
    (re.compile(r"^Input should be a valid (string|list|tuple|dictionary).*"),
     "not the kind of value this field takes"),
    (re.compile(r"^Extra inputs are not permitted$"), "not a field of this record"),
    (re.compile(r"^Input should be (greater|less) than or equal to (\S+)$"), None),
    (re.compile(r"^Input should be '(.+)'$"), None),
)


def in_words(problems: Mapping[str, str]) -> dict[str, str]:
    """``problems`` with the payload models' own phrasings ("String should have at least 1
    character") said as a planner would read them ("required")."""
    out: dict[str, str] = {}
    for field, message in problems.items():
        text = message.removeprefix("Value error, ")
        for pattern, words in _WORDS:
            m = pattern.match(text)
            if m is None:
                continue
            if words is not None:
                text = words
            elif text.startswith("Input should be '"):
                text = f"must be one of: {m.group(1).replace(chr(39), '')}"
            else:
                text = f"must be {'at least' if m.group(1) == 'greater' else 'at most'} " \
                       f"{m.group(2)}"
            break
        out[field] = text
    return out


# -- the commands' rule sets (the workspace refuses what they find; the forms show it) -------------


def assumption_problems(*, text: str | None, owner: str | None,
                        months: str | None) -> Problems:
    """What is wrong with an assumption as given."""
    found = Problems()
    found.check("text", required(text, "say what we assume, in one sentence"))
    found.check("owner", required(owner, "name who stands behind it"))
    found.check("months", months_problem(months))
    return found


def decision_problems(*, question: str | None, options: Sequence[str], chosen: str | None,
                      rationale: str | None, decided_by: str | None, owner: str | None,
                      due: str | None, months: str | None, today: str | None) -> Problems:
    """What is wrong with a decision as given: :func:`sop_tui.cycle.decisions.decision_problems`
    (what the reference asks of a decision: options, the one chosen among them, who and by
    when), and besides, a due date not in the past and the months it covers."""
    found = Problems(what_a_decision_needs(
        question=question or "", options=options, chosen=chosen or "",
        rationale=rationale or "", decided_by=decided_by or "", owner=owner, due=due))
    found.check("due", date_problem(due, today=today) if "due" not in found else None)
    found.check("months", months_problem(months))
    return found


def action_problems(*, text: str | None, owner: str | None, due: str | None,
                    today: str) -> Problems:
    """What is wrong with an action as given: what, who and by when (not in the past)."""
    found = Problems()
    found.check("text", required(text, "say what will be done"))
    found.check("owner", required(owner, "name who does it"))
    found.check("due", required(due, "the date it is due, YYYY-MM-DD")
                or date_problem(due, today=today))
    return found


def override_problems(*, overridden_by: str | None, rationale: str | None,
                      actions: Sequence[Mapping[str, object]], today: str) -> Problems:
    """What is wrong with an executive override: who, why, and at least one named gap-closing
    action with its owner and a due date not in the past."""
    found = Problems()
    found.check("overridden_by", required(overridden_by, "name who overrode the plan"))
    found.check("rationale", required(rationale, "say why the consensus is overridden"))
    if not actions:
        found.check("actions", "name at least one gap-closing action: what, who, by when")
    for i, action in enumerate(actions, start=1):
        problems = action_problems(text=str(action.get("text") or ""),
                                   owner=str(action.get("owner") or ""),
                                   due=str(action.get("due") or ""), today=today)
        for name, problem in problems.items():
            found.check("actions", f"action {i}, {name}: {problem}")
    return found


def approval_problems(*, approved_by: str | None) -> Problems:
    """What is wrong with an executive approval as given: who approved."""
    found = Problems()
    found.check("approved_by", required(approved_by, "name who approved the plan"))
    return found


def recommendation_problems(*, text: str | None) -> Problems:
    """What is wrong with the pre-S&OP recommendation as given."""
    found = Problems()
    found.check("text", required(text, "say what is recommended, and why"))
    return found
