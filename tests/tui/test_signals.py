"""Signals lose no draft and leave no broken terminal (issue 16): ``sop`` runs in a
pseudo-terminal as a user's would, a form holds typed text, and the process is sent SIGTERM,
SIGHUP or SIGKILL.

SIGTERM / SIGHUP used to exit 143/129 with the terminal left in the alternate screen, the mouse
captured and the cursor hidden, and the typed text gone; kill -9 lost the whole form.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sop_tui.cycle.drafts import Draft, DraftStore

pytestmark = pytest.mark.slow

SOP = Path(sys.executable).with_name("sop")
DEADLINE = 60.0  # the first start imports Textual and pandas on a busy machine
CSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>]")

LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"
SHOW_CURSOR = b"\x1b[?25h"
MOUSE_OFF = b"\x1b[?1000l"


class Terminal:
    """``sop`` on a 120×40 pseudo-terminal: keys in, everything it wrote kept."""

    def __init__(self, store: Path) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
        self.proc = subprocess.Popen([str(SOP), "--store", str(store)], stdin=slave,
                                     stdout=slave, stderr=slave, env=env,
                                     start_new_session=True)
        os.close(slave)
        self.master = master
        self.output = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # EIO: the child's side closed
                return
            if not chunk:
                return
            self.output += chunk

    def text(self) -> str:
        """What was written, escape sequences left out."""
        return CSI.sub(b"", bytes(self.output)).decode("utf-8", "replace")

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait_exit(self) -> int:
        code = self.proc.wait(timeout=DEADLINE)
        self._reader.join(timeout=DEADLINE)
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.wait_exit()


def until(ready: Callable[[], bool], what: str, term: Terminal) -> None:
    """Poll ``ready()`` until it holds (a deadline, not a sleep)."""
    end = time.monotonic() + DEADLINE
    while not ready():
        if time.monotonic() > end or term.proc.poll() is not None:
            pytest.fail(f"{what}: not within {DEADLINE} s; the screen said:\n"
                        f"{term.text()[-2000:]}")
        time.sleep(0.05)


@pytest.fixture
def store(demo_db: Path, tmp_path: Path) -> Path:
    root = tmp_path / "store"
    root.mkdir()
    shutil.copyfile(demo_db, root / "sop.db")
    return root


def _kept(store: Path) -> list[Draft]:
    return DraftStore(store / "drafts").kept()


def _typed_in_a_form(store: Path, text: str) -> Terminal:
    """Start ``sop``, open the first meeting, press ``a`` and type ``text`` and months; return
    once the draft holds all of it."""
    term = Terminal(store)
    until(lambda: "Meetings" in term.text(), "the dashboard", term)
    term.type("\r")  # the first meeting (portfolio), in order
    until(lambda: "Agenda" in term.text(), "the meeting screen", term)
    term.type("a")
    until(lambda: "Ctrl+S save" in term.text(), "the assumption form", term)
    term.type(text + "\t\t\t2027-01..2027-03")
    until(lambda: [(d.values["text"], d.values["months"]) for d in _kept(store)]
          == [(text, "2027-01..2027-03")], "the draft of what was typed", term)
    return term


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_a_signal_restores_the_terminal_and_keeps_the_draft(
        store: Path, sig: signal.Signals, code: int) -> None:
    term = _typed_in_a_form(store, "Steel prices hold")
    term.type("\t1200")  # typed just before the signal: written by the signal's handler
    until(lambda: "1200" in term.text(), "the units echoed", term)
    os.kill(term.proc.pid, sig)
    try:
        assert term.wait_exit() == code
    finally:
        term.kill()
    after = bytes(term.output).rsplit(b"1200", 1)[-1]  # what it wrote once the units showed
    for restore in (LEAVE_ALTERNATE_SCREEN, SHOW_CURSOR, MOUSE_OFF):
        assert restore in after, f"{restore!r} not written on {sig.name}"
    [draft] = _kept(store)
    assert draft.title == "Assumption" and "Product / portfolio review" in draft.where
    assert (draft.values["text"], draft.values["months"], draft.values["units"]) \
        == ("Steel prices hold", "2027-01..2027-03", "1200")


def test_after_kill_9_the_next_start_offers_the_draft(store: Path) -> None:
    term = _typed_in_a_form(store, "Distributors restock in Q1")
    os.kill(term.proc.pid, signal.SIGKILL)
    assert term.wait_exit() == -signal.SIGKILL
    assert [d.values["text"] for d in _kept(store)] == ["Distributors restock in Q1"]
    assert not list((store / "drafts").glob(".*.tmp"))

    again = Terminal(store)
    try:
        until(lambda: "kept as drafts" in again.text(), "the drafts offered", again)
        again.type("\r")
        until(lambda: "Agenda" in again.text(), "the meeting screen", again)
        again.type("a")
        until(lambda: "Draft restored" in again.text(), "the form opened with the draft", again)
        assert "Distributors restock in Q1" in again.text()
    finally:
        again.kill()
