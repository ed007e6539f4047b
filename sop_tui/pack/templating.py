"""The pack's one Jinja2 environment (the PDF's template and the e-mail's subject and body).

:func:`environment` — autoescape on for every template, whatever its file name
(``select_autoescape`` would leave ``*.html.j2`` unescaped); undefined variables raise instead
of printing nothing; a loader on the template folder only; the number filters of
:mod:`sop_tui.formats` and the typesetting helpers of :mod:`sop_tui.pack.typeset`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

from sop_tui import formats
from sop_tui.pack.typeset import column_em, excerpt, figure_run

PACK_TEMPLATE = "pack.html.j2"


@lru_cache(maxsize=4)
def environment(templates_dir: Path) -> jinja2.Environment:
    """The pack's Jinja2 environment (one per template folder)."""
    env = jinja2.Environment(autoescape=True,
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(money=formats.money, money_exact=formats.money_exact,
                       units=formats.units, unit_price=formats.unit_price, pct=formats.pct,
                       signed_pct=formats.signed_pct,
                       pp=formats.pp, metric=formats.metric, excerpt=excerpt)
    env.globals.update(figure_run=figure_run, column_em=column_em)
    return env
