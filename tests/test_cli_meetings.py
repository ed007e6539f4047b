"""A bad meeting file is refused with its file and key named, from the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sop_tui.cli.app import build
from sop_tui.cycle.meetings import MeetingFileError, load_meetings
from sop_tui.settings import RESOURCES

cli = build()


@pytest.fixture
def meetings(tmp_path: Path) -> Path:
    d = tmp_path / "meetings"
    shutil.copytree(RESOURCES / "meetings", d)
    return d


def test_shipped_meetings_load() -> None:
    defs = load_meetings(RESOURCES / "meetings")
    assert list(defs) == ["portfolio", "demand", "supply", "pre_sop", "executive"]
    assert defs["executive"].limit_minutes == 90


@pytest.mark.parametrize(
    ("edit", "fragment"),
    [
        (("minutes = 10", "minutes = -3"), "agenda[1]: key 'minutes' must be positive"),
        (('panel = "demand"', 'panel = "crystal_ball"'), "key 'panel' must be one of"),
        (('exit_criteria = ["consensus_for_every_family"', 'exit_criteria = ["vibes"'),
         "exit_criteria[0] 'vibes'"),
        (("owner = ", "ownr = "), "unknown key(s) ownr"),
    ],
)
def test_bad_meeting_file_names_file_and_key(meetings: Path, edit: tuple[str, str],
                                             fragment: str) -> None:
    path = meetings / "demand.toml"
    text = path.read_text()
    assert edit[0] in text
    path.write_text(text.replace(edit[0], edit[1], 1))
    with pytest.raises(MeetingFileError) as err:
        load_meetings(meetings)
    assert "demand.toml" in str(err.value) and fragment in str(err.value)


def test_cli_refuses_to_close_with_a_bad_meeting_file(meetings: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    (meetings / "supply.toml").write_text("id = 'supply'\n")
    monkeypatch.setenv("SOP_MEETINGS", str(meetings))
    store = tmp_path / "store"
    opened = CliRunner().invoke(cli, ["--store", str(store), "cycle", "open", "2026-12"])
    assert opened.exit_code == 0
    r = CliRunner().invoke(cli, ["--store", str(store), "meeting", "close", "supply"])
    assert r.exit_code == 2 and "supply.toml" in r.output and "missing" in r.output


def test_editing_a_file_changes_the_agenda(meetings: Path) -> None:
    path = meetings / "supply.toml"
    path.write_text(path.read_text() + '\n[[agenda]]\ntitle = "Supplier risks"\nminutes = 5\n'
                    'panel = "supply"\nprompts = ["Which supplier could stop us?"]\n')
    defs = load_meetings(meetings)
    assert defs["supply"].agenda[-1].title == "Supplier risks"
