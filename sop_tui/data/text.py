"""Delimited text files to cells: the encoding, the delimiter, and the split into cells.

- :func:`decode` reads UTF-8 (with or without BOM), UTF-16 and UTF-32 (with their BOM, or
  without one when the NUL bytes give them away), and Windows-1252 as a fallback, with a note
  naming what was read; a file in none of them is refused naming the offending byte.
- :func:`sniff_delimiter`, :func:`trim_text`, :func:`split_fast` (pandas' C parser, for files
  without quotes) and :func:`split_slow` (the csv module) give the cells and each row's line.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd

from sop_tui.data.problems import FileProblem

DELIMITERS = (",", ";", "\t")

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # longest first: the UTF-32 LE mark starts with the UTF-16 LE one
    (b"\xff\xfe\x00\x00", "utf-32", "UTF-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "UTF-32"),
    (b"\xff\xfe", "utf-16", "UTF-16"),
    (b"\xfe\xff", "utf-16", "UTF-16"),
)


def _sniff_wide(data: bytes) -> tuple[str, str] | None:
    """The UTF-16/32 codec of a file without a byte-order mark, told by where its NULs sit.

    Text in those encodings has a NUL beside nearly every ASCII character: UTF-16 LE in the
    odd bytes, BE in the even ones; UTF-32 in three bytes of four. Judged on the first 4 KiB.
    """
    head = data[:4096]
    n = len(head) - len(head) % 4
    if n < 4:
        return None
    quads = [head[i:n:4] for i in range(4)]
    nul = [q.count(0) / len(q) for q in quads]
    if nul[1] > 0.9 and nul[2] > 0.9 and nul[3] > 0.9 and nul[0] < 0.1:
        return "utf-32-le", "UTF-32 LE"
    if nul[0] > 0.9 and nul[1] > 0.9 and nul[2] > 0.9 and nul[3] < 0.1:
        return "utf-32-be", "UTF-32 BE"
    even = (nul[0] + nul[2]) / 2
    odd = (nul[1] + nul[3]) / 2
    if odd > 0.9 and even < 0.1:
        return "utf-16-le", "UTF-16 LE"
    if even > 0.9 and odd < 0.1:
        return "utf-16-be", "UTF-16 BE"
    return None


def decode(data: bytes, notes: list[str]) -> tuple[str, bytes]:
    """The text, and bytes in which ASCII delimiters and newlines sit where they do in it.

    Appends to ``notes`` what was read when it is not plain UTF-8.

    Raises:
        FileProblem: not text in any encoding this reads (the offset is named).
    """
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            text = _decode_wide(data, codec, name)
            notes.append(f"read as {name} (the file has a {name} byte-order mark)")
            return text, text.encode("utf-8")
    if b"\x00" in data[:4096]:
        wide = _sniff_wide(data)
        if wide is not None:
            codec, name = wide
            text = _decode_wide(data, codec, name)
            notes.append(f"read as {name} (no byte-order mark; told by its NUL bytes); "
                         "save it as CSV UTF-8 to be sure")
            return text, text.encode("utf-8")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as e2:
            raise FileProblem(
                f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}) and not "
                f"Windows-1252 either (offset {e2.start}); save it as CSV UTF-8"
            ) from None
        notes.append(
            f"not UTF-8 (byte 0x{data[e.start]:02x} at offset {e.start}): "
            "read as Windows-1252; save it as CSV UTF-8 to be sure of accented text"
        )
    nul = text.find("\x00")
    if nul >= 0:
        raise FileProblem(
            f"not a text file: a NUL byte at offset {nul}, and the file is neither UTF-8, "
            "UTF-16 nor UTF-32 (a spreadsheet's binary format? save it as CSV UTF-8)")
    return text, data


def _decode_wide(data: bytes, codec: str, name: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as e:
        raise FileProblem(f"looks like {name} but is not valid {name} at offset {e.start}; "
                          "save it as CSV UTF-8") from None


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; and tab that the header line uses most (ties: , then ; then tab)."""
    for line in text.splitlines():
        if line.strip():
            counts = {d: line.count(d) for d in DELIMITERS}
            best = max(DELIMITERS, key=lambda d: counts[d])  # max keeps the first of ties
            return best if counts[best] else ","
    return ","


def trim_text(text: str, delim: str) -> str:
    """The text with whitespace around every cell removed (delimiters and newlines kept)."""
    space = r"[^\S\n\t]" if delim == "\t" else r"[^\S\n]"
    if not re.search(space, text):
        return text
    d = re.escape(delim)
    return re.sub(rf"{space}+(?={d}|$)|(?:(?<={d})|^){space}+", "", text, flags=re.MULTILINE)


def split_fast(
    text: str, data: bytes, delim: str
) -> tuple[pd.DataFrame, np.ndarray, np.ndarray] | None:
    """Split a file without quotes with pandas' C parser; ``None`` if lines do not line up.

    Without quotes a line is a record, so the cells per line are the delimiters per line plus one
    (counted on the bytes with numpy) and record ``i`` is line ``i + 1``. pandas pads short lines
    with empty strings, which is why the counts come from the bytes.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    nlines = len(newlines) + (1 if len(arr) and arr[-1] != 10 else 0)
    where = np.flatnonzero(arr == ord(delim))
    counts = np.bincount(np.searchsorted(newlines, where), minlength=nlines)[:nlines] + 1
    width = int(counts.max())
    cells = pd.read_csv(
        io.StringIO(text),
        sep=delim,
        header=None,
        names=range(width),
        dtype=object,
        keep_default_na=False,
        na_filter=False,
        skip_blank_lines=False,
        quoting=csv.QUOTE_NONE,
        engine="c",
    )
    if len(cells) != nlines:
        return None
    return cells, np.arange(1, nlines + 1, dtype=np.int64), counts.astype(np.int64)


def split_slow(text: str, delim: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Split with the csv module: handles quotes and line breaks inside quoted cells."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    rows: list[list[str]] = []
    starts: list[int] = []
    previous = 0
    try:
        for row in reader:
            rows.append(row)
            starts.append(previous + 1)
            previous = reader.line_num
    except csv.Error as e:
        raise FileProblem(f"cannot split into cells: {e}", line=previous + 1) from None
    counts = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
    width = int(counts.max()) if len(rows) else 0
    padded = [r + [""] * (width - len(r)) if len(r) < width else r for r in rows]
    cells = pd.DataFrame(padded, columns=range(width), dtype=object)
    return cells, np.asarray(starts, dtype=np.int64), counts
