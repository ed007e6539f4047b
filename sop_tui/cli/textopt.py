"""``--text-file PATH`` (``-`` for stdin) beside a text option, for texts too long to type.

A shell argument is capped near 128 KiB by the operating system, and a paragraph with quotes
is awkward to pass as one. :func:`long_text` adds ``--FIELD-file`` to a command: the text is
read from the file (UTF-8, a BOM allowed) or standard input, and given to the command as
``FIELD``; exactly one of ``--FIELD`` and ``--FIELD-file`` is needed. A file longer than the
recorded-text limit is refused before it is read whole.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from sop_tui.settings import Limits, LimitSettingError

F = TypeVar("F", bound=Callable[..., Any])


def read_text_arg(source: str, option: str) -> str:
    """The text of ``source`` (a path, or ``-`` for stdin), refused with a sentence naming
    ``option`` and the file when it cannot be read, is not UTF-8, or is over the limit."""
    try:
        limits = Limits.from_env()
    except LimitSettingError as exc:
        raise click.UsageError(str(exc)) from None
    cap = limits.text_chars * 4 + 4  # UTF-8 takes at most four bytes a character
    name = "standard input" if source == "-" else source
    try:
        if source == "-":
            data = sys.stdin.buffer.read(cap + 1)
        else:
            with Path(source).open("rb") as fh:
                data = fh.read(cap + 1)
    except OSError as exc:
        raise click.UsageError(f"{option} {name}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.UsageError(
            f"{option} {name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
            f"{exc.start})") from None
    if len(data) > cap or len(text) > limits.text_chars:
        raise click.UsageError(
            f"{option} {name}: over the limit of {limits.text_chars:,} characters "
            f"({limits.setting('text_chars')} raises it)")
    return text


def long_text(field: str) -> Callable[[F], F]:
    """Add ``--FIELD-file PATH|-`` to a command whose ``--FIELD`` option is not required."""
    flag = f"--{field.replace('_', '-')}"

    def deco(fn: F) -> F:
        @wraps(fn)
        def wrapper(*args: Any, **kw: Any) -> Any:
            source = kw.pop(f"{field}_file")
            if source is not None:
                if kw.get(field) is not None:
                    raise click.UsageError(f"give {flag} or {flag}-file, not both")
                kw[field] = read_text_arg(source, f"{flag}-file")
            elif kw.get(field) is None:
                raise click.UsageError(f"Missing option '{flag}' (or {flag}-file PATH, - for "
                                       "standard input)")
            return fn(*args, **kw)

        option = click.option(f"{flag}-file", f"{field}_file", metavar="PATH",
                               help=f"Read {flag} from this file (- for standard input).")
        return option(wrapper)  # type: ignore[return-value]

    return deco
