"""Choosing the store: --db / SOP_DB wins, then --store / SOP_STORE, then ./store/."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.settings import Settings

cli = build()


def test_precedence(tmp_path: Path) -> None:
    env = {"SOP_STORE": str(tmp_path / "env-store"), "SOP_ACTOR": "dana"}
    s = Settings.from_env(env)
    assert s.url == f"sqlite:///{(tmp_path / 'env-store' / 'sop.db').resolve()}"
    assert s.actor == "dana"
    s = Settings.from_env(env, store=tmp_path / "opt")
    assert s.url.endswith("opt/sop.db")
    s = Settings.from_env({**env, "SOP_DB": "sqlite:///x.db"}, store=tmp_path / "opt")
    assert s.url == "sqlite:///x.db"
    assert Settings.from_env({}).url.endswith("store/sop.db")


def test_cli_uses_sop_store_and_db(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SOP_STORE", str(tmp_path / "a"))
    r = CliRunner().invoke(cli, ["cycle", "open", "2026-12"])
    assert r.exit_code == 0 and (tmp_path / "a" / "sop.db").exists()
    url = f"sqlite:///{tmp_path / 'b.db'}"
    r = CliRunner().invoke(cli, ["--db", url, "cycle", "open", "2027-01"])
    assert r.exit_code == 0 and (tmp_path / "b.db").exists()


def test_sop_executor_names_where_the_app_forecasts() -> None:
    assert Settings.from_env({}).executor is None  # the local process pool
    assert Settings.from_env({"SOP_EXECUTOR": "tcp://sched:8786"}).executor == "tcp://sched:8786"
    assert Settings.from_env({"SOP_EXECUTOR": ""}).executor is None
