"""``sop review --serve``: the read-only history in a web browser, through textual-serve.

Each browser session runs its own ``sop review`` process (the same screen as in a terminal),
which opens the log read-only. The server binds to loopback by default; on any other address it
needs a token, which a browser presents once in the address (``?token=…``) and then carries in
an HTTP-only cookie: a page, a download or a session's websocket without it is refused (403).
"""

from __future__ import annotations

import hmac
import ipaddress
import shlex
import sys
from collections.abc import Sequence

from aiohttp import web
from textual_serve.server import Server

__all__ = ["COOKIE", "ServeRefused", "TokenServer", "is_loopback", "review_command"]

COOKIE = "sop_token"


class ServeRefused(ValueError):
    """The server cannot start as asked (a public address without a token, say)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def review_command(global_args: Sequence[str]) -> str:
    """The shell command a browser session runs: this Python's ``sop review`` on the same log."""
    return shlex.join([sys.executable, "-m", "sop_tui", *global_args, "review"])


class TokenServer(Server):
    """textual-serve's server, with every route but its static files behind a token.

    Args:
        command: the shell command each browser session runs.
        host: the address to bind; anything but loopback needs ``token``.
        port: the TCP port.
        token: the shared secret a browser must present (``None``: loopback only).
        public_url: the address browsers use, when it is not ``http://host:port``.
    """

    def __init__(self, command: str, *, host: str = "127.0.0.1", port: int = 8000,
                 token: str | None = None, public_url: str | None = None) -> None:
        if not is_loopback(host) and not token:
            raise ServeRefused(
                f"--host {host}: serving beyond this machine needs --token (a secret each "
                "browser gives once as ?token=...)"
            )
        super().__init__(command, host=host, port=port, title="sop · decision history",
                         public_url=public_url)
        self.token = token or None

    def allowed(self, request: web.Request) -> bool:
        """Whether ``request`` carries the token (in its address or its cookie)."""
        if self.token is None:
            return True
        given = request.query.get("token") or request.cookies.get(COOKIE) or ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    def _refuse(self) -> web.HTTPForbidden:
        return web.HTTPForbidden(text="sop: this history needs its token (?token=...)\n")

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if not self.allowed(request):
            raise self._refuse()
        response: web.StreamResponse = await super().handle_index(request)
        if self.token is not None:
            response.set_cookie(COOKIE, self.token, httponly=True, samesite="Strict")
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not self.allowed(request):
            raise self._refuse()
        return await super().handle_websocket(request)

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        if not self.allowed(request):
            raise self._refuse()
        return await super().handle_download(request)
