"""The decision pack: the cycle's PDF for the executives, and sending it.

Modules (imported lazily; nothing here loads WeasyPrint until asked):

- :mod:`~sop_tui.pack.context` — ``build_context(planning) -> PackContext``, the view-model;
- :mod:`~sop_tui.pack.charts` — the charts, drawn with pygal as small SVG documents (bytes);
- :mod:`~sop_tui.pack.render` — the one Jinja2 environment and ``render_pdf``;
- :mod:`~sop_tui.pack.fetcher` — the URL fetcher that serves only the template folder;
- :mod:`~sop_tui.pack.tamper` — ``check_pack_against_log`` for ``sop verify --against``;
- :mod:`~sop_tui.pack.email` — SMTP settings and sending;
- :mod:`~sop_tui.pack.runner` — ``render_pack``, ``render_pack_subprocess``, ``send_pack``;
- ``python -m sop_tui.pack`` — the render in its own process.
"""
