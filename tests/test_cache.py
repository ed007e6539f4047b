"""The one on-disk cache: keys from inputs, misses on anything unreadable, never an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_tui import cache as cache_mod
from sop_tui.cache import DiskCache, cache_key


def test_key_follows_inputs_and_schema_not_their_order() -> None:
    a = cache_key("planning/metrics", {"actuals": "ab", "items": "cd"})
    assert a == cache_key("planning/metrics", {"items": "cd", "actuals": "ab"})
    assert a != cache_key("planning/metrics", {"items": "cd", "actuals": "ef"})
    assert a != cache_key("planning/metrics", {"items": "cd", "actuals": "ab"}, schema=2)
    assert a != cache_key("planning/fva", {"items": "cd", "actuals": "ab"})


def test_put_get_and_compute_once(tmp_path: Path) -> None:
    c = DiskCache(tmp_path)
    calls: list[int] = []

    def compute() -> dict[str, int]:
        calls.append(1)
        return {"x": 1}

    assert c.get_or_compute("ns", "k", compute) == {"x": 1}
    assert c.get_or_compute("ns", "k", compute) == {"x": 1}
    assert len(calls) == 1
    assert DiskCache(tmp_path).get("ns", "k") == (True, {"x": 1})  # another process, same disk
    assert c.get("ns", "other") == (False, None)


def test_a_torn_entry_is_a_miss(tmp_path: Path) -> None:
    c = DiskCache(tmp_path)
    c.put("ns", "k", [1, 2, 3])
    (tmp_path / "ns" / "k.pkl").write_bytes(b"\x80\x05garbage")
    assert c.get("ns", "k") == (False, None)


def test_read_only_and_absent_caches_write_nothing(tmp_path: Path) -> None:
    DiskCache(tmp_path / "ro", writable=False).put("ns", "k", 1)
    assert not (tmp_path / "ro").exists()
    none = DiskCache(None)
    none.put("ns", "k", 1)
    assert none.get("ns", "k") == (False, None)


def test_unwritable_folder_is_only_slower(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    DiskCache(blocker).put("ns", "k", 1)  # logs, never raises
    assert DiskCache(blocker).get("ns", "k") == (False, None)


def test_namespaces_are_pruned_to_their_newest_entries(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_mod, "MAX_ENTRIES", 3)
    c = DiskCache(tmp_path)
    for i in range(5):
        c.put("ns", f"k{i}", i)
    assert len(list((tmp_path / "ns").glob("*.pkl"))) == 3
    assert c.get("ns", "k4") == (True, 4)
