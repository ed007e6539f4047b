"""Parsed stylesheets kept between launches: the next launch parses nothing and styles the same;
a file from another theme, a torn file or an unwritable folder change nothing but speed."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.css.stylesheet import Stylesheet

from sop_tui.cycle.workspace import Workspace
from sop_tui.settings import Settings
from sop_tui.tui.csscache import CachedStylesheet

SIZE = (80, 24)

pytestmark = pytest.mark.usefixtures("no_numbers")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every source Textual itself parses (what the cache did not answer)."""
    seen: list[str] = []
    parse = Stylesheet._parse_rules

    def counting(self, css, read_from, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(str(read_from))
        return parse(self, css, read_from, *args, **kwargs)

    monkeypatch.setattr(Stylesheet, "_parse_rules", counting)
    return seen


async def _launch(make, ws: Workspace) -> tuple[list[str], object]:  # type: ignore[no-untyped-def]
    """Run the app to its first frame; the screen's styles as text, and the rules parsed."""
    app = make(ws)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        styles = [(type(w).__name__, w.id,
                   sorted((rule, repr(value)) for rule, value in w.styles.base.get_rules().items()))
                  for w in app.screen.walk_children(with_self=True)]
        return styles, app


async def test_the_next_launch_parses_nothing_and_styles_the_same(
        empty_ws: Workspace, make, settings: Settings, parses: list[str]) -> None:
    first, app = await _launch(make, empty_ws)
    assert isinstance(app.stylesheet, CachedStylesheet)  # type: ignore[attr-defined]
    assert parses  # the first launch parsed everything itself...
    assert list(settings.cache_dir.glob("textual/css/*.pkl"))  # ...and kept it once painted
    parses.clear()
    second, _ = await _launch(make, empty_ws)
    assert parses == []
    assert second == first


async def test_another_theme_or_a_torn_file_is_parsed_as_usual(
        empty_ws: Workspace, make, settings: Settings, parses: list[str]) -> None:
    await _launch(make, empty_ws)
    (kept,) = settings.cache_dir.glob("textual/css/*.pkl")
    parses.clear()
    sheet = CachedStylesheet(variables={"primary": "#ff0000"}, cache_dir=settings.cache_dir)
    assert sheet._kept == {}  # the file is for other variables
    kept.write_bytes(kept.read_bytes()[:100])  # torn
    styles, _ = await _launch(make, empty_ws)
    assert parses and styles  # parsed, and the app came up
    assert kept.stat().st_size > 100  # and the file was written whole again


async def test_an_unwritable_cache_folder_is_left_alone(empty_ws: Workspace, make,
                                                        settings: Settings,
                                                        tmp_path: Path) -> None:
    settings.cache_dir.parent.mkdir(parents=True, exist_ok=True)
    settings.cache_dir.write_text("not a folder")  # nothing can be written under it
    styles, _ = await _launch(make, empty_ws)
    assert styles
    assert settings.cache_dir.read_text() == "not a folder"


def test_a_source_whose_text_changed_replaces_its_entry(tmp_path: Path) -> None:
    sheet = CachedStylesheet(variables={}, cache_dir=tmp_path)
    sheet.add_source("Label { color: red; }", read_from=("x.tcss", ""))
    assert sheet.rules
    sheet.add_source("Label { color: blue; }", read_from=("x.tcss", ""))
    assert sheet.rules
    kept = [k for k in sheet._kept if k[1] == ("x.tcss", "")]
    assert [k[0] for k in kept] == ["Label { color: blue; }"]


@pytest.mark.usefixtures("stub_panels")
async def test_what_a_meeting_parsed_is_kept_at_a_quiet_moment(
        demo_ws: Workspace, make, parses: list[str]) -> None:
    async def meeting_launch() -> object:  # type: ignore[no-untyped-def]
        app = make(demo_ws)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            app.open_meeting("demand", reason="test: straight to this meeting")
            await pilot.pause()
            await pilot.pause()
            app.collections.last_input -= 5  # nobody pressed a key for a while
            app._poll_collections()
        return app

    await meeting_launch()
    assert any("meeting.py" in p or "agenda.py" in p for p in parses)
    parses.clear()
    await meeting_launch()
    assert parses == []
