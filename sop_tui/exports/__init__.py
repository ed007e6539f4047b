"""Exports for the people outside ``sop``: the plan, the supply plan, the registers and the
metrics as XLSX workbooks (typed cells) or CSV files (see :mod:`sop_tui.exports.tables` and
:mod:`sop_tui.exports.write`)."""
