"""Sending the pack: settings from the environment, TLS rules, and a real local SMTP server.

The end-to-end test starts aiosmtpd's Controller on 127.0.0.1 (a free port, TLS ``none``, which
is allowed only for loopback hosts), sends a stamped PDF, and checks the message the server
received: addressees, subject, body, and an attachment whose SHA-256 is the file's.
"""

from __future__ import annotations

import hashlib
import io
import ssl
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from click.testing import CliRunner
from pypdf import PdfWriter
from smtp_fixtures import Inbox, free_port, local_smtp

from sop_tui.cli.app import build
from sop_tui.cycle.workspace import Workspace
from sop_tui.events.log import EventLog
from sop_tui.pack.email import (
    EmailError,
    SmtpSettings,
    build_message,
    connect,
    is_loopback,
    parse_addresses,
)
from sop_tui.pack.sending import send_pack
from sop_tui.settings import RESOURCES, Settings

TEMPLATES = RESOURCES / "templates"
HEAD = "ab" * 32


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    with local_smtp() as server:
        yield server


def _stamped_pdf(path: Path, *, cycle: str = "2026-12", count: int = 3) -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/sopcycle": cycle, "/sopeventcount": str(count),
                         "/sopheadhash": HEAD})
    buf = io.BytesIO()
    writer.write(buf)
    path.write_bytes(buf.getvalue())
    return path


def _env(port: int, **extra: str) -> dict[str, str]:
    return {"SOP_SMTP_HOST": "127.0.0.1", "SOP_SMTP_PORT": str(port), "SOP_SMTP_TLS": "none",
            "SOP_SMTP_FROM": "sop@example.com", **extra}


# -- settings -----------------------------------------------------------------------------------


def test_settings_default_to_starttls_on_587() -> None:
    s = SmtpSettings.from_env({"SOP_SMTP_HOST": "mail.example.com",
                               "SOP_SMTP_FROM": "sop@example.com"})
    assert (s.tls, s.port, s.user) == ("starttls", 587, None)
    assert SmtpSettings.from_env({"SOP_SMTP_HOST": "mail.example.com", "SOP_SMTP_TLS": "ssl",
                                  "SOP_SMTP_FROM": "a@b.c"}).port == 465


@pytest.mark.parametrize(("env", "says"), [
    ({}, "SOP_SMTP_HOST"),
    ({"SOP_SMTP_HOST": "mail.example.com"}, "SOP_SMTP_FROM"),
    ({"SOP_SMTP_HOST": "h", "SOP_SMTP_FROM": "a@b.c", "SOP_SMTP_TLS": "tls1"}, "not one of"),
    ({"SOP_SMTP_HOST": "h", "SOP_SMTP_FROM": "a@b.c", "SOP_SMTP_PORT": "smtp"}, "port number"),
    ({"SOP_SMTP_HOST": "h", "SOP_SMTP_FROM": "a@b.c", "SOP_SMTP_USER": "u"}, "PASSWORD"),
    ({"SOP_SMTP_HOST": "h", "SOP_SMTP_FROM": "a@b.c\r\nBcc: x@evil.example"},
     "SOP_SMTP_FROM contains a carriage return"),
    ({"SOP_SMTP_HOST": "h", "SOP_SMTP_FROM": "a@b.c\nBcc: x@evil.example"},
     "SOP_SMTP_FROM contains a line feed"),
    ({"SOP_SMTP_HOST": "h\r\n", "SOP_SMTP_FROM": "a@b.c"}, "SOP_SMTP_HOST contains"),
    ({"SOP_SMTP_HOST": "h", "SOP_SMTP_FROM": "a@b.c", "SOP_SMTP_USER": "u",
      "SOP_SMTP_PASSWORD": "p\nq"}, "SOP_SMTP_PASSWORD contains a line feed"),
    ({"SOP_SMTP_HOST": "h", "SOP_SMTP_FROM": "Pack Bot <a@b.c>"}, "SOP_SMTP_FROM="),
    ({"SOP_SMTP_HOST": "h", "SOP_SMTP_USER": "apikey", "SOP_SMTP_PASSWORD": "p"},
     "set SOP_SMTP_FROM"),
])
def test_bad_settings_name_the_variable(env: dict[str, str], says: str) -> None:
    with pytest.raises(EmailError, match=says):
        SmtpSettings.from_env(env)


@pytest.mark.parametrize("host", ["mail.example.com", "10.0.0.5", "192.168.1.1",
                                  "localhost.evil.com"])
def test_clear_text_to_a_non_loopback_host_is_refused(host: str) -> None:
    with pytest.raises(EmailError, match="only for a loopback host"):
        SmtpSettings.from_env({"SOP_SMTP_HOST": host, "SOP_SMTP_TLS": "none",
                               "SOP_SMTP_FROM": "a@b.c"})


@pytest.mark.parametrize(("host", "loop"), [
    ("localhost", True), ("127.0.0.1", True), ("127.8.9.1", True), ("::1", True),
    ("[::1]", True), ("LOCALHOST", True), ("mail.localhost", True),
    ("example.com", False), ("10.0.0.1", False), ("localhost.example.com", False),
])
def test_is_loopback(host: str, loop: bool) -> None:
    assert is_loopback(host) is loop


def test_addresses_are_split_and_checked() -> None:
    assert parse_addresses(["cfo@x.com, gm@x.com", "ops@x.com"]) == [
        "cfo@x.com", "gm@x.com", "ops@x.com"]
    for bad in (["cfo"], ["@x.com"], ["a b@x.com"], ["a@x.com\r\nBcc: e@v.il"], [" , "]):
        with pytest.raises(EmailError):
            parse_addresses(bad)


# -- TLS paths (mocked: no network) --------------------------------------------------------------


def _assert_verifying(ctx: ssl.SSLContext) -> None:
    assert ctx.verify_mode == ssl.CERT_REQUIRED
    assert ctx.check_hostname is True


def test_starttls_upgrades_with_a_verifying_context_then_logs_in() -> None:
    s = SmtpSettings(host="mail.example.com", port=587, sender="a@b.c", tls="starttls",
                     user="u", password="p")
    with mock.patch("smtplib.SMTP") as smtp_cls:
        conn = connect(s)
    smtp_cls.assert_called_once_with("mail.example.com", 587, timeout=30.0)
    inst = smtp_cls.return_value
    assert conn is inst
    inst.starttls.assert_called_once()
    _assert_verifying(inst.starttls.call_args.kwargs["context"])
    inst.login.assert_called_once_with("u", "p")
    # the login happens after the upgrade, never in clear text
    names = [c[0] for c in inst.method_calls]
    assert names.index("starttls") < names.index("login")


def test_ssl_connects_with_a_verifying_context() -> None:
    s = SmtpSettings(host="mail.example.com", port=465, sender="a@b.c", tls="ssl")
    with mock.patch("smtplib.SMTP_SSL") as smtp_ssl, mock.patch("smtplib.SMTP") as plain:
        connect(s)
    plain.assert_not_called()
    _assert_verifying(smtp_ssl.call_args.kwargs["context"])
    smtp_ssl.return_value.login.assert_not_called()


# -- the message ---------------------------------------------------------------------------------


def _vars(**over: Any) -> dict[str, Any]:
    base = {"cycle": "2026-12", "cycle_label": "December 2026", "headline": "plan approved (x)",
            "revenue": "$287.2M", "asks": ["Approve <b>overtime</b> & more"], "pages": 12,
            "sha256": "0" * 64, "event_count": 3, "head_short": HEAD[:16],
            "filename": "p.pdf", "actor": "tester"}
    return {**base, **over}


def test_a_newline_in_the_subject_cannot_add_a_header() -> None:
    msg = build_message(b"%PDF-1.7", "p.pdf", sender="a@b.c", to=["x@y.z"],
                        templates_dir=TEMPLATES,
                        variables=_vars(headline="ok\r\nBcc: spy@evil.example"))
    raw = msg.as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None
    assert "\n" not in str(parsed["Subject"])
    assert str(parsed["Subject"]).startswith("S&OP decision pack 2026-12: ok Bcc:")


def test_the_text_body_shows_what_was_typed_unescaped() -> None:
    msg = build_message(b"%PDF-1.7", "p.pdf", sender="a@b.c", to=["x@y.z"],
                        templates_dir=TEMPLATES, variables=_vars())
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None
    text = body.get_content()
    assert "Approve <b>overtime</b> & more" in text
    assert "&amp;" not in text and "&lt;" not in text
    assert "sop verify --against p.pdf" in text


# -- end to end against a local server ------------------------------------------------------------


def _attachment(raw: bytes) -> tuple[EmailMessage, bytes]:
    msg = message_from_bytes(raw, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    parts = list(msg.iter_attachments())
    assert len(parts) == 1
    assert parts[0].get_content_type() == "application/pdf"
    return msg, parts[0].get_content()


def test_send_pack_delivers_the_pdf_and_records_it(smtp_server: tuple[int, Inbox],
                                                  ws: Workspace, tmp_path: Path) -> None:
    port, inbox = smtp_server
    pdf = _stamped_pdf(tmp_path / "sop-pack-2026-12.pdf")
    sent = send_pack(ws, pdf, ["cfo@example.com", "gm@example.com"], settings=Settings(),
                     env=_env(port))
    assert len(inbox.messages) == 1
    mail_from, rcpt, raw = inbox.messages[0]
    assert mail_from == "sop@example.com"
    assert rcpt == ["cfo@example.com", "gm@example.com"]
    msg, attached = _attachment(raw)
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert hashlib.sha256(attached).hexdigest() == digest
    assert msg["Subject"] == "S&OP decision pack 2026-12: plan awaiting approval"
    ev = ws.log.get(sent["seq"])  # type: ignore[arg-type]
    assert ev is not None and ev.type == "PackSent"
    assert ev.payload == {"sha256": digest, "to": ["cfo@example.com", "gm@example.com"],
                          "subject": msg["Subject"], "host": "127.0.0.1"}


def test_a_refused_send_records_nothing(ws: Workspace, tmp_path: Path) -> None:
    pdf = _stamped_pdf(tmp_path / "p.pdf")
    before = ws.log.head().count
    port = free_port()  # nothing listens there
    with pytest.raises(OSError):
        send_pack(ws, pdf, ["cfo@example.com"], settings=Settings(), env=_env(port))
    with pytest.raises(EmailError, match="loopback"):
        send_pack(ws, pdf, ["cfo@example.com"], settings=Settings(),
                  env=_env(port, SOP_SMTP_HOST="mail.example.com"))
    assert ws.log.head().count == before


def test_cli_send_only_mails_a_rendered_pack(smtp_server: tuple[int, Inbox], tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    port, inbox = smtp_server
    for k, v in _env(port).items():
        monkeypatch.setenv(k, v)
    runner = CliRunner()
    cli = build()
    assert runner.invoke(cli, ["--store", str(tmp_path), "cycle", "open", "2026-12"]
                         ).exit_code == 0
    pdf = _stamped_pdf(tmp_path / "pack.pdf", count=1)
    r = runner.invoke(cli, ["--store", str(tmp_path), "pack", "--send-only", str(pdf),
                            "--email", "cfo@example.com"])
    assert r.exit_code == 0, r.output
    assert "pack sent to cfo@example.com via 127.0.0.1" in r.output
    _, attached = _attachment(inbox.messages[0][2])
    assert attached == pdf.read_bytes()


def test_cli_refuses_clear_text_to_a_remote_host_before_rendering(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for k, v in _env(25, SOP_SMTP_HOST="smtp.example.com").items():
        monkeypatch.setenv(k, v)
    r = CliRunner().invoke(build(), ["--store", str(tmp_path), "pack", "--email", "a@b.c"])
    assert r.exit_code == 2
    assert "loopback" in r.output
    assert not (tmp_path / "packs").exists()


def test_cli_send_only_refuses_a_pdf_that_is_not_a_pack(
        smtp_server: tuple[int, Inbox], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    port, inbox = smtp_server
    for k, v in _env(port).items():
        monkeypatch.setenv(k, v)
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    plain = tmp_path / "other.pdf"
    with plain.open("wb") as fh:
        writer.write(fh)
    CliRunner().invoke(build(), ["--store", str(tmp_path), "cycle", "open", "2026-12"])
    r = CliRunner().invoke(build(), ["--store", str(tmp_path), "pack", "--send-only",
                                     str(plain), "--email", "cfo@example.com"])
    assert r.exit_code == 2
    assert "not a decision pack" in r.output
    assert inbox.messages == []


def test_a_line_break_in_smtp_from_is_refused_by_the_cli_naming_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 15: SOP_SMTP_FROM holding a CR/LF ended in a Python traceback."""
    for k, v in _env(25, SOP_SMTP_FROM="pack@example.com\r\nBcc: spy@example.com").items():
        monkeypatch.setenv(k, v)
    r = CliRunner().invoke(build(), ["--store", str(tmp_path), "pack", "--email", "a@b.c"])
    assert r.exit_code == 2
    assert "SOP_SMTP_FROM contains a carriage return" in r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output
    assert not (tmp_path / "packs").exists()


def test_with_plan_needs_email(tmp_path: Path) -> None:
    r = CliRunner().invoke(build(), ["--store", str(tmp_path), "pack", "--with-plan"])
    assert r.exit_code == 2 and "--with-plan needs --email" in r.output


def test_with_plan_without_data_refuses_before_rendering_or_sending(
        smtp_server: tuple[int, Inbox], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    port, inbox = smtp_server
    for k, v in _env(port).items():
        monkeypatch.setenv(k, v)
    assert CliRunner().invoke(build(), ["--store", str(tmp_path), "cycle", "open", "2026-12"]
                              ).exit_code == 0
    r = CliRunner().invoke(build(), ["--store", str(tmp_path), "pack", "--email", "a@b.c",
                                     "--with-plan"])
    assert r.exit_code == 2 and "has not been imported" in r.output
    assert inbox.messages == [] and not (tmp_path / "packs").exists()


@pytest.mark.slow
def test_with_plan_attaches_the_plan_workbook_and_names_it_in_the_event(
        smtp_server: tuple[int, Inbox], demo_ws: Workspace, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import openpyxl

    port, inbox = smtp_server
    for k, v in _env(port).items():
        monkeypatch.setenv(k, v)
    store = Path(str(demo_ws.log.path)).parent
    count = demo_ws.log.head().count
    demo_ws.log.close()
    pdf = _stamped_pdf(tmp_path / "sop-pack-2026-12.pdf", count=count)
    r = CliRunner().invoke(build(), ["--store", str(store), "pack", "--send-only", str(pdf),
                                     "--email", "cfo@example.com", "--with-plan"])
    assert r.exit_code == 0, r.output
    msg = message_from_bytes(inbox.messages[0][2], policy=policy.default)
    files = {p.get_filename(): p.get_content() for p in msg.iter_attachments()}
    assert set(files) == {"sop-pack-2026-12.pdf", "sop-plan-2026-12.xlsx"}
    book = openpyxl.load_workbook(io.BytesIO(files["sop-plan-2026-12.xlsx"]))
    assert book.sheetnames[0] == "Demand plan 2026-12" and book.worksheets[0].max_row > 100
    sent = list(EventLog(f"sqlite:///{store / 'sop.db'}").events(types=["PackSent"]))
    assert sent[-1].payload["attachments"] == ["sop-plan-2026-12.xlsx"]
