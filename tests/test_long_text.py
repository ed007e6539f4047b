"""Issue 16: long texts — a length limit naming the field, --text-file / stdin for texts too
long for one shell argument, and `sop log` shortening what it cannot show in a table."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.events.log import EventLog

cli = build()


def run(store: Path, *args: str, input: str | None = None,
        env: dict[str, str] | None = None) -> tuple[int, str]:
    r = CliRunner().invoke(cli, ["--store", str(store), "--actor", "lead", *args], input=input,
                           env=env)
    return r.exit_code, r.output


def _opened(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    assert run(store, "cycle", "open", "2026-12")[0] == 0
    return store


def _texts(store: Path) -> list[str]:
    log = EventLog(f"sqlite:///{store / 'sop.db'}", read_only=True)
    return [e.payload["text"] for e in log.events(types=["AssumptionRecorded"])]


def test_a_text_over_the_limit_is_refused_naming_the_field(tmp_path: Path) -> None:
    store = _opened(tmp_path)
    code, out = run(store, "record", "assumption", "--text", "x" * 20_001, "--owner", "o")
    assert code == 2 and "text: is 20,001 characters long" in out
    assert "SOP_MAX_TEXT_CHARS" in out and "nothing was written" in out
    code, out = run(store, "record", "decision", "--question", "q", "--option", "a",
                    "--option", "b", "--chosen", "a", "--decided-by", "GM", "--owner", "GM",
                    "--due", "2027-01-31", "--rationale", "r" * 20_001)
    assert code == 2 and "rationale: is 20,001 characters long" in out
    assert _texts(store) == []


def test_text_file_and_stdin_carry_long_text(tmp_path: Path) -> None:
    store = _opened(tmp_path)
    long = "Two OEM programs ramp from March. " * 4000  # 136,000 characters
    path = tmp_path / "a.txt"
    path.write_text(long, encoding="utf-8")
    env = {"SOP_MAX_TEXT_CHARS": "200000"}
    code, out = run(store, "record", "assumption", "--text-file", str(path), "--owner", "o",
                    env=env)
    assert code == 0, out
    code, out = run(store, "record", "assumption", "--text-file", "-", "--owner", "o",
                    input="from stdin\n", env=env)
    assert code == 0, out
    assert _texts(store) == [long.strip(), "from stdin"]


def test_text_file_refusals_name_the_option(tmp_path: Path) -> None:
    store = _opened(tmp_path)
    code, out = run(store, "record", "assumption", "--owner", "o")
    assert code == 2 and "--text" in out
    code, out = run(store, "record", "assumption", "--text", "a", "--text-file", "-",
                    "--owner", "o", input="b")
    assert code == 2 and "not both" in out
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("caf\xe9".encode("latin-1"))
    code, out = run(store, "record", "assumption", "--text-file", str(bad), "--owner", "o")
    assert code == 2 and "latin1.txt: not UTF-8 text (byte 0xe9 at offset 3)" in out
    big = tmp_path / "big.txt"
    big.write_text("y" * 30_000, encoding="utf-8")
    code, out = run(store, "record", "action", "--text-file", str(big), "--owner", "o",
                    "--due", "2027-01-31")
    assert code == 2 and "over the limit of 20,000 characters" in out
    assert _texts(store) == []


def test_sop_log_shortens_a_megabyte_text_and_json_keeps_it(tmp_path: Path) -> None:
    store = _opened(tmp_path)
    text = "z" * 1_000_000
    path = tmp_path / "mb.txt"
    path.write_text(text, encoding="utf-8")
    code, out = run(store, "record", "assumption", "--text-file", str(path), "--owner", "o",
                    env={"SOP_MAX_TEXT_CHARS": "2000000"})
    assert code == 0, out
    code, out = run(store, "log")
    assert code == 0 and out.count("z") < 200 and len(out) < 10_000
    assert "1 long text(s) shortened" in out
    code, out = run(store, "log", "--json", "--type", "AssumptionRecorded")
    assert json.loads(out)["payload"]["text"] == text
