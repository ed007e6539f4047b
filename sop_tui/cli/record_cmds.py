"""``sop record ...`` and ``sop meeting ...``: capturing the cycle from a script.

Each ``record`` writes exactly one event, or refuses (exit 2) naming the bad field and writes
nothing. The TUI's forms call the same workspace commands.
"""

from __future__ import annotations

import json

import click

from sop_tui.cli.app import Context, refusals
from sop_tui.cli.textopt import long_text
from sop_tui.cycle.closing import close_meeting
from sop_tui.cycle.decisions import OUTCOMES
from sop_tui.cycle.errors import CommandError
from sop_tui.cycle.planning import CyclePlanning
from sop_tui.events.envelope import MEETINGS

meeting_opt = click.option("--meeting", type=click.Choice(MEETINGS), help="The meeting.")
cycle_opt = click.option("--cycle", help="The cycle (default: the current one).")


def _done(what: str, seq: int) -> None:
    click.echo(f"{what} recorded (event {seq})")


@click.group()
def record() -> None:
    """Record an assumption, decision, action, consensus, outcome or correction."""


@record.command()
@cycle_opt
@meeting_opt
@click.option("--text", help="The assumption, in a sentence.")
@long_text("text")
@click.option("--owner", required=True, help="Who stands behind it.")
@click.option("--family", help="The product family it is about.")
@click.option("--months", help="YYYY-MM or YYYY-MM..YYYY-MM.")
@click.option("--units", type=float, help="The units it expects over --months (of --family, or "
              "in all): the follow-up checks it against the actuals.")
@click.option("--dollars", type=float, help="The revenue it expects over --months (checked "
              "the same way).")
@click.option("--source", help="Whose input it belongs to (sales, marketing, ...).")
@click.pass_obj
@refusals
def assumption(ctx: Context, **kw: object) -> None:
    """Record an assumption."""
    _done("assumption", ctx.workspace.record_assumption(**kw).seq)  # type: ignore[arg-type]


@record.command()
@cycle_opt
@meeting_opt
@click.option("--question", required=True, help="What was decided.")
@click.option("--option", "options", multiple=True,
              help="An option considered (repeat: at least two).")
@click.option("--chosen", required=True, help="The option chosen (one of the --option).")
@click.option("--rationale", help="Why.")
@long_text("rationale")
@click.option("--decided-by", required=True, help="Who decided.")
@click.option("--owner", help="Who carries it out (required).")
@click.option("--due", help="By when, YYYY-MM-DD (required).")
@click.option("--family", help="The family it concerns.")
@click.option("--sku", "skus", multiple=True, help="An item it concerns (repeatable).")
@click.option("--resource", help="The work centre it concerns (capacity decisions).")
@click.option("--months", help="YYYY-MM or YYYY-MM..YYYY-MM.")
@click.pass_obj
@refusals
def decision(ctx: Context, **kw: object) -> None:
    """Record a decision."""
    _done("decision", ctx.workspace.record_decision(**kw).seq)  # type: ignore[arg-type]


@record.command()
@cycle_opt
@meeting_opt
@click.option("--text", help="What will be done.")
@long_text("text")
@click.option("--owner", required=True, help="Who does it.")
@click.option("--due", required=True, help="By when (YYYY-MM-DD).")
@click.option("--dollars", type=float, help="Dollar impact.")
@click.option("--decision", type=int, help="The decision (event seq) it serves.")
@click.pass_obj
@refusals
def action(ctx: Context, **kw: object) -> None:
    """Record an action."""
    _done("action", ctx.workspace.record_action(**kw).seq)  # type: ignore[arg-type]


@record.command()
@click.option("--action", "action_ref", required=True, metavar="SEQ[.N]",
              help="The action's event seq; an override's N-th action is SEQ.N.")
@click.option("--note", help="How it was done.")
@click.pass_obj
@refusals
def complete(ctx: Context, action_ref: str, note: str | None) -> None:
    """Mark an action done (an override's gap-closing actions too)."""
    _done("completion", ctx.workspace.complete_action(action_ref, note).seq)


@record.command()
@cycle_opt
@meeting_opt
@click.option("--decision", type=int, required=True, help="The decision's event seq.")
@click.option("--outcome", required=True, type=click.Choice(OUTCOMES),
              help="What came of it.")
@click.option("--note", required=True, help="What happened, in a sentence.")
@click.pass_obj
@refusals
def outcome(ctx: Context, cycle: str | None, meeting: str | None, decision: int, outcome: str,
            note: str) -> None:
    """Record the outcome of a decision that fell due (with its measured result, if any)."""
    # imported per command: cycle.followup imports pandas, which the other commands never load
    from sop_tui.cycle.followup import measured_result

    planning = CyclePlanning(ctx.workspace, cycle, cache_dir=ctx.settings.cache_dir)
    measured = measured_result(planning, decision)
    ev = ctx.workspace.record_outcome(decision, outcome, note, measured=measured, cycle=cycle,
                                      meeting=meeting)
    if measured:
        click.echo(f"measured: {measured}")
    _done("outcome", ev.seq)


@record.command()
@click.option("--event", "seq", type=int, required=True, help="The event to retract.")
@click.option("--reason", required=True, help="Why it no longer holds.")
@click.pass_obj
@refusals
def retract(ctx: Context, seq: int, reason: str) -> None:
    """Retract an event (it stays in the history, marked retracted)."""
    _done("retraction", ctx.workspace.retract(seq, reason).seq)


@record.command()
@click.option("--event", "seq", type=int, required=True, help="The event to amend.")
@click.option("--set", "sets", multiple=True, required=True, metavar="FIELD=VALUE",
              help="A field's new value (repeatable).")
@click.option("--reason", required=True, help="Why.")
@click.pass_obj
@refusals
def amend(ctx: Context, seq: int, sets: tuple[str, ...], reason: str) -> None:
    """Amend fields of an event (the original stays in the history)."""
    changes: dict[str, object] = {}
    for s in sets:
        field, eq, value = s.partition("=")
        if not eq or not field.strip():
            raise CommandError({"set": f"{s!r}: expected FIELD=VALUE"})
        changes[field.strip()] = _value(value)
    _done("amendment", ctx.workspace.amend(seq, changes, reason).seq)


def _value(text: str) -> object:
    """A --set value: JSON if it parses as JSON (numbers, true, lists), otherwise the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


@record.command()
@cycle_opt
@click.option("--family", required=True)
@click.option("--source", required=True,
              help="sales, marketing, finance, planner, statistical, or manual.")
@click.option("--units", "manual", help="For --source manual: YYYY-MM=N,YYYY-MM=N,...")
@click.option("--assumption", help="The assumption adopted (default: the source's own).")
@click.option("--rationale", help="Why this source (required for manual numbers).")
@click.option("--chosen-assumptions", help="When flagged as averaging: whose assumptions, why.")
@click.pass_obj
@refusals
def consensus(ctx: Context, cycle: str | None, family: str, source: str, manual: str | None,
              assumption: str | None, rationale: str | None,
              chosen_assumptions: str | None) -> None:
    """Choose the consensus for a family: one named source (or a number with a rationale)."""
    # imported per command: cycle.consensus imports pandas, which the other commands never load
    from sop_tui.cycle.consensus import choose_consensus

    ev = choose_consensus(ctx.workspace, cycle=cycle, family=family, source=source,
                          manual=manual, assumption=assumption, rationale=rationale,
                          chosen_assumptions=chosen_assumptions)
    flag = ev.payload.get("averaging_of")
    if flag:
        click.echo(f"note: equals the average of {' and '.join(flag)} — recorded with the "
                   "chosen assumptions", err=True)
    _done(f"consensus for {family}", ev.seq)


@record.command()
@cycle_opt
@click.option("--scenario", required=True)
@click.option("--text", required=True)
@click.option("--open-decision", "open_decisions", multiple=True,
              help="A decision the executives must take (repeatable).")
@click.pass_obj
@refusals
def recommendation(ctx: Context, **kw: object) -> None:
    """Record the pre-S&OP recommendation and the open decisions."""
    _done("recommendation", ctx.workspace.record_recommendation(**kw).seq)  # type: ignore[arg-type]


@record.command()
@cycle_opt
@click.option("--scenario", required=True)
@click.option("--by", "approved_by", required=True, help="Who approved.")
@click.option("--note")
@click.pass_obj
@refusals
def approve(ctx: Context, cycle: str | None, scenario: str, approved_by: str,
            note: str | None) -> None:
    """Record the executive approval of a scenario's plan (with its numbers)."""
    # imported per command: cycle.outcome imports pandas, which the other commands never load
    from sop_tui.cycle.outcome import approve as record_approval

    planning = CyclePlanning(ctx.workspace, cycle, cache_dir=ctx.settings.cache_dir)
    _done("approval", record_approval(planning, scenario=scenario, approved_by=approved_by,
                                      note=note).seq)


@record.command()
@cycle_opt
@click.option("--scenario", required=True, help="The plan being overridden.")
@click.option("--by", "overridden_by", required=True)
@click.option("--rationale", required=True)
@click.option("--gap-closed", "revenue_gap_closed", type=float, required=True,
              help="The revenue gap (dollars) the override closes.")
@click.option("--action", "actions", multiple=True, required=True,
              metavar="TEXT|OWNER|YYYY-MM-DD[|DOLLARS]", help="A gap-closing action (repeatable).")
@click.pass_obj
@refusals
def override(ctx: Context, actions: tuple[str, ...], cycle: str | None, scenario: str,
             overridden_by: str, rationale: str, revenue_gap_closed: float) -> None:
    """Record an executive override, with the gap it closes and its named actions."""
    parsed = []
    for i, a in enumerate(actions, 1):
        parts = [p.strip() for p in a.split("|")]
        if len(parts) not in (3, 4):
            raise CommandError({f"action {i}": f"{a!r}: expected TEXT|OWNER|YYYY-MM-DD[|DOLLARS]"})
        item: dict[str, object] = {"text": parts[0], "owner": parts[1], "due": parts[2]}
        if len(parts) == 4:
            try:
                item["dollars"] = float(parts[3].replace(",", "").lstrip("$"))
            except ValueError:
                raise CommandError({f"action {i}": f"{parts[3]!r} is not a dollar amount"}) \
                    from None
        parsed.append(item)
    # imported per command: cycle.outcome imports pandas, which the other commands never load
    from sop_tui.cycle.outcome import override as record_override

    planning = CyclePlanning(ctx.workspace, cycle, cache_dir=ctx.settings.cache_dir)
    ev = record_override(planning, scenario=scenario, overridden_by=overridden_by,
                         rationale=rationale, revenue_gap_closed=revenue_gap_closed,
                         actions=parsed)
    _done("override", ev.seq)
    for i, named in enumerate(parsed, 1):
        click.echo(f"  action {ev.seq}.{i}: {named['text']} — {named['owner']} by "
                   f"{named['due']} (sop record complete --action {ev.seq}.{i})")


@click.group()
def meeting() -> None:
    """Start and close meetings."""


@meeting.command("start")
@click.argument("name", type=click.Choice(MEETINGS))
@cycle_opt
@click.option("--attendee", "attendees", multiple=True, help="Who attends (repeatable).")
@click.option("--reason", help="Why it starts before the earlier meetings are closed.")
@click.pass_obj
@refusals
def meeting_start(ctx: Context, name: str, cycle: str | None, attendees: tuple[str, ...],
                  reason: str | None) -> None:
    """Start a meeting; meetings run in order (out of order only with a --reason)."""
    _done(f"{name} start", ctx.workspace.start_meeting(name, cycle=cycle, attendees=attendees,
                                                       reason=reason).seq)


@meeting.command("attend")
@click.argument("name", type=click.Choice(MEETINGS))
@click.argument("attendees", nargs=-1, required=True)
@cycle_opt
@click.pass_obj
@refusals
def meeting_attend(ctx: Context, name: str, attendees: tuple[str, ...],
                   cycle: str | None) -> None:
    """Record who attended a meeting (added to those recorded)."""
    _done(f"{name} attendance", ctx.workspace.record_attendance(name, attendees, cycle=cycle).seq)


@meeting.command("close")
@click.argument("name", type=click.Choice(MEETINGS))
@cycle_opt
@click.pass_obj
@refusals
def meeting_close(ctx: Context, name: str, cycle: str | None) -> None:
    """Close a meeting once its exit criteria hold (lists what is missing otherwise)."""
    _done(f"{name} close", close_meeting(ctx.workspace, name, cycle=cycle,
                                         meetings_dir=ctx.settings.meetings_dir).seq)


def register(group: click.Group) -> None:
    group.add_command(record)
    group.add_command(meeting)
