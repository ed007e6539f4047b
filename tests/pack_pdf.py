"""Reading a rendered pack back as its reader sees it: text and layout from poppler.

:func:`read_pdf` runs ``pdftotext -bbox-layout`` (poppler-utils) and returns each page's lines
with their words and positions (points, origin top left), so tests can assert on what is on
which line, where, and how full a page is.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

NS = "{http://www.w3.org/1999/xhtml}"
MM = 72 / 25.4
#: The pack's page margins (templates/pack.css): top and bottom 17 mm, left and right 15 mm.
MARGIN_Y = 17 * MM
MARGIN_X = 15 * MM


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Line:
    block: int
    words: list[Word]

    @property
    def rows(self) -> list[str]:
        """The body's words as visual rows: words whose baselines are within 2 pt, left to
        right — a table row reads as it is printed, whatever order poppler's blocks are in."""
        words = sorted((w for ln in self.body for w in ln.words), key=lambda w: w.y1)
        rows: list[list[Word]] = []
        for w in words:
            if rows and abs(rows[-1][-1].y1 - w.y1) <= 2.0:
                rows[-1].append(w)
            else:
                rows.append([w])
        return [" ".join(w.text for w in sorted(r, key=lambda w: w.x0)) for r in rows]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def y0(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line] = field(default_factory=list)

    @property
    def body(self) -> list[Line]:
        """The lines between the running header and the footer, top to bottom."""
        inside = [ln for ln in self.lines
                  if ln.y0 >= MARGIN_Y - 1 and ln.y1 <= self.height - MARGIN_Y + 1]
        return sorted(inside, key=lambda ln: (round(ln.y0, 1), ln.x0))

    @property
    def header_right(self) -> str:
        words = [w for ln in self.lines for w in ln.words
                 if w.y1 < MARGIN_Y and w.x0 > self.width / 2]
        return " ".join(w.text for w in sorted(words, key=lambda w: w.x0))

    @property
    def fill(self) -> float:
        """How far down the body area the content reaches (0 empty, 1 full)."""
        body = self.body
        if not body:
            return 0.0
        return (max(ln.y1 for ln in body) - MARGIN_Y) / (self.height - 2 * MARGIN_Y)

    @property
    def rows(self) -> list[str]:
        """The body's words as visual rows: words whose baselines are within 2 pt, left to
        right — a table row reads as it is printed, whatever order poppler's blocks are in."""
        words = sorted((w for ln in self.body for w in ln.words), key=lambda w: w.y1)
        rows: list[list[Word]] = []
        for w in words:
            if rows and abs(rows[-1][-1].y1 - w.y1) <= 2.0:
                rows[-1].append(w)
            else:
                rows.append([w])
        return [" ".join(w.text for w in sorted(r, key=lambda w: w.x0)) for r in rows]

    @property
    def text(self) -> str:
        """The body's lines in reading order (poppler's: block by block, a table cell being a
        block of its own)."""
        inside = {id(ln) for ln in self.body}
        return "\n".join(ln.text for ln in self.lines if id(ln) in inside)


def read_pdf(path: Path) -> list[Page]:
    """Each page's lines and words, as ``pdftotext -bbox-layout`` finds them."""
    out = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True,
                         text=True, check=True).stdout
    root = ElementTree.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", out))
    pages = []
    for n, page in enumerate(root.iter(f"{NS}page"), start=1):
        p = Page(n, float(page.get("width", "0")), float(page.get("height", "0")))
        for b, block in enumerate(page.iter(f"{NS}block")):
            for line in block.iter(f"{NS}line"):
                words = [Word(w.text or "", *(float(w.get(k, "0")) for k in
                                              ("xMin", "yMin", "xMax", "yMax")))
                         for w in line.iter(f"{NS}word")]
                if words:
                    p.lines.append(Line(b, words))
        pages.append(p)
    return pages


def lines_spanned(pages: list[Page], phrase: str) -> list[int]:
    """For each place ``phrase`` is printed, on how many lines its words are set.

    Words are matched in order within a block (a table cell, a paragraph), across the
    block's lines.
    """
    want = phrase.split()
    spans = []
    for page in pages:
        blocks: dict[int, list[tuple[int, str]]] = {}
        for i, ln in enumerate(page.lines):
            blocks.setdefault(ln.block, []).extend((i, w.text) for w in ln.words)
        for words in blocks.values():
            texts = [t for _, t in words]
            for start in range(len(texts) - len(want) + 1):
                if texts[start:start + len(want)] == want:
                    spans.append(len({words[start + k][0] for k in range(len(want))}))
    return spans
