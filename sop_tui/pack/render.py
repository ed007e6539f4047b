"""Rendering the decision pack: one Jinja2 environment, WeasyPrint, and the safe fetcher.

Provides :func:`environment` (the one Jinja2 environment: autoescape on for every template,
strict undefined, a loader on the template folder only), the number filters the templates use,
:func:`render_html` and :func:`render_pdf` (→ :class:`RenderedPack`: bytes, SHA-256, pages).

The stamp goes on every page (a running footer) and into the PDF's metadata as ``sopcycle``,
``sopeventcount`` and ``sopheadhash``, which :mod:`sop_tui.pack.tamper` reads back.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

from sop_tui.pack.context import PackContext
from sop_tui.pack.formats import (
    column_em,
    figure_run,
    fmt_metric,
    fmt_money,
    fmt_pct,
    fmt_pp,
    fmt_units,
)

PACK_TEMPLATE = "pack.html.j2"


@lru_cache(maxsize=4)
def environment(templates_dir: Path) -> jinja2.Environment:
    """The pack's Jinja2 environment (one per template folder).

    Autoescape is on for every template, whatever its file name (``select_autoescape`` would
    leave ``*.html.j2`` unescaped); undefined variables raise instead of printing nothing.
    """
    env = jinja2.Environment(autoescape=True,
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(money=fmt_money, units=fmt_units, pct=fmt_pct, pp=fmt_pp,
                       metric=fmt_metric)
    env.globals.update(figure_run=figure_run, column_em=column_em)
    return env


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


def render_pdf(ctx: PackContext, templates_dir: Path) -> RenderedPack:
    """Render the pack to PDF bytes.

    WeasyPrint gets a :class:`PackFetcher` on ``templates_dir`` and the pack's charts, nothing
    else; the base URL is the template folder, so ``pack.css`` resolves there.
    """
    from sop_tui.pack.fetcher import PackFetcher

    html = render_html(ctx, templates_dir)
    fetcher = PackFetcher(templates_dir, ctx.charts)
    doc = pack_html_class(templates_dir)(
        string=html, base_url=templates_dir.resolve().as_uri() + "/", url_fetcher=fetcher,
    ).render()
    appendix_page = _anchor_page(doc, "appendix")
    pdf = doc.write_pdf(custom_metadata=True)
    assert pdf is not None
    return RenderedPack(pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest(), pages=len(doc.pages),
                        refused=tuple(fetcher.refused), appendix_page=appendix_page)


#: The pack's own user-agent stylesheet, in the template folder (see its header).
PACK_UA = "pack-ua.css"


@lru_cache(maxsize=4)
def pack_html_class(templates_dir: Path) -> Any:
    """``weasyprint.HTML`` with the pack's user-agent stylesheet instead of WeasyPrint's.

    WeasyPrint's stylesheet is written for any page, and the cascade tests its attribute and
    ``:is()`` selectors against every element: a fifth of the pack's layout. The pack's
    (type selectors only) draws the same pages. ``_ua_stylesheets`` is WeasyPrint's own hook
    for its stylesheet; were it renamed, this class would render with WeasyPrint's, as before.
    """
    import weasyprint

    ua = weasyprint.CSS(filename=str(templates_dir / PACK_UA))

    class PackHTML(weasyprint.HTML):  # type: ignore[misc]
        def _ua_stylesheets(self, forms: bool = False) -> list[Any]:
            return [ua]

    return PackHTML


def _anchor_page(doc: Any, anchor: str) -> int | None:
    """The 1-based page that holds ``id=anchor``, or None."""
    for number, page in enumerate(doc.pages, start=1):
        if anchor in page.anchors:
            return number
    return None
