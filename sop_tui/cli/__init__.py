"""``sop``: the command line. Parses, calls the cycle commands, prints.

People get tables; scripts get ``--json``. Exit status: 0 done, 1 a check failed (``verify``),
2 the input was refused (the message names the file, line, column or field; nothing was written).
"""

from __future__ import annotations

from sop_tui.cli.app import main

__all__ = ["main"]
