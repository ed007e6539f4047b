"""Canonical JSON and the hash chain's arithmetic.

Canonical JSON is what gets hashed: keys sorted, no insignificant whitespace, strings (keys and
values) in Unicode NFC, no NaN or infinity. Two payloads that mean the same thing — the same keys
in another order, an ``é`` typed as one code point or as ``e`` plus a combining accent — give the
same bytes and so the same hash.
"""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from collections.abc import Mapping
from typing import Any

GENESIS_HASH = "0" * 64


def normalise(value: Any) -> Any:
    """Return ``value`` as plain JSON data with every string in NFC.

    Raises:
        ValueError: for NaN/infinite floats or values JSON cannot carry.
    """
    # Exact-type checks first, and strings normalised in place rather than by a call per value:
    # this runs on every payload and envelope an append hashes (half its Python time before).
    kind = type(value)
    if kind is str:
        return _nfc("NFC", value)
    if kind is dict:
        out: dict[str, Any] = {}
        for k, v in value.items():
            if type(k) is not str:
                if not isinstance(k, str):
                    raise ValueError(f"key {k!r} is not text")
            out[_nfc("NFC", k)] = _nfc("NFC", v) if type(v) is str else normalise(v)
        return out
    if kind is list or kind is tuple:
        return [_nfc("NFC", v) if type(v) is str else normalise(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} cannot be stored: numbers must be finite")
        return value
    if isinstance(value, str):
        return _nfc("NFC", value)
    if isinstance(value, Mapping):
        return normalise(dict(value.items()))  # items(): what a subclass says it holds
    if isinstance(value, list | tuple):
        return normalise(list(value))
    raise ValueError(f"{type(value).__name__} value {value!r} cannot be stored as JSON")


_nfc = unicodedata.normalize


def canonical_json(value: Any) -> str:
    """The canonical JSON text of ``value`` (sorted keys, compact, NFC, finite numbers)."""
    return json.dumps(
        normalise(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def chain_hash(prev_hash: str, envelope: Mapping[str, Any]) -> str:
    """``sha256(prev_hash + canonical envelope)`` as lower-case hex.

    The envelope is every field of an event except ``hash`` itself (``prev_hash`` included).
    """
    text = prev_hash + canonical_json(envelope)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def envelope_hash(prev_hash: str, envelope: Mapping[str, Any], payload_json: str) -> str:
    """:func:`chain_hash` of ``envelope`` with ``payload_json`` (the payload's canonical JSON)
    as its ``"payload"`` field — the same hex, without normalising and encoding the payload a
    second time (an append encodes it once for storage and reuses the text here).

    For an envelope as the log builds it: fixed keys, and every value but the payload a
    string, a number or None. (A nested value, or a key with a quote in it, could hold the
    slot's text; property-tested against :func:`chain_hash` in tests/test_hash_chain.py.)
    """
    fields = {k: v for k, v in envelope.items() if k != "payload"}
    fields["payload"] = "\0"  # encoded as "\u0000"
    text = canonical_json(fields)
    # With scalar values, only the key itself can appear as '"payload":"': a quote inside a
    # value is escaped, so the first match is the slot (keys are sorted; none is nested).
    text = text.replace(_SLOT, '"payload":' + payload_json, 1)
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


_SLOT = '"payload":"\\u0000"'
