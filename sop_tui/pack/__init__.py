"""The decision pack: the cycle's PDF for the executives, and sending it.

Modules:

- :mod:`~sop_tui.pack.context` — ``build_context(planning) -> PackContext``, section by
  section (:mod:`~sop_tui.pack.sections`), the view-model in :mod:`~sop_tui.pack.model`;
- :mod:`~sop_tui.pack.parts` — the costly parts kept in the store's cache;
- :mod:`~sop_tui.pack.charts` — the charts, drawn with pygal as small SVG documents (bytes);
- :mod:`~sop_tui.pack.render` — the one Jinja2 environment and ``render_pdf``;
- :mod:`~sop_tui.pack.typeset` — rows of figures as one run of text;
- :mod:`~sop_tui.pack.fetcher` — the URL fetcher that serves only the template folder;
- :mod:`~sop_tui.pack.tamper` — ``check_pack_against_log`` for ``sop verify --against``;
- :mod:`~sop_tui.pack.email` — SMTP settings and sending;
- :mod:`~sop_tui.pack.runner` — ``render_pack``, ``render_pack_subprocess``, ``send_pack``;
- ``python -m sop_tui.pack`` — the render in its own process.
"""
