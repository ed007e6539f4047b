"""Canonical JSON and the hash chain: property tests of the laws they must keep."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from sop_tui.events.canonical import canonical_json, chain_hash, envelope_hash
from sop_tui.events.log import EventLog

json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6))
def test_canonical_json_ignores_key_order(d: dict) -> None:
    reordered = dict(reversed(list(d.items())))
    assert canonical_json(d) == canonical_json(reordered)


@given(st.text(max_size=30))
def test_canonical_json_ignores_unicode_normal_form(s: str) -> None:
    nfd = unicodedata.normalize("NFD", s)
    assert canonical_json({s: s}) == canonical_json({nfd: nfd})


def test_canonical_json_is_compact_and_sorted() -> None:
    assert canonical_json({"b": 1, "a": [1, "é"]}) == '{"a":[1,"é"],"b":1}'
    assert canonical_json({"x": "e\u0301"}) == canonical_json({"x": "\u00e9"})


@given(st.text(min_size=1, max_size=10), st.text(min_size=1, max_size=10))
def test_chain_hash_depends_on_prev_and_content(a: str, b: str) -> None:
    env = {"seq": 1, "payload": {"text": a}}
    h = chain_hash("0" * 64, env)
    assert h == chain_hash("0" * 64, dict(reversed(list(env.items()))))
    assert h != chain_hash("1" * 64, env)
    if unicodedata.normalize("NFC", a) != unicodedata.normalize("NFC", b):
        assert h != chain_hash("0" * 64, {"seq": 1, "payload": {"text": b}})



@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6),
       st.dictionaries(st.text(max_size=10), json_scalars, max_size=8))
def test_envelope_hash_is_chain_hash(payload: dict, fields: dict) -> None:
    """The append's shortcut (the payload encoded once and spliced) gives the very hash that
    verify recomputes from the whole envelope, whatever the other fields' names sort to."""
    fields.pop("payload", None)
    envelope = {**fields, "payload": payload}
    assert envelope_hash("a" * 64, fields, canonical_json(payload)) == chain_hash("a" * 64,
                                                                                 envelope)

printable = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zs", "Zl", "Zp")),
                   min_size=1, max_size=40)


@settings(max_examples=25, deadline=None)
@given(st.lists(printable, min_size=1, max_size=12))
def test_any_sequence_of_appends_verifies(texts: list[str]) -> None:
    log = EventLog("sqlite://")
    for t in texts:
        log.append("AssumptionRecorded", {"text": t, "owner": "o"}, cycle="2026-12")
    report = log.verify()
    assert report.ok and report.count == len(texts)
    assert [e.payload["text"] for e in log.events()] == [
        unicodedata.normalize("NFC", t) for t in texts
    ]


def test_a_mapping_is_encoded_as_its_items_say() -> None:
    class Masked(dict):  # a dict that shows only some of what it stores
        def items(self):  # type: ignore[no-untyped-def, override]
            return [(k, v) for k, v in super().items() if not k.startswith("_")]

    assert canonical_json({"a": Masked(b=1, _secret=2)}) == '{"a":{"b":1}}'
