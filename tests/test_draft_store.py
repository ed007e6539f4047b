"""The draft store: a form's text outside the log, written whole or not at all."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sop_tui.cycle.drafts import Draft, DraftStore


def _draft(key: str = "AssumptionForm-abc", text: str = "Steel holds",
           at: datetime = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)) -> Draft:
    return Draft(key, "Assumption", "cycle 2026-12 · Demand review", {"text": text}, at)


def test_a_draft_is_read_back_as_written(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    assert store.kept() == [] and not (tmp_path / "drafts").exists()
    store.save(_draft())
    assert store.load("AssumptionForm-abc") == _draft()
    store.save(_draft(text="Steel holds through Q1"))  # replaced, not added
    assert [d.values["text"] for d in store.kept()] == ["Steel holds through Q1"]
    assert [p.name for p in (tmp_path / "drafts").iterdir()] == ["AssumptionForm-abc.json"]


def test_removed_on_save_or_cancel_and_no_error_when_none(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save(_draft())
    store.remove("AssumptionForm-abc")
    store.remove("AssumptionForm-abc")
    assert store.load("AssumptionForm-abc") is None and store.kept() == []


def test_a_write_killed_half_way_leaves_the_previous_draft_whole(tmp_path: Path) -> None:
    """A process killed while writing leaves its temp file: never read, never offered."""
    store = DraftStore(tmp_path)
    store.save(_draft())
    (tmp_path / ".AssumptionForm-abc.json.999.tmp").write_text('{"schema": 1, "key": "Ass')
    assert [d.values for d in store.kept()] == [{"text": "Steel holds"}]


def test_a_broken_or_foreign_file_is_not_offered(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    (tmp_path / "a.json").write_text("{not json")
    (tmp_path / "b.json").write_text(json.dumps({"schema": 99, "values": {}}))
    (tmp_path / "c.json").write_text(json.dumps({**_draft().to_json(), "values": {"x": 1}}))
    assert store.kept() == []


def test_the_oldest_draft_comes_first_and_a_key_is_a_plain_file_name(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save(_draft("b", at=datetime(2026, 12, 5, 10, 0, tzinfo=UTC)))
    store.save(_draft("a/../../x", at=datetime(2026, 12, 5, 9, 0, tzinfo=UTC)))
    assert [d.key for d in store.kept()] == ["a/../../x", "b"]
    assert sorted(p.parent for p in tmp_path.rglob("*.json")) == [tmp_path, tmp_path]
