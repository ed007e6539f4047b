"""The rules typed values must hold (``sop_tui.cycle.validation``): the same for the CLI and the
app's forms, in words a planner reads, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.cycle.consensus import choose_consensus
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.validation import (
    date_problem,
    decision_problems,
    horizon,
    horizon_problem,
    in_words,
    months_problem,
    number_problem,
    override_problems,
    parse_amount,
    parse_number,
)
from sop_tui.cycle.workspace import Workspace
from sop_tui.tui.dialogs.outcome import parse_actions


def test_the_horizon_is_eighteen_months_from_the_cycle() -> None:
    assert horizon("2026-12") == ("2026-12", "2028-05")
    assert horizon_problem(["2026-12", "2028-05"], "2026-12") is None
    assert horizon_problem(["2020-01"], "2026-12") == (
        "2020-01 is outside cycle 2026-12's horizon: it plans 2026-12 to 2028-05")
    many = horizon_problem(["2020-01", "2020-02", "2029-01", "2029-02"], "2026-12")
    assert many is not None and many.startswith("2020-01, 2020-02, 2029-01 and 1 more are")


def test_months_dates_and_numbers_in_words() -> None:
    assert months_problem("") is None and months_problem("2027-01..2027-03") is None
    assert months_problem("2026-13") == ("'2026-13' is not a month: write YYYY-MM "
                                         "(e.g. 2027-03) or a range YYYY-MM..YYYY-MM")
    assert months_problem("2027-03..2027-01") == "2027-03..2027-01: the range ends before it starts"
    assert months_problem("2020-01", "2026-12") is not None  # with a cycle: its horizon
    assert date_problem("2027-02-30") == "2027-02-30 is not a day of the calendar"
    assert date_problem("soon") == "'soon' is not a date: write YYYY-MM-DD (e.g. 2027-01-15)"
    assert date_problem("2026-11-30", today="2026-12-01") == (
        "2026-11-30 is in the past (today is 2026-12-01)")
    assert date_problem("2026-12-01", today="2026-12-01") is None  # due today is fine
    assert parse_number("1,200") == 1200 and parse_number("\u22123.5") == -3.5
    assert parse_amount("$1.2M") == 1_200_000 and parse_amount("800k") == 800_000
    assert parse_amount("$12,500") == 12_500
    with pytest.raises(ValueError, match="not a number"):
        parse_number("1.2M")  # units are not scaled
    assert number_problem("twelve") == "'twelve' is not a number (e.g. 1200 or 1,200)"


def test_pydantic_phrasings_are_said_in_a_planners_words() -> None:
    assert in_words({"text": "String should have at least 1 character",
                     "owner": "Field required",
                     "units": "Input should be a valid number, unable to parse string",
                     "due": "Value error, 'x' is not a date in the form YYYY-MM-DD"}) == {
        "text": "required", "owner": "required", "units": "not a number",
        "due": "'x' is not a date in the form YYYY-MM-DD"}


def test_a_decisions_chosen_option_must_be_one_of_its_options() -> None:
    found = decision_problems(question="Launch X200?", options=["launch", "delay", "cancel"],
                              chosen="maybe", rationale="r", decided_by="GM", owner="Ana",
                              due="2027-01-15", months=None, today="2026-12-01")
    assert found == {"chosen": "'maybe' is not among the options (launch, delay, cancel)"}
    assert not decision_problems(question="q", options=["launch", "delay"], chosen=" Delay ",
                                 rationale="r", decided_by="GM", owner="Ana", due="2027-01-15",
                                 months="2027-01", today="2026-12-01")
    past = decision_problems(question="q", options=["a", "b"], chosen="a", rationale="r",
                             decided_by="GM", owner="Ana", due="2026-11-30", months="2026-13",
                             today="2026-12-01")
    assert past == {"due": "2026-11-30 is in the past (today is 2026-12-01)",
                    "months": "'2026-13' is not a month: write YYYY-MM (e.g. 2027-03) or a "
                              "range YYYY-MM..YYYY-MM"}


def test_override_actions_need_owner_and_a_due_date_not_past() -> None:
    actions = parse_actions("Promo ; Dana ; 2026-11-01\nPrice ;  ; 2027-01-15")
    found = override_problems(overridden_by="CFO", rationale="budget", actions=actions,
                              today="2026-12-01")
    assert found == {"actions": "action 1, due: 2026-11-01 is in the past (today is 2026-12-01)"}
    with pytest.raises(CommandError, match="line 1"):
        parse_actions("Promo ; Dana")


def test_every_blank_required_field_is_named_at_once(ws: Workspace) -> None:
    with pytest.raises(CommandError) as err:
        ws.record_decision(question="", chosen="", rationale=" ", decided_by="")
    assert set(err.value.problems) == {"question", "options", "chosen", "rationale",
                                       "decided_by", "owner", "due"}


def test_a_due_date_in_the_past_is_refused(ws: Workspace) -> None:
    before = ws.log.head().count
    with pytest.raises(CommandError) as err:
        ws.record_action(text="Call the supplier", owner="Kim", due="2026-11-30")
    assert err.value.problems == {"due": "2026-11-30 is in the past (today is 2026-12-01)"}
    assert ws.log.head().count == before


def test_a_manual_consensus_outside_the_horizon_is_refused(demo_ws: Workspace) -> None:
    """A consensus for 2020-01 was recorded and changed E&O and the gap until the meeting's
    close caught it."""
    before = demo_ws.log.head().count
    with pytest.raises(CommandError) as err:
        choose_consensus(demo_ws, family="BRG-01", source="manual", manual="2020-01=500",
                         assumption="flat", rationale="by hand")
    assert err.value.problems == {
        "units": "2020-01 is outside cycle 2026-12's horizon: it plans 2026-12 to 2028-05"}
    assert demo_ws.log.head().count == before


def test_the_cli_refuses_what_the_forms_refuse(tmp_path: Path) -> None:
    cli = build()
    store = tmp_path / "store"

    def run(*args: str) -> tuple[int, str]:
        r = CliRunner().invoke(cli, ["--store", str(store), "--actor", "lead", *args])
        return r.exit_code, r.output

    assert run("cycle", "open", "2026-12")[0] == 0
    code, out = run("record", "decision", "--question", "Launch X200?", "--option", "launch",
                    "--option", "delay", "--option", "cancel", "--chosen", "maybe",
                    "--rationale", "r", "--decided-by", "GM", "--owner", "Ana", "--due",
                    "2027-01-15")
    assert code == 2 and "'maybe' is not among the options (launch, delay, cancel)" in out
    code, out = run("record", "action", "--text", "x", "--owner", "o", "--due", "2020-01-01")
    assert code == 2 and "2020-01-01 is in the past" in out
    code, out = run("record", "assumption", "--text", " ", "--owner", "o")
    assert code == 2 and "required: say what we assume" in out
    assert "String should" not in out
