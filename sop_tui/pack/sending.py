"""E-mailing a rendered decision pack: :func:`send_pack` sends it and records ``PackSent``."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sop_tui.cycle.workspace import Workspace
from sop_tui.formats import money
from sop_tui.pack.email import (
    Attachment,
    SmtpSettings,
    build_message,
    parse_addresses,
    send_message,
)
from sop_tui.pack.tamper import read_stamp
from sop_tui.settings import Settings


def send_pack(ws: Workspace, pdf_path: Path, to: list[str], *, settings: Settings,
              env: dict[str, str] | None = None, cycle: str | None = None,
              extra: Sequence[Attachment] = ()) -> dict[str, object]:
    """E-mail a rendered pack and record ``PackSent`` (with the PDF's SHA-256); ``extra``
    files (the plan workbook) go beside it and are named in the event.

    The subject and body say what the pack decided (from the cycle's events, no analytics),
    its SHA-256 and the log stamp it carries, so a reader can check it.

    Returns:
        What was recorded: ``seq``, ``sha256``, ``to``, ``subject``, ``host``.

    Raises:
        EmailError: the settings or the addresses are wrong (nothing is sent).
        StampError: the file is not a pack rendered by sop.
        OSError / smtplib.SMTPException / ssl.SSLError: sending failed (nothing recorded).
    """
    smtp = SmtpSettings.from_env(os.environ if env is None else env)
    addresses = parse_addresses(to)
    stamp = read_stamp(pdf_path)
    cycle = cycle or stamp.cycle
    pdf = pdf_path.read_bytes()
    sha = hashlib.sha256(pdf).hexdigest()
    cs = ws.state().cycles.get(cycle)
    headline, revenue, asks, pages = "decision pack", None, [], 0
    if cs is not None:
        rendered = [e for e in cs.packs if e.payload.get("sha256") == sha]
        pages = int(rendered[-1].payload["pages"]) if rendered else 0
        outcome, rec = cs.outcome, cs.recommendation
        if outcome is not None and outcome.event.type == "PlanApproved":
            headline = f"plan approved ({outcome.payload['scenario']})"
        elif outcome is not None:
            headline = f"consensus overridden ({outcome.payload['scenario']})"
        else:
            headline = "plan awaiting approval"
            asks.append("Approve the recommended plan or override it with named actions.")
        plan = outcome.payload["scenario"] if outcome else (rec.payload["scenario"] if rec
                                                            else None)
        if plan in cs.scenarios:
            revenue = cs.scenarios[plan].payload.get("results", {}).get("revenue")
        if rec is not None:
            asks.extend(rec.payload.get("open_decisions", ()))
    year, month = (int(x) for x in cycle.split("-"))
    variables = {
        "cycle": cycle, "cycle_label": datetime(year, month, 1).strftime("%B %Y"),
        "headline": headline, "revenue": money(revenue), "asks": asks,
        "pages": pages or "?", "sha256": sha, "event_count": stamp.event_count,
        "head_short": stamp.head_hash[:16], "filename": pdf_path.name, "actor": ws.actor,
    }
    msg = build_message(pdf, pdf_path.name, sender=smtp.sender, to=addresses,
                        templates_dir=settings.templates_dir, variables=variables, extra=extra)
    send_message(msg, smtp)
    subject = str(msg["Subject"])
    payload: dict[str, object] = {"sha256": sha, "to": addresses, "subject": subject,
                                  "host": smtp.host}
    if extra:
        payload["attachments"] = [a.filename for a in extra]
    ev = ws.record("PackSent", payload, cycle=cycle)
    return {"seq": ev.seq, "sha256": sha, "to": addresses, "subject": subject,
            "host": smtp.host}
