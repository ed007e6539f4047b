"""Benchmark: the decision history in a browser, from ``sop review --serve``.

Each round opens a new browser page (a new session: textual-serve starts one ``sop review``
process per browser) on the served address and times, from ``page.goto``:

- **first paint**: the app's first frame in the page (the read-only banner is on screen);
- **dashboard**: its cards are filled (``Actions:`` shown);
- **history**: ``h`` pressed as soon as the dashboard shows, to the history's rows on screen.

Beside it, the same page on a bare Textual app served the same way (a header, a footer and one
line of text), in the same run, rounds interleaved: the difference is what ``sop`` adds to the
browser's own cost (Chromium, xterm.js, the websocket, a Python start).

The terminal stream the page receives is fed into a terminal emulator (pyte) to see what is on
screen, as tests/test_serve.py does: the page draws on a canvas.

Run: ``.venv/bin/python benchmarks/bench_serve.py [--rounds 5]`` (needs chromium:
``apt-get install chromium``). It builds a demo store in a temporary folder first.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pyte
from playwright.sync_api import Page, WebSocket, sync_playwright

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync"]

BARE_APP = textwrap.dedent("""
    from textual.app import App
    from textual.widgets import Footer, Header, Static

    class Bare(App[None]):
        def compose(self):
            yield Header()
            yield Static("READ-ONLY bare app")
            yield Footer()

    Bare().run()
""")

BARE_SERVER = textwrap.dedent("""
    import sys
    from textual_serve.server import Server

    Server(f"{sys.executable} {sys.argv[1]}", host="127.0.0.1", port=int(sys.argv[2])).serve()
""")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def listening(cmd: list[str], port: int) -> Iterator[str]:
    """Run a server command until the block ends; yield its address once the port answers."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "NO_COLOR": "1"})
    deadline = time.monotonic() + 60
    try:
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"the server exited: {' '.join(cmd)}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start listening") from None
                time.sleep(0.05)  # polling the port
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


class Terminal:
    """What the page shows: the app's output fed into a terminal emulator."""

    def __init__(self) -> None:
        self.screen: pyte.Screen | None = None
        self.stream: pyte.ByteStream | None = None

    def attach(self, ws: WebSocket) -> None:
        query = parse_qs(urlsplit(ws.url).query)
        self.screen = pyte.Screen(int(query["width"][0]), int(query["height"][0]))
        self.stream = pyte.ByteStream(self.screen)
        ws.on("framereceived", self.feed)

    def feed(self, payload: bytes | str) -> None:
        if isinstance(payload, bytes) and self.stream is not None:
            self.stream.feed(payload)

    def text(self) -> str:
        return "\n".join(self.screen.display) if self.screen is not None else ""


def wait_for(page: Page, term: Terminal, shows: Callable[[str], bool], what: str) -> float:
    deadline = time.monotonic() + 120
    while not shows(term.text()):
        if time.monotonic() > deadline:
            raise SystemExit(f"the page never showed {what}:\n{term.text()}")
        page.wait_for_timeout(5)  # lets Playwright deliver the frames it has received
    return time.perf_counter()


def one_round(page: Page, url: str, *, sop: bool) -> dict[str, float]:
    term = Terminal()
    page.on("websocket", term.attach)
    t0 = time.perf_counter()
    page.goto(url + "/?fontsize=12")
    out = {"first paint": wait_for(page, term, lambda s: "READ-ONLY" in s, "a first frame") - t0}
    if sop:
        out["dashboard"] = wait_for(page, term, lambda s: "Actions:" in s, "the cards") - t0
        page.locator("#terminal").click()
        page.wait_for_function(
            "document.activeElement?.classList.contains('xterm-helper-textarea')")
        pressed = time.perf_counter()
        page.keyboard.press("h")
        shown = wait_for(page, term, lambda s: re.search(r"History — \d", s) is not None,
                         "the history's rows")
        out["h → history"] = shown - pressed
        out["history"] = shown - t0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if CHROMIUM is None:
        raise SystemExit("no chromium here: apt-get install chromium")
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        subprocess.run([sys.executable, "-m", "sop_tui", "--store", str(store), "demo",
                        "--no-tui"], check=True, capture_output=True)
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        bare_server = Path(tmp) / "bare_server.py"
        bare_server.write_text(BARE_SERVER)
        sop_port, bare_port = free_port(), free_port()
        sop_cmd = [sys.executable, "-m", "sop_tui", "--store", str(store), "review", "--serve",
                   "--port", str(sop_port)]
        bare_cmd = [sys.executable, str(bare_server), str(bare), str(bare_port)]
        results: dict[str, list[float]] = {}
        with listening(sop_cmd, sop_port) as sop_url, listening(bare_cmd, bare_port) as bare_url, \
                sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=BROWSER_ARGS)
            try:
                for n in range(args.rounds + 1):  # the first round of each warms the disk cache
                    for name, url, is_sop in (("sop", sop_url, True), ("bare", bare_url, False)):
                        page = browser.new_page(viewport={"width": 1500, "height": 900})
                        got = one_round(page, url, sop=is_sop)
                        page.close()
                        if n:
                            for k, v in got.items():
                                results.setdefault(f"{name}: {k}", []).append(v)
            finally:
                browser.close()
    load = os.getloadavg()[0]
    print(f"{args.rounds} rounds, load average {load:.2f}; seconds from page.goto")
    for k, vs in results.items():
        print(f"  {k:<22} median {statistics.median(vs):.2f}  "
              f"(min {min(vs):.2f}, max {max(vs):.2f})")


if __name__ == "__main__":
    main()
