"""``sop changes [--cycle C] [--since CYCLE] [--json]``: what moved since the last cycle.

Decisions, assumptions, each family's consensus (units and dollars), the four metrics,
scenarios and actions — the same computation (:mod:`sop_tui.cycle.changes`) as the decision
pack's "what changed since the last pack".
"""

from __future__ import annotations

import re
import sys

import click

from sop_tui.cli.app import EXIT_REFUSED, Context, refusals
from sop_tui.cli.output import echo_json, table
from sop_tui.cycle.changes import Changes, Item, changes_for
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.formats import metric, money, pp, signed_pct, units

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@click.command("changes")
@click.option("--cycle", help="The later cycle (default: the current one).")
@click.option("--since", metavar="CYCLE",
              help="The earlier cycle (default: the last cycle run before).")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.pass_obj
@refusals
def changes(ctx: Context, cycle: str | None, since: str | None, as_json: bool) -> None:
    """What moved since the last cycle: decisions, assumptions, consensus, metrics,
    scenarios, actions."""
    ws = ctx.workspace
    cycle = cycle or ws.current_cycle()
    for name, value in (("--cycle", cycle), ("--since", since)):
        if value is not None and not MONTH.match(value):
            click.echo(f"error: {name}: {value!r} is not a month (YYYY-MM)", err=True)
            sys.exit(EXIT_REFUSED)
    if since is not None and since >= cycle:
        click.echo(f"error: --since: {since} is not before cycle {cycle}", err=True)
        sys.exit(EXIT_REFUSED)
    today = ws.clock().strftime("%Y-%m-%d")
    found = changes_for(CyclePlanning(ws, cycle, cache_dir=ctx.settings.cache_dir), since,
                        today=today)
    if as_json:
        echo_json(found.as_dict())
        return
    show(found)


def _items(title: str, items: list[Item]) -> None:
    if not items:
        return
    table(title, ["#", "cycle", "meeting", "what", "", "state"],
          ((i.seq, i.cycle, i.meeting, i.text, i.detail, i.state) for i in items),
          right=["#"])


def _delta(d: float | None, kind: str) -> str:
    if d is None:
        return "–"
    if kind == "money":
        return ("+" if d > 0 else "") + money(d)
    return pp(d * 100)


def show(c: Changes) -> None:
    """Print the changes for people."""
    head = f"cycle {c.cycle} since {c.since}"
    if not c.since_ran:
        head += f" (cycle {c.since} was not run in this log: its metrics only, from history)"
    click.echo(head)
    if c.previous_pack is not None:
        p = c.previous_pack
        click.echo(f"previous pack: {p['file']}, rendered {p['at']} UTC, "
                   f"sha256 {str(p['sha256'])[:16]}…")
    table("Metrics", ["metric", c.since, c.cycle, "change"],
          ((m.label, metric(m.before, m.kind), metric(m.after, m.kind), _delta(m.delta, m.kind))
           for m in c.metrics), right=[c.since, c.cycle, "change"])
    moved = c.moved_families
    if moved:
        table("Consensus moved by 5% or more (months both cycles plan)",
              ["family", "units then", "units now", "change", "dollars", "source"],
              ((m.family, units(m.units_before), units(m.units_after), signed_pct(m.change),
                "–" if m.dollars_before is None or m.dollars_after is None
                else _delta(m.dollars_after - m.dollars_before, "money"),
                m.source_before if m.source_before == m.source_after
                else f"{m.source_before} → {m.source_after}") for m in moved),
              right=["units then", "units now", "change", "dollars"])
    elif c.consensus:
        click.echo("Consensus: no family moved by 5% or more over the months both plan.")
    if c.consensus_new:
        click.echo(f"Consensus agreed for the first time: {', '.join(c.consensus_new)}")
    click.echo(f"Scenarios: {len(c.scenarios_new)} new"
               + (f" ({', '.join(c.scenarios_new)})" if c.scenarios_new else "")
               + f"; recommended {c.recommended_before or '–'} → {c.recommended_now or '–'}"
               + f"; plan {c.plan_before or '–'} → {c.plan_now or '–'}")
    _items("Decisions recorded", c.decisions_new)
    _items("Earlier decisions corrected", c.decisions_corrected)
    _items("Earlier decisions followed up", c.decisions_followed_up)
    _items("Assumptions recorded", c.assumptions_new)
    _items("Earlier assumptions corrected", c.assumptions_corrected)
    _items("Actions recorded", c.actions_new)
    _items("Actions completed", c.actions_completed)
    _items("Actions overdue", c.actions_overdue)


def register(group: click.Group) -> None:
    group.add_command(changes)
