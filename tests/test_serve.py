"""``sop review --serve``: the read-only history in a browser, loopback or behind a token.

The server runs as users run it (``sop review --serve`` in a subprocess). The end-to-end test
drives Debian's Chromium with Playwright and reads what the browser shows by feeding the
terminal stream the page receives into a terminal emulator (pyte): the page itself draws on a
canvas, which has no text to query.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sop_tui.tui.serve import ServeRefused, TokenServer, is_loopback

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _sop(store: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sop_tui", "--store", str(store), *args],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    s = tmp_path / "store"
    for args in (
        ("cycle", "open", "2026-12"),
        ("record", "assumption", "--text", "Dealer stock normal by March", "--owner", "Ana"),
        ("record", "assumption", "--text", "Steel price rises 4% in Q1", "--owner", "Bo"),
        ("record", "decision", "--question", "Launch the BRG-20 line?", "--option", "launch",
         "--option", "delay", "--chosen", "delay", "--rationale", "Press capacity is short",
         "--decided-by", "GM", "--owner", "Cy", "--due", "2027-01-15"),
    ):
        done = _sop(s, *args)
        assert done.returncode == 0, done.stderr
    return s


class Served:
    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc, self.port = proc, port
        self.url = f"http://127.0.0.1:{port}"

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
        req = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, dict(resp.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers)


def _serve(store: Path, *extra: str) -> Iterator[Served]:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "sop_tui", "--store", str(store), "review", "--serve",
         "--port", str(port), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    deadline = time.monotonic() + 60
    while True:  # until the port answers (or the server dies)
        assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "the server did not start listening"
            time.sleep(0.05)  # polling the port, not waiting for time to pass
    try:
        yield Served(proc, port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture
def served(store: Path) -> Iterator[Served]:
    yield from _serve(store)


@pytest.fixture
def served_with_token(store: Path) -> Iterator[Served]:
    yield from _serve(store, "--token", "s3cret")


def test_loopback_is_recognised() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert not is_loopback("example.org")


def test_a_public_address_without_a_token_is_refused() -> None:
    with pytest.raises(ServeRefused, match="--token"):
        TokenServer("true", host="0.0.0.0", port=1)
    TokenServer("true", host="0.0.0.0", port=1, token="x")  # with one, it starts


def test_serve_refuses_public_address_without_token_exit_2(store: Path) -> None:
    done = _sop(store, "review", "--serve", "--host", "0.0.0.0", "--port", str(_free_port()))
    assert done.returncode == 2
    assert "--token" in done.stderr and "Traceback" not in done.stderr


def test_serve_options_need_serve(store: Path) -> None:
    done = _sop(store, "review", "--port", "9000")
    assert done.returncode == 2 and "--port needs --serve" in done.stderr


def test_serve_on_a_missing_store_says_so(tmp_path: Path) -> None:
    done = _sop(tmp_path / "nothing", "review", "--serve", "--port", str(_free_port()))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert not (tmp_path / "nothing" / "sop.db").exists()


@pytest.mark.slow
def test_loopback_serves_without_a_token(served: Served) -> None:
    status, _ = served.get("/")
    assert status == 200


@pytest.mark.slow
def test_token_is_required_for_the_page_the_session_and_downloads(
        served_with_token: Served) -> None:
    s = served_with_token
    assert s.get("/")[0] == 403
    assert s.get("/?token=wrong")[0] == 403
    assert s.get("/ws")[0] == 403
    assert s.get("/download/x")[0] == 403
    status, headers = s.get("/?token=s3cret")
    assert status == 200
    cookie = headers.get("Set-Cookie", "")
    assert "sop_token=s3cret" in cookie and "HttpOnly" in cookie
    # the cookie alone is enough afterwards (the page's websocket carries no query token)
    assert s.get("/download/x", {"Cookie": "sop_token=s3cret"})[0] == 404  # allowed, no such file


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no chromium here (apt-get install chromium)")
def test_browser_shows_the_history_and_filters_it(served: Served, tmp_path: Path) -> None:
    pyte = pytest.importorskip("pyte")
    sync_api = pytest.importorskip("playwright.sync_api")
    # The page sizes the terminal to its window and says so in the session's address
    # (/ws?width=..&height=..): the emulator takes the same size.
    term: dict[str, object] = {}

    def on_websocket(ws: object) -> None:
        query = parse_qs(urlsplit(ws.url).query)  # type: ignore[attr-defined]
        screen = pyte.Screen(int(query["width"][0]), int(query["height"][0]))
        term["screen"], term["stream"] = screen, pyte.ByteStream(screen)
        ws.on("framereceived", on_frame)  # type: ignore[attr-defined]

    def on_frame(payload: bytes | str) -> None:
        if isinstance(payload, bytes):  # the app's output; text frames are the server's
            term["stream"].feed(payload)  # type: ignore[attr-defined]

    def shown() -> str:
        screen = term.get("screen")
        return "\n".join(screen.display) if screen is not None else ""  # type: ignore[attr-defined]

    def wait_for(predicate: object, what: str, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():  # type: ignore[operator]
            assert time.monotonic() < deadline, f"the browser never showed {what}:\n{shown()}"
            # not a sleep: Playwright delivers the frames it has received while it waits
            page.wait_for_timeout(100)

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 900})
            page.on("websocket", on_websocket)
            page.goto(served.url + "/?fontsize=12")
            wait_for(lambda: "sop" in shown() and "READ-ONLY" in shown(), "the read-only app")
            wait_for(lambda: "Actions:" in shown(), "the dashboard's cards")
            page.locator("#terminal").click()  # keys go to the terminal once it has the focus
            page.wait_for_function(
                "document.activeElement?.classList.contains('xterm-helper-textarea')")
            page.keyboard.press("h")  # the history
            wait_for(lambda: "Launch the BRG-20 line?" in shown(), "the history's rows")
            assert "Steel price rises" in shown()
            page.keyboard.press("/")
            page.keyboard.type("steel")
            wait_for(lambda: "Launch the BRG-20 line?" not in shown(), "the filtered rows")
            assert "Steel price rises 4% in Q1" in shown()
            assert "Dealer stock" not in shown()
            page.screenshot(path=str(tmp_path / "history-in-browser.png"))
            assert (tmp_path / "history-in-browser.png").stat().st_size > 10_000
        finally:
            browser.close()
