"""Printing a refused import's problems: the first ones on stderr, every one in a file.

200,000 bad rows printed in full are 40 MB on a terminal; nobody reads past the first screens.
The first :attr:`~sop_tui.settings.Limits.printed_errors` are printed, and the whole list is
written to a file whose path is printed with them.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence

import click

from sop_tui.settings import Limits, LimitSettingError


def echo_problems(errors: Sequence[object], *, what: str = "nothing was imported") -> None:
    """Print ``errors`` (one line each, capped) and the count, on stderr."""
    try:
        cap = Limits.from_env().printed_errors
    except LimitSettingError as exc:
        click.echo(f"warning: {exc}; printing at most {Limits.printed_errors:,}", err=True)
        cap = Limits.printed_errors
    for e in errors[:cap]:
        click.echo(f"error: {e}", err=True)
    if len(errors) > cap:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", prefix="sop-import-errors-",
                                         suffix=".txt", delete=False) as fh:
            fh.writelines(f"{e}\n" for e in errors)
        click.echo(f"…and {len(errors) - cap:,} more; all {len(errors):,} are in {fh.name}",
                   err=True)
    click.echo(f"{len(errors):,} problem(s); {what}", err=True)
