"""``sop followup`` and ``sop maturity``: the monthly loop read back from the log."""

from __future__ import annotations

import click

from sop_tui.cli.app import Context, refusals
from sop_tui.cli.output import echo_json, table
from sop_tui.cycle.meetings import load_meetings
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.events.envelope import MEETINGS
from sop_tui.formats import DASH


def _planning(ctx: Context, cycle: str | None, lag: int = 1) -> CyclePlanning:

    return CyclePlanning(ctx.workspace, cycle, cache_dir=ctx.settings.cache_dir, lag=lag)


@click.command()
@click.option("--cycle", help="The cycle (default: the current one).")
@click.option("--meeting", type=click.Choice(MEETINGS),
              help="Only what this meeting recorded (default: everything).")
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@click.pass_obj
@refusals
def followup(ctx: Context, cycle: str | None, meeting: str | None, as_json: bool) -> None:
    """What earlier cycles left: assumptions checked, decisions due, open actions."""
    # imported per command: cycle.followup imports pandas, which the other commands never load
    from sop_tui.cycle.followup import followup as build
    from sop_tui.cycle.followup import followup_json

    f = build(_planning(ctx, cycle), meeting)
    if as_json:
        echo_json(followup_json(f))
        return
    click.echo(f"follow-up for cycle {f.cycle} (today {f.today})")
    table("assumptions, checked against the actuals since",
          ["#", "cycle", "assumption", "family", "months", "verdict"],
          ((a.seq, a.cycle, a.text, a.family or "all", a.months, a.describe())
           for a in f.assumptions))
    table("decisions due", ["#", "cycle", "decision", "owner", "due", "outcome", "measured"],
          ((d.seq, d.cycle, f"{d.question} → {d.chosen}", d.owner,
            d.due + (" past due" if d.past_due and d.outcome is None else ""),
            d.outcome.payload["outcome"].replace("_", " ") if d.outcome is not None else
            "to record (sop record outcome)", d.measured or DASH)
           for d in f.decisions))
    table("open actions of earlier cycles, overdue first",
          ["action", "cycle", "what", "owner", "due"],
          ((a.ref, a.cycle, ("[override] " if a.source == "override" else "")
            + str(a.payload.get("text", "")), a.payload.get("owner", ""),
            a.due + (" OVERDUE" if a.overdue(f.today) else "")) for a in f.actions))


@click.command()
@click.option("--cycle", help="The cycle (default: the current one).")
@click.option("--lag", default=1, show_default=True, type=click.IntRange(0, 12),
              help="Bias is measured on the forecast made this many cycles before the month.")
@click.option("--json", "as_json", is_flag=True, help="JSON for scripts.")
@click.pass_obj
@refusals
def maturity(ctx: Context, cycle: str | None, lag: int, as_json: bool) -> None:
    """Where the company stands on the five-stage model, from the evidence in the log."""
    # imported per command: cycle.maturity imports pandas, which the other commands never load
    from sop_tui.cycle.maturity import STAGES, assess, maturity_json

    limits = {m: d.limit_minutes for m, d in load_meetings(ctx.settings.meetings_dir).items()}
    m = assess(_planning(ctx, cycle, lag), limits)
    if as_json:
        echo_json(maturity_json(m))
        return
    path = " → ".join(s.upper() if i + 1 == m.stage else s for i, s in enumerate(STAGES))
    click.echo(f"cycle {m.cycle}: stage {m.stage} of 5, {m.stage_name} ({path})")
    click.echo(f"judged over the last cycles run in sop: {', '.join(m.cycles[-3:])}; "
               f"bias at lag {m.lag}")
    table("evidence", ["criterion", "stage", "holds", "evidence"],
          ((c.rule.title, c.rule.stage, "yes" if c.holds else "no", c.evidence)
           for c in m.criteria))
    nxt = m.next_steps()
    if nxt:
        click.echo("to reach the next stage: " + "; ".join(c.rule.title for c in nxt))
    for note in m.notes:
        click.echo(f"note: {note}")


def register(group: click.Group) -> None:
    for c in (followup, maturity):
        group.add_command(c)
