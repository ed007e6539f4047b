"""The "Email the decision pack" dialog, and what it needs to know before it opens.

Provides:
- :func:`newest_pack` — the cycle's newest recorded pack (``PackRendered``) and whether its PDF
  is still on disk, unchanged, under ``STORE/packs/``; a :class:`PackChoice`;
- :func:`smtp_line` — the mail server the ``SOP_SMTP_*`` variables name, or what is wrong
  with them;
- :class:`SendPackDialog` — a :class:`Form`: recipients (comma-separated, checked with the
  pack's ``parse_addresses`` as they are left), the PDF that will go, the server; Ctrl+S hands
  the send to the app's worker (``SopApp.email_pack``), which renders first when there is no
  usable pack.

The form stays open while the worker runs: on success it closes (the app says "sent to …"), on
failure it shows why and keeps what was typed. Esc closes it at any time; a send under way then
finishes in the background and still reports in a notification.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from textual.widgets import Static

from sop_tui.pack.email import EmailError, SmtpSettings, parse_addresses
from sop_tui.settings import Settings
from sop_tui.tui.dialogs.form import FORM_PROBLEM, Field, Form, Note

if TYPE_CHECKING:
    from sop_tui.cycle.workspace import Workspace
    from sop_tui.events.types import Event
    from sop_tui.tui.app import SopApp


@dataclass(frozen=True)
class PackChoice:
    """Which PDF the dialog would send.

    ``path`` is None when there is nothing usable to send (then Ctrl+S renders a fresh pack
    first); ``line`` says, for the dialog, what will be sent or why a render comes first.
    """

    path: Path | None
    event: Event | None
    line: str


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def newest_pack(ws: Workspace, settings: Settings, cycle: str) -> PackChoice:
    """The cycle's newest rendered pack, if its PDF is on disk as it was recorded.

    The log records the file's name and SHA-256; the PDF is looked for where ``sop pack`` and
    the app write it (``STORE/packs/``). A missing file, or one whose SHA-256 is not the
    recorded one (rendered elsewhere, or written but never recorded), is not sent: the dialog
    then offers to render a fresh pack first.
    """
    cs = ws.state().cycles.get(cycle)
    packs = cs.packs if cs is not None else []
    if not packs:
        return PackChoice(None, None, f"No pack has been rendered for {cycle} yet: Ctrl+S "
                                      "renders it first, then sends it.")
    ev = packs[-1]
    name = str(ev.payload.get("file", ""))
    path = settings.store / "packs" / name
    if not name or not path.is_file():
        return PackChoice(None, ev, f"The newest pack ({name or '?'}, event {ev.seq}) is not in "
                                    f"{path.parent}: Ctrl+S renders a fresh one, then sends it.")
    if _sha256(path) != ev.payload.get("sha256"):
        return PackChoice(None, ev, f"{name} on disk is not the pack recorded at event {ev.seq}: "
                                    "Ctrl+S renders a fresh one, then sends it.")
    pages = ev.payload.get("pages", "?")
    sha = str(ev.payload.get("sha256", ""))[:12]
    line = f"{name} — {pages} pages, rendered at event {ev.seq}, SHA-256 {sha}…"
    # What the room decided after the render is not in the PDF: say so (P renders anew).
    later = sum(1 for e in ws.log.iter_events(since=ev.seq)
                if e.type not in ("PackRendered", "PackSent"))
    if later:
        line += (f"\n{later} event{'s' if later != 1 else ''} recorded since "
                 f"{'are' if later != 1 else 'is'} not in it: P renders a fresh pack.")
    return PackChoice(path, ev, line)


def smtp_line(env: Mapping[str, str] | None = None) -> tuple[str, bool]:
    """What the dialog says about the mail server, and whether sending can work at all.

    Returns:
        ``("via HOST:PORT (TLS MODE) from SENDER", True)``, or the settings' error (naming the
        variable to set) and False.
    """
    try:
        smtp = SmtpSettings.from_env(os.environ if env is None else env)
    except EmailError as exc:
        if "SOP_SMTP_HOST" in str(exc):
            return ("SOP_SMTP_HOST is not set: the pack cannot be e-mailed. Set SOP_SMTP_HOST "
                    "(and SOP_SMTP_FROM, SOP_SMTP_PORT, SOP_SMTP_TLS) and start sop again.",
                    False)
        return f"The mail settings are wrong: {exc}", False
    return f"via {smtp.host}:{smtp.port} (TLS {smtp.tls}) from {smtp.sender}", True


class SendPackDialog(Form[None]):
    """Recipients, the pack that will go and the server; Ctrl+S sends, Esc closes."""

    FORM_TITLE = "Email the decision pack"
    HINT = "Addresses separated by commas · Ctrl+S send · Esc close"

    def __init__(self, cycle: str, choice: PackChoice, smtp: tuple[str, bool]) -> None:
        super().__init__()
        self.cycle = cycle
        self.choice = choice
        self.smtp_text, self.smtp_ok = smtp
        #: True while the app's worker renders or sends for this form
        self.sending = False
        self._gone = False

    @property
    def sop(self) -> SopApp:
        return self.app  # type: ignore[return-value]

    def context(self) -> str:
        return f"cycle {self.cycle}"

    def fields(self) -> Sequence[Field | Note]:
        return [
            Note(self.choice.line, id="send-pdf",
                 classes="" if self.choice.path else "-warning"),
            Note(self.smtp_text, id="send-smtp", classes="" if self.smtp_ok else "-warning"),
            Field("to", "To", placeholder="cfo@example.com, gm@example.com",
                  required="the addresses to send it to", check=_address_problem),
            Note("", id="send-progress"),
        ]

    def rules(self, values: Mapping[str, str]) -> dict[str, str]:
        return {} if self.smtp_ok else {FORM_PROBLEM: self.smtp_text}

    # -- what the form shows -----------------------------------------------------------------

    def show_progress(self, text: str) -> None:
        """The worker's current step (the top bar shows it too)."""
        self.query_one("#send-progress", Static).update(text)

    # -- sending -----------------------------------------------------------------------------

    def action_save(self) -> None:
        """Check the addresses and the settings, then hand the send to the app's worker (the
        app renders and sends: this form has no :meth:`submit` of its own)."""
        if self.sending:
            self.sop.notify("The pack is already on its way.", timeout=3)
            return
        values = self.values()
        found = self.problems(values)
        self.show_problems(found)
        if found:
            return
        addresses = parse_addresses([values["to"]])
        if not self.sop.email_pack(self.cycle, self.choice.path, addresses, dialog=self):
            return  # the app said why (a render under way)
        self.sending = True
        self.show_progress("rendering the pack first…" if self.choice.path is None
                           else f"sending to {', '.join(addresses)}…")

    def finished(self, error: str | None, pdf: Path | None) -> None:
        """The worker is done: close on success; on failure say why and keep the text.

        ``pdf`` is the pack that was (or would have been) sent: after a render-first that
        failed to send, a second Ctrl+S sends that pack without rendering again.
        """
        self.sending = False
        if self._gone:
            return
        if error is None:
            self._gone = True
            self.discard_draft()
            self.dismiss(None)
            return
        if pdf is not None and self.choice.path is None:
            self.choice = newest_pack(self.sop.workspace, self.sop.settings, self.cycle)
            line = self.query_one("#send-pdf", Static)
            line.update(self.choice.line)
            line.set_class(self.choice.path is None, "-warning")
        self.show_progress("")
        self.show_problems({FORM_PROBLEM: error})

    def action_cancel(self) -> None:
        if self.sending:
            self.sop.notify("The pack is still being sent; the result will show here.",
                            timeout=4)
        self._gone = True
        self.discard_draft()
        self.dismiss(None)


def _address_problem(text: str) -> str | None:
    try:
        parse_addresses([text])
    except EmailError as exc:
        return str(exc)
    return None
