"""Sending the decision pack over SMTP.

Provides :class:`SmtpSettings` (from ``SOP_SMTP_HOST``, ``SOP_SMTP_PORT``, ``SOP_SMTP_USER``,
``SOP_SMTP_PASSWORD``, ``SOP_SMTP_FROM`` and ``SOP_SMTP_TLS`` = ``starttls`` (default), ``ssl``
or ``none``), :func:`build_message` (subject and body from the pack's templates, the PDF
attached) and :func:`send_pack` (connect, secure, log in, send; returns what to record).

TLS always verifies the server's certificate and host name (``ssl.create_default_context``).
``none`` sends in clear text and is accepted only for a loopback host (a local relay or a test
server); anything else is refused before a connection is opened.
"""

from __future__ import annotations

import ipaddress
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from sop_tui.pack.templating import environment

TLS_MODES = ("starttls", "ssl", "none")
SMTP_VARIABLES = ("SOP_SMTP_HOST", "SOP_SMTP_PORT", "SOP_SMTP_USER", "SOP_SMTP_PASSWORD",
                  "SOP_SMTP_FROM", "SOP_SMTP_TLS")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
SUBJECT_TEMPLATE = "email_subject.txt.j2"
BODY_TEMPLATE = "email_body.txt.j2"


class EmailError(ValueError):
    """The pack cannot be sent as configured; the message says what to change."""


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``)."""
    name = host.strip().strip("[]").lower()
    if name in ("localhost", "localhost.localdomain") or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to send mail."""

    host: str
    port: int
    sender: str
    tls: str = "starttls"
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0

    def __post_init__(self) -> None:
        if self.tls not in TLS_MODES:
            raise EmailError(f"SOP_SMTP_TLS={self.tls!r} is not one of {', '.join(TLS_MODES)}")
        if self.tls == "none" and not is_loopback(self.host):
            raise EmailError(
                f"SOP_SMTP_TLS=none sends the pack in clear text; it is allowed only for a "
                f"loopback host, not {self.host!r}. Use starttls or ssl."
            )
        if self.user and not self.password:
            raise EmailError("SOP_SMTP_USER is set but SOP_SMTP_PASSWORD is not")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SmtpSettings:
        """Read the ``SOP_SMTP_*`` variables.

        Raises:
            EmailError: naming the variable that is missing or wrong.
        """
        for name in SMTP_VARIABLES:
            value = env.get(name) or ""
            bad = next((c for c in value if c in "\r\n\0"), None)
            if bad is not None:
                what = {"\r": "a carriage return", "\n": "a line feed", "\0": "a NUL"}[bad]
                raise EmailError(f"{name} contains {what}; a mail setting must be one line")
        host = (env.get("SOP_SMTP_HOST") or "").strip()
        if not host:
            raise EmailError("set SOP_SMTP_HOST to the mail server's host name")
        tls = (env.get("SOP_SMTP_TLS") or "starttls").strip().lower()
        port_text = (env.get("SOP_SMTP_PORT") or "").strip()
        try:
            port = int(port_text) if port_text else DEFAULT_PORTS.get(tls, 587)
        except ValueError:
            raise EmailError(f"SOP_SMTP_PORT={port_text!r} is not a port number") from None
        sender_var = "SOP_SMTP_FROM" if env.get("SOP_SMTP_FROM") else "SOP_SMTP_USER"
        sender = (env.get(sender_var) or "").strip()
        if not sender:
            raise EmailError("set SOP_SMTP_FROM to the sender's address")
        if not is_address(sender):
            raise EmailError(f"{sender_var}={sender!r} is not an e-mail address (local@domain)"
                             + ("; set SOP_SMTP_FROM to the sender's address"
                                if sender_var == "SOP_SMTP_USER" else ""))
        return cls(host=host, port=port, sender=sender, tls=tls,
                   user=(env.get("SOP_SMTP_USER") or None),
                   password=(env.get("SOP_SMTP_PASSWORD") or None))


def tls_context() -> ssl.SSLContext:
    """A client context that verifies the certificate chain and the host name."""
    ctx = ssl.create_default_context()
    # create_default_context already does this; say it here so no one "fixes" it away.
    ctx.check_hostname = True
    ctx.verify_mode = ssl.CERT_REQUIRED
    return ctx


def _one_line(text: str) -> str:
    # A header must be one line: a CR/LF in a template variable must not start a new header.
    return " ".join(text.split())


@dataclass(frozen=True)
class Attachment:
    """A file sent beside the pack (the plan workbook)."""

    filename: str
    content: bytes
    maintype: str
    subtype: str


def build_message(pdf: bytes, filename: str, *, sender: str, to: Sequence[str],
                  templates_dir: Path, variables: Mapping[str, Any],
                  extra: Sequence[Attachment] = ()) -> EmailMessage:
    """The message: subject and plain-text body from the templates, the PDF attached (and
    ``extra`` after it)."""
    env = environment(templates_dir)
    subject = _one_line(env.get_template(SUBJECT_TEMPLATE).render(**variables))
    body = env.get_template(BODY_TEMPLATE).render(**variables)
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    msg["Message-ID"] = make_msgid(domain="sop.local")
    msg.set_content(body)
    msg.add_attachment(pdf, maintype="application", subtype="pdf", filename=filename)
    for a in extra:
        msg.add_attachment(a.content, maintype=a.maintype, subtype=a.subtype,
                           filename=a.filename)
    return msg


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    """Open the connection, secured as the settings say, and log in if a user is set."""
    if settings.tls == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.host, settings.port,
                                              timeout=settings.timeout, context=tls_context())
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.tls == "starttls":
            smtp.ehlo()
            smtp.starttls(context=tls_context())
            smtp.ehlo()
    if settings.user:
        smtp.login(settings.user, settings.password or "")
    return smtp


def send_message(msg: EmailMessage, settings: SmtpSettings) -> None:
    """Send one message; SMTP and TLS errors propagate as they are (they say what failed)."""
    smtp = connect(settings)
    try:
        smtp.send_message(msg)
    finally:
        try:
            smtp.quit()
        except smtplib.SMTPServerDisconnected:
            # The server hung up after accepting the message: nothing left to close.
            smtp.close()


def is_address(addr: str) -> bool:
    """``local@domain``, with nothing a header could be split or folded on."""
    local, at, domain = addr.rpartition("@")
    return bool(at and local and domain) and not any(c in addr for c in " <>,;\r\n\t")


def parse_addresses(addresses: Sequence[str]) -> list[str]:
    """Split ``a@x, b@y`` lists, drop blanks, refuse anything that is not ``local@domain``."""
    out: list[str] = []
    for chunk in addresses:
        for part in chunk.split(","):
            addr = part.strip()
            if not addr:
                continue
            if not is_address(addr):
                raise EmailError(f"{addr!r} is not an e-mail address")
            out.append(addr)
    if not out:
        raise EmailError("give at least one address to send the pack to")
    return out
