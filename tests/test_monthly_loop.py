"""Three monthly cycles from the command line only: the loop a planner runs each month.

Import, open, five meetings, approve or override, close the cycle, import the next month —
three times — and what the second and third cycles show is checked against an independent
computation that includes the first cycle's recorded consensus.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from tests.loop_fixtures import FAMILIES, add_months, family_actual, write_month, write_start

cli = build()
CYCLES = ("2026-12", "2027-01", "2027-02")


class Sop:
    """``sop --store STORE ...`` as a planner types it."""

    def __init__(self, store: Path) -> None:
        self.store = store

    def __call__(self, *args: str, code: int = 0) -> str:
        r = CliRunner().invoke(cli, ["--store", str(self.store), *args])
        assert r.exit_code == code, (args, r.output)
        return r.output

    def json(self, *args: str) -> Any:
        r = CliRunner().invoke(cli, ["--store", str(self.store), *args, "--json"])
        assert r.exit_code == 0, (args, r.output)
        return json.loads(r.stdout)

    def events(self, type_: str) -> list[dict[str, Any]]:
        r = CliRunner().invoke(cli, ["--store", str(self.store), "log", "--type", type_,
                                     "--json"])
        return [json.loads(line) for line in r.stdout.splitlines()]


def run_cycle(sop: Sop, cycle: str, *, override: bool) -> None:
    """The five meetings of one cycle, in order, and the cycle closed."""
    nxt = add_months(cycle, 1)
    sop("cycle", "open", cycle)
    sop("meeting", "start", "portfolio", "--attendee", "Lena (Product)")
    sop("meeting", "close", "portfolio")
    sop("meeting", "start", "demand", "--attendee", "Alex (Planning)", "--attendee", "Dana")
    sop("forecast")
    # two assumptions the next cycle can check: one right, one 20% high
    sop("record", "assumption", "--meeting", "demand", "--text", "pumps as last year",
        "--owner", "Alex", "--family", "PUMP", "--months", cycle,
        "--units", str(family_actual("PUMP", cycle)))
    sop("record", "assumption", "--meeting", "demand", "--text", "valve campaign lifts 20%",
        "--owner", "Priya", "--family", "VALVE", "--months", cycle,
        "--units", str(round(family_actual("VALVE", cycle) * 1.2)))
    sop("record", "consensus", "--family", "PUMP", "--source", "statistical")
    sop("record", "consensus", "--family", "VALVE", "--source", "planner")
    sop("meeting", "close", "demand")
    sop("meeting", "start", "supply")
    sop("record", "decision", "--meeting", "supply", "--question", "Second shift?",
        "--option", "yes", "--option", "no", "--chosen", "no", "--rationale", "no gap",
        "--decided-by", "COO", "--owner", "Sam", "--due", f"{cycle}-20",
        "--resource", "LINE", "--months", f"{nxt}..{nxt}")
    sop("meeting", "close", "supply")
    sop("meeting", "start", "pre_sop")
    for name, adj in (("up", "PUMP:+5%"), ("down", "VALVE:-5%"), ("flat", "PUMP:+0%")):
        sop("scenario", "new", name, "--demand", adj)
    sop("record", "recommendation", "--scenario", "consensus", "--text", "approve",
        "--open-decision", "approve the consensus")
    sop("meeting", "close", "pre_sop")
    sop("meeting", "start", "executive", "--attendee", "GM", "--attendee", "CFO")
    if override:
        sop("record", "override", "--scenario", "consensus", "--by", "CFO", "--rationale",
            "budget", "--gap-closed", "5000", "--action", f"Promo|Dana|{cycle}-15")
    else:
        sop("record", "approve", "--scenario", "consensus", "--by", "GM")
    out = sop("meeting", "close", "executive")
    # the last of the five meetings closes the cycle: its numbers keep the imports they used
    assert sop.json("cycle", "status", "--cycle", cycle)["closed"], out


def independent(recorded: dict[str, dict[str, float]], cycle: str, lag: int
                ) -> tuple[float, float]:
    """Family accuracy and bias of ``cycle``'s window, from the fixture's own numbers: the
    imported history (consensus 9% high) where the month's forecast came before sop, the
    recorded consensus of ``recorded`` (made in ``add_months(month, -lag)``) where it did."""
    err = fc = act = 0.0
    for i in range(1, 13):
        month = add_months(cycle, -i)
        made = add_months(month, -lag)
        if made not in recorded and month >= CYCLES[0]:
            continue  # the history imported covers the months before sop only
        for fam in FAMILIES:
            a = family_actual(fam, month)
            f = recorded[made][fam][month] if made in recorded else round(a * 1.09)
            err += abs(f - a)
            fc += f
            act += a
    return 1 - err / act, (fc - act) / act


@pytest.mark.slow
def test_three_cycles_from_the_command_line(tmp_path: Path) -> None:
    sop = Sop(tmp_path / "store")
    sop("import", str(write_start(tmp_path / "start", CYCLES[0])))
    for i, cycle in enumerate(CYCLES):
        if i:
            before = sop.json("cycle", "status", "--cycle", CYCLES[i - 1])
            sop("import", str(write_month(tmp_path / cycle, CYCLES[i - 1])))
        run_cycle(sop, cycle, override=i == 0)
        if i:
            after = sop.json("cycle", "status", "--cycle", cycle)["data"]["imported"]
            # no row lost by an incremental import: the month's four SKUs were added
            assert after["actuals"]["rows"] == \
                before["data"]["imported"]["actuals"]["rows"] + 4

    consensus: dict[str, dict[str, dict[str, float]]] = {}
    for e in sop.events("ConsensusSelected"):
        consensus.setdefault(e["cycle"], {})[e["payload"]["family"]] = e["payload"]["units"]
    assert set(consensus) == set(CYCLES)

    # the second cycle at lag 0 measures December with the first cycle's consensus ...
    m = sop.json("metrics", "--cycle", CYCLES[1], "--lag", "0")["summary"]
    acc, bias = independent(consensus, CYCLES[1], 0)
    assert m["family_accuracy"] == pytest.approx(acc, abs=1e-9)
    assert m["bias"] == pytest.approx(bias, abs=1e-9)
    without = independent({}, CYCLES[1], 0)  # the imported history alone: not what is shown
    assert m["bias"] != pytest.approx(without[1], abs=1e-6)
    # ... and the third at the default lag 1 measures January with it
    m = sop.json("metrics", "--cycle", CYCLES[2])["summary"]
    acc, bias = independent(consensus, CYCLES[2], 1)
    assert (m["family_accuracy"], m["bias"]) == (pytest.approx(acc, abs=1e-9),
                                                 pytest.approx(bias, abs=1e-9))

    # last cycle's assumptions, checked against the actuals that arrived since
    f = sop.json("followup", "--cycle", CYCLES[1])
    verdicts = {a["family"]: a["verdict"] for a in f["assumptions"] if a["cycle"] == CYCLES[0]}
    assert verdicts == {"PUMP": "held", "VALVE": "missed"}
    missed = next(a for a in f["assumptions"] if a["family"] == "VALVE")
    assert missed["off"] == pytest.approx(1 / 1.2 - 1, abs=0.01)
    assert "missed by" in missed["says"]

    # the override's action: counted while open, then completed
    override = sop.events("PlanOverridden")[0]
    ref = f"{override['seq']}.1"
    assert any(a["ref"] == ref for a in f["actions"])
    open_before = sop.json("cycle", "status")["open_actions"]
    assert "completion recorded" in sop("record", "complete", "--action", ref)
    assert sop.json("cycle", "status")["open_actions"] == open_before - 1
    sop("record", "complete", "--action", ref, code=2)  # not twice


@pytest.mark.slow
def test_a_meeting_out_of_order_needs_a_reason(tmp_path: Path) -> None:
    sop = Sop(tmp_path / "store")
    sop("import", str(write_start(tmp_path / "start", CYCLES[0])))
    sop("cycle", "open", CYCLES[0])
    before = len(sop.events("MeetingStarted"))
    out = sop("meeting", "start", "executive", code=2)
    assert "reason" in out and "portfolio" in out and "nothing was written" in out
    assert len(sop.events("MeetingStarted")) == before
    sop("meeting", "start", "executive", "--reason", "the CFO is only here today")
    (started,) = sop.events("MeetingStarted")
    assert started["payload"]["out_of_order"] == ["portfolio", "demand", "supply", "pre_sop"]
