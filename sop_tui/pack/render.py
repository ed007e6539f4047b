"""Rendering the decision pack to PDF: the template, WeasyPrint, and the safe fetcher.

Provides :func:`render_html` (the template through the one Jinja2 environment,
:func:`sop_tui.pack.templating.environment`) and :func:`render_pdf` (→ :class:`RenderedPack`:
bytes, SHA-256, pages). WeasyPrint is driven through its public API only: ``HTML`` with the
pack's :class:`~sop_tui.pack.fetcher.PackFetcher`, ``render`` with the pack's stylesheet,
``write_pdf``.

The stamp goes on every page (a running footer) and into the PDF's metadata as ``sopcycle``,
``sopeventcount`` and ``sopheadhash``, which :mod:`sop_tui.pack.tamper` reads back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import weasyprint

from sop_tui.pack.fetcher import PackFetcher
from sop_tui.pack.model import PackContext
from sop_tui.pack.templating import PACK_TEMPLATE, environment

PACK_CSS = "pack.css"


def render_html(ctx: PackContext, templates_dir: Path) -> str:
    """The pack as HTML (autoescaped), ready for WeasyPrint."""
    return environment(templates_dir).get_template(PACK_TEMPLATE).render(**ctx.template_vars())


@dataclass(frozen=True)
class RenderedPack:
    """A rendered pack: the PDF, its SHA-256, page count, and what the fetcher refused."""

    pdf: bytes
    sha256: str
    pages: int
    refused: tuple[str, ...]
    appendix_page: int | None


@lru_cache(maxsize=4)
def stylesheet(templates_dir: Path) -> weasyprint.CSS:
    """The pack's print stylesheet, parsed once per process."""
    return weasyprint.CSS(filename=str(templates_dir / PACK_CSS))


def render_pdf(ctx: PackContext, templates_dir: Path) -> RenderedPack:
    """Render the pack to PDF bytes.

    WeasyPrint gets a :class:`PackFetcher` on ``templates_dir`` and the pack's charts, nothing
    else; the base URL is the template folder.
    """
    html = render_html(ctx, templates_dir)
    fetcher = PackFetcher(templates_dir, ctx.charts)
    doc = weasyprint.HTML(
        string=html, base_url=templates_dir.resolve().as_uri() + "/", url_fetcher=fetcher,
    ).render(stylesheets=[stylesheet(templates_dir)])
    appendix_page = anchor_page(doc, "appendix")
    pdf = doc.write_pdf(custom_metadata=True)
    assert pdf is not None
    return RenderedPack(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), pages=len(doc.pages),
                        refused=tuple(fetcher.refused), appendix_page=appendix_page)


def anchor_page(doc: weasyprint.Document, anchor: str) -> int | None:
    """The 1-based page that holds ``id=anchor``, or None."""
    for number, page in enumerate(doc.pages, start=1):
        if anchor in page.anchors:
            return number
    return None
