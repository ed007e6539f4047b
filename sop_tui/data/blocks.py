"""Frames to immutable data blocks and back.

An import is stored as one gzip-compressed CSV block in the contract's own format (months as
``YYYY-MM``, dates as ``YYYY-MM-DD``), so the stored data is readable with any tool and
round-trips to exactly the frame the importer validated.
"""

from __future__ import annotations

import gzip
import hashlib
import io

import pandas as pd

from sop_tui.data.schema import KINDS


def to_block(frame: pd.DataFrame, kind: str) -> bytes:
    """Serialise a validated frame of ``kind`` (deterministically: same frame, same bytes)."""
    spec = KINDS[kind]
    out = pd.DataFrame(index=frame.index)
    for col in spec.columns:
        s = frame[col.name]
        if col.type == "month":
            out[col.name] = s.astype(str)
        elif col.type == "date":
            out[col.name] = pd.to_datetime(s).dt.strftime("%Y-%m-%d")
        elif col.type in ("number", "money"):
            out[col.name] = s.astype("float64").map(repr)
        else:
            out[col.name] = s.astype(str)
    text = out.to_csv(index=False, lineterminator="\n")
    return gzip.compress(text.encode("utf-8"), mtime=0)


def block_sha256(block: bytes) -> str:
    return hashlib.sha256(block).hexdigest()


def from_block(block: bytes, kind: str) -> pd.DataFrame:
    """Read a block back into a frame that follows the frame conventions of ``schema``."""
    spec = KINDS[kind]
    raw = pd.read_csv(
        io.BytesIO(gzip.decompress(block)),
        dtype=str,
        keep_default_na=False,
        na_filter=False,
    )
    return typed_frame(raw, kind) if len(spec.columns) else raw


def _periods(s: pd.Series) -> pd.arrays.PeriodArray:
    # A data set has few distinct months: parse each once, then take (parsing 300k strings
    # one by one costs seconds).
    codes, uniques = pd.factorize(s.astype(str))
    parsed = pd.PeriodIndex(list(uniques), freq="M")
    return parsed[codes].array


def typed_frame(raw: pd.DataFrame, kind: str) -> pd.DataFrame:
    """Give string columns the dtypes of the frame conventions."""
    spec = KINDS[kind]
    out = pd.DataFrame(index=raw.index)
    for col in spec.columns:
        s = raw[col.name] if col.name in raw else pd.Series("", index=raw.index)
        if col.type == "month":
            out[col.name] = _periods(s)
        elif col.type == "date":
            codes, uniques = pd.factorize(s.astype(str))
            out[col.name] = pd.to_datetime(pd.Index(uniques), format="%Y-%m-%d")[codes]
        elif col.type in ("number", "money"):
            out[col.name] = pd.to_numeric(s.replace("", "nan"), errors="raise").astype("float64")
        else:
            out[col.name] = s.astype(object).astype(str)
    return out.reset_index(drop=True)
