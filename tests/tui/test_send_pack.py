"""E-mailing the decision pack from the app: key E, the SendPackDialog, and a real SMTP server.

aiosmtpd's Controller listens on 127.0.0.1 (a free port, TLS ``none``: allowed for loopback
only). The fast tests put a small stamped PDF where the app looks for packs and record its
``PackRendered`` by hand; the slow one renders the demo cycle's real pack first.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfWriter
from smtp_fixtures import Inbox, free_port, local_smtp
from textual.widgets import Static
from tui_helpers import notes_of

from sop_tui.cycle.workspace import Workspace
from sop_tui.settings import Settings
from sop_tui.tui.dialogs.send_pack import SendPackDialog, newest_pack, smtp_line
from sop_tui.tui.screens.dashboard import DashboardScreen
from sop_tui.tui.screens.help import HelpScreen

SIZE = (120, 40)
CYCLE = "2026-12"

pytestmark = pytest.mark.usefixtures("stub_panels", "no_numbers")


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """A local SMTP server, and the SOP_SMTP_* variables that point at it."""
    with local_smtp() as (port, box):
        for key, value in {"SOP_SMTP_HOST": "127.0.0.1", "SOP_SMTP_PORT": str(port),
                           "SOP_SMTP_TLS": "none", "SOP_SMTP_FROM": "sop@example.com"}.items():
            monkeypatch.setenv(key, value)
        for key in ("SOP_SMTP_USER", "SOP_SMTP_PASSWORD"):
            monkeypatch.delenv(key, raising=False)
        yield box


@pytest.fixture
def no_smtp(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("SOP_SMTP_HOST", "SOP_SMTP_PORT", "SOP_SMTP_TLS", "SOP_SMTP_FROM",
                "SOP_SMTP_USER", "SOP_SMTP_PASSWORD"):
        monkeypatch.delenv(key, raising=False)


def _stamped_pdf(count: int) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/sopcycle": CYCLE, "/sopeventcount": str(count),
                         "/sopheadhash": "ab" * 32})
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _hand_made_pack(ws: Workspace, settings: Settings) -> tuple[Path, str]:
    """A stamped PDF in STORE/packs and its PackRendered event, as ``sop pack`` leaves them."""
    count = ws.log.head().count
    pdf = _stamped_pdf(count)
    path = settings.store / "packs" / f"sop-pack-{CYCLE}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    sha = hashlib.sha256(pdf).hexdigest()
    ws.record("PackRendered", {"sha256": sha, "file": path.name, "pages": 1,
                               "event_count": count, "head_hash": "ab" * 32}, cycle=CYCLE)
    return path, sha


def _attachment(raw: bytes) -> tuple[EmailMessage, bytes]:
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    parts = [p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf"]
    assert len(parts) == 1
    return msg, parts[0].get_content()


def _text(screen: SendPackDialog, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _recorded_statuses(app: Any) -> list[str]:
    """Every status line the app shows from now on, in order (still shown as usual)."""
    statuses: list[str] = []
    shown = app.set_status

    def status(text: str) -> None:
        statuses.append(text)
        shown(text)

    app.set_status = status
    return statuses


async def _type_and_send(app: Any, pilot: Any, address: str) -> SendPackDialog:
    await pilot.press("E")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, SendPackDialog)
    dialog.set_value("to", address)
    await pilot.press("ctrl+s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    return dialog


def _palette(app: Any) -> list[str]:
    from sop_tui.tui.commands import SopCommands

    return [name for name, _run, _help in SopCommands(app.screen).commands()]


# -- the pieces the dialog reads ----------------------------------------------------------------


def test_newest_pack_needs_the_recorded_file_unchanged(demo_ws: Workspace,
                                                      settings: Settings) -> None:
    none = newest_pack(demo_ws, settings, CYCLE)
    assert none.path is None and none.event is None
    assert "No pack has been rendered for 2026-12" in none.line
    path, sha = _hand_made_pack(demo_ws, settings)
    found = newest_pack(demo_ws, settings, CYCLE)
    assert found.path == path
    assert found.event is not None and found.event.payload["sha256"] == sha
    assert "sop-pack-2026-12.pdf — 1 pages" in found.line
    assert "recorded since" not in found.line
    demo_ws.record("PackSent", {"sha256": sha, "to": ["a@b.c"], "subject": "s",
                                "host": "127.0.0.1"}, cycle=CYCLE)
    demo_ws.start_meeting("executive", reason="the GM asked for the numbers early")
    later = newest_pack(demo_ws, settings, CYCLE)
    assert later.path == path  # still the one to send, but the dialog says it is behind
    assert "1 event recorded since is not in it" in later.line
    path.write_bytes(path.read_bytes() + b"\n%changed")
    changed = newest_pack(demo_ws, settings, CYCLE)
    assert changed.path is None and "is not the pack recorded" in changed.line
    path.unlink()
    gone = newest_pack(demo_ws, settings, CYCLE)
    assert gone.path is None and "is not in" in gone.line


def test_smtp_line_names_the_server_or_the_missing_variable() -> None:
    text, ok = smtp_line({"SOP_SMTP_HOST": "127.0.0.1", "SOP_SMTP_PORT": "2525",
                          "SOP_SMTP_TLS": "none", "SOP_SMTP_FROM": "sop@example.com"})
    assert ok and text == "via 127.0.0.1:2525 (TLS none) from sop@example.com"
    text, ok = smtp_line({})
    assert not ok and text.startswith("SOP_SMTP_HOST is not set")
    text, ok = smtp_line({"SOP_SMTP_HOST": "mail.example.com", "SOP_SMTP_TLS": "none",
                          "SOP_SMTP_FROM": "sop@example.com"})
    assert not ok and "loopback" in text


# -- the app -------------------------------------------------------------------------------------


async def test_e_sends_the_newest_pack_and_records_it(demo_ws: Workspace, make,
                                                      settings: Settings,
                                                      inbox: Inbox) -> None:
    path, sha = _hand_made_pack(demo_ws, settings)
    app = make(demo_ws)
    statuses = _recorded_statuses(app)
    notes = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("E")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SendPackDialog)
        assert "sop-pack-2026-12.pdf" in _text(dialog, "#send-pdf")
        assert "via 127.0.0.1" in _text(dialog, "#send-smtp")
        await pilot.press(*"cfo@example.com, gm@example.com")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)  # closed on success
        notes = [n.message for n in notes]
        assert any("sent to cfo@example.com, gm@example.com" in m for m in notes), notes
    # progress in the top bar, cleared at the end; no render: the recorded pack went
    assert statuses == ["pack: sending to cfo@example.com, gm@example.com", ""]
    assert len(inbox.messages) == 1
    mail_from, rcpt, raw = inbox.messages[0]
    assert mail_from == "sop@example.com"
    assert rcpt == ["cfo@example.com", "gm@example.com"]
    msg, attached = _attachment(raw)
    assert hashlib.sha256(attached).hexdigest() == sha
    assert msg["Subject"].startswith("S&OP decision pack 2026-12")
    sent = demo_ws.log.events(types=["PackSent"])
    assert len(sent) == 1
    assert sent[0].payload["sha256"] == sha
    assert sent[0].payload["to"] == ["cfo@example.com", "gm@example.com"]


async def test_a_bad_address_is_named_and_nothing_is_sent(demo_ws: Workspace, make,
                                                          settings: Settings,
                                                          inbox: Inbox) -> None:
    _hand_made_pack(demo_ws, settings)
    before = demo_ws.log.head().count
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = await _type_and_send(app, pilot, "cfo@example.com, gm-at-example.com")
        assert app.screen is dialog  # still open, the text kept
        assert "'gm-at-example.com' is not an e-mail address" in _text(dialog, "#error-to")
        assert dialog.value("to") == "cfo@example.com, gm-at-example.com"
        assert not dialog.sending
    assert inbox.messages == []
    assert demo_ws.log.head().count == before


@pytest.mark.usefixtures("no_smtp")
async def test_without_smtp_host_the_dialog_says_so_and_does_not_send(
        demo_ws: Workspace, make, settings: Settings) -> None:
    _hand_made_pack(demo_ws, settings)
    before = demo_ws.log.head().count
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = await _type_and_send(app, pilot, "cfo@example.com")
        assert _text(dialog, "#send-smtp").startswith("SOP_SMTP_HOST is not set")
        assert "SOP_SMTP_HOST is not set" in _text(dialog, "#error-form")
        assert not dialog.sending
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
    assert demo_ws.log.head().count == before


async def test_a_refused_connection_is_an_error_and_the_dialog_keeps_the_text(
        demo_ws: Workspace, make, settings: Settings,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _hand_made_pack(demo_ws, settings)
    monkeypatch.setenv("SOP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SOP_SMTP_PORT", str(free_port()))  # nothing listens there
    monkeypatch.setenv("SOP_SMTP_TLS", "none")
    monkeypatch.setenv("SOP_SMTP_FROM", "sop@example.com")
    before = demo_ws.log.head().count
    app = make(demo_ws)
    notes = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        dialog = await _type_and_send(app, pilot, "cfo@example.com")
        assert app.screen is dialog and app.is_running
        assert "ConnectionRefusedError" in _text(dialog, "#error-form")
        assert dialog.value("to") == "cfo@example.com"
        assert not dialog.sending  # can try again
        errors = [n for n in notes if n.severity == "error"]
        assert errors and "The pack was not sent" in errors[0].message
    assert demo_ws.log.head().count == before  # no PackSent


async def test_e_is_offered_on_the_dashboard_and_in_the_executive_meeting_only(
        demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.check_action("email_pack", ()) is True
        assert "E-mail the decision pack" in _palette(app)
        app.open_meeting("demand", reason="test: straight to this meeting")
        await pilot.pause()
        assert app.check_action("email_pack", ()) is False
        # the key is the dashboard's and the executive meeting's; the palette has it anywhere
        assert "E-mail the decision pack" in _palette(app)
        await pilot.press("E")
        await pilot.pause()
        assert not isinstance(app.screen, SendPackDialog)
        app.open_meeting("executive", reason="test: straight to this meeting")
        await pilot.pause()
        assert app.check_action("email_pack", ()) is True
    ro = make(demo_ws, read_only=True)
    async with ro.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert ro.check_action("email_pack", ()) is False


async def test_help_lists_the_panel_and_pack_keys(demo_ws: Workspace, make) -> None:
    app = make(demo_ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
    from sop_tui.tui.screens.help import KEYS

    listed = {(where, key) for where, key, _what, _writes in KEYS}
    for entry in [("Dashboard, Executive", "E"), ("Dashboard, Executive", "P"),
                  ("Portfolio", "Space"), ("Portfolio", "f"), ("Portfolio", "*"),
                  ("Portfolio", "D"), ("Portfolio", "u"), ("Demand", "m"), ("Demand", "f"),
                  ("Supply", "o"), ("Scenarios", "s"), ("Scenarios", "r"),
                  ("Executive", "A"), ("Executive", "O"), ("Actions", "Enter / Space"),
                  ("Dashboard, Meeting", "h")]:
        assert entry in listed, entry


@pytest.mark.slow
async def test_without_a_pack_ctrl_s_renders_it_first_then_sends_it(
        demo_ws: Workspace, make, settings: Settings, inbox: Inbox) -> None:
    app = make(demo_ws)
    statuses = _recorded_statuses(app)
    notes = notes_of(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("E")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SendPackDialog)
        assert "No pack has been rendered for 2026-12 yet" in _text(dialog, "#send-pdf")
        await pilot.press(*"cfo@example.com")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen), [n.message for n in notes]
    rendered = demo_ws.log.events(types=["PackRendered"])
    sent = demo_ws.log.events(types=["PackSent"])
    assert len(rendered) == 1 and len(sent) == 1
    assert rendered[0].seq < sent[0].seq
    assert sent[0].payload["sha256"] == rendered[0].payload["sha256"]
    _, attached = _attachment(inbox.messages[0][2])
    assert hashlib.sha256(attached).hexdigest() == rendered[0].payload["sha256"]
    assert (settings.store / "packs" / "sop-pack-2026-12.pdf").read_bytes() == attached
    assert len(statuses) > 3 and statuses[-1] == ""  # the render's steps, then the send
    assert statuses[-2] == "pack: sending to cfo@example.com"
