"""``sop pack``: render the cycle's decision pack, and optionally e-mail it.

``sop pack [--cycle YYYY-MM] [--out FILE] [--email ADDRESS ...] [--json]`` renders the pack
(recording ``PackRendered``), then, with ``--email``, sends it over SMTP as configured by the
``SOP_SMTP_*`` variables (recording ``PackSent``). ``--send-only FILE`` e-mails a pack already
rendered. Progress goes to stderr; the result (path, SHA-256, pages) to stdout.
"""

from __future__ import annotations

import io
import os
import smtplib
import ssl
import sys
from pathlib import Path

import click

from sop_tui.cli.app import EXIT_FAILED, EXIT_REFUSED, Context, refusals
from sop_tui.cli.export_cmds import export_tables
from sop_tui.cli.output import echo_json
from sop_tui.exports.write import write_xlsx_to
from sop_tui.pack.email import Attachment, EmailError, SmtpSettings, parse_addresses
from sop_tui.pack.runner import render_pack
from sop_tui.pack.sending import send_pack
from sop_tui.pack.tamper import StampError


@click.command("pack")
@click.option("--cycle", help="The cycle (default: the current one).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Where to write the PDF [default: STORE/packs/sop-pack-CYCLE.pdf].")
@click.option("--email", "emails", multiple=True, metavar="ADDRESS",
              help="Send the pack to this address (repeatable, or comma-separated). "
                   "SMTP settings from SOP_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _TLS.")
@click.option("--send-only", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              metavar="PACK.pdf", help="Do not render: e-mail this rendered pack.")
@click.option("--with-plan", is_flag=True,
              help="With --email: attach the plan workbook (sop export all, as XLSX).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
@refusals
def pack(ctx: Context, cycle: str | None, out: Path | None, emails: tuple[str, ...],
         send_only: Path | None, with_plan: bool, as_json: bool) -> None:
    """Render the cycle's decision pack (PDF) for the executives; --email sends it."""
    for flag, given in (("--send-only", send_only is not None), ("--with-plan", with_plan)):
        if given and not emails:
            click.echo(f"error: {flag} needs --email ADDRESS", err=True)
            sys.exit(EXIT_REFUSED)
    if emails:
        # Check the mail settings before spending seconds on a render that cannot be sent.
        try:
            SmtpSettings.from_env(os.environ)
            parse_addresses(list(emails))
        except EmailError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_REFUSED)
    # the workbook first: data it cannot export refuses the command before a pack is rendered
    extra = [plan_workbook(ctx, cycle)] if with_plan else []
    ws = ctx.workspace
    result: dict[str, object] = {}
    if send_only is None:
        rendered = render_pack(ws, cycle, out, settings=ctx.settings,
                               progress=lambda msg: click.echo(f"… {msg}", err=True))
        result = {"path": rendered.path, "sha256": rendered.sha256, "pages": rendered.pages,
                  "event_count": rendered.event_count, "head_hash": rendered.head_hash,
                  "event": rendered.recorded_seq}
        pdf_path = Path(rendered.path)
    else:
        pdf_path = send_only
        result = {"path": str(pdf_path)}
    if emails:
        try:
            sent = send_pack(ws, pdf_path, list(emails), settings=ctx.settings, cycle=cycle,
                             extra=extra)
        except (EmailError, StampError) as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(EXIT_REFUSED)
        except (OSError, smtplib.SMTPException, ssl.SSLError) as exc:
            click.echo(f"error: the pack was not sent: {exc}", err=True)
            sys.exit(EXIT_FAILED)
        result["sent"] = sent
    if as_json:
        echo_json(result)
        return
    if "sha256" in result:
        recorded = (f"event {result['event']}" if result["event"] is not None
                    else "not recorded: the log is read-only")
        click.echo(f"pack written: {result['path']} ({result['pages']} pages, "
                   f"sha256 {str(result['sha256'])[:16]}…, {recorded})")
    if "sent" in result:
        s = result["sent"]
        assert isinstance(s, dict)
        click.echo(f"pack sent to {', '.join(s['to'])} via {s['host']} (event {s['seq']})")


def plan_workbook(ctx: Context, cycle: str | None) -> Attachment:
    """The plan workbook of ``cycle`` (every part of ``sop export all``), as an attachment."""
    buffer = io.BytesIO()
    tables = export_tables(ctx, "all", cycle)
    write_xlsx_to(tables, buffer)
    name = f"sop-plan-{cycle or ctx.workspace.current_cycle()}.xlsx"
    return Attachment(name, buffer.getvalue(), "application",
                      "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def register(group: click.Group) -> None:
    group.add_command(pack)
