"""Settings and paths, resolved in one place.

Where the log lives: ``--db URL`` / ``SOP_DB`` (``sqlite:///path`` or
``postgresql+psycopg://…``) wins; otherwise ``--store DIR`` / ``SOP_STORE`` means
``DIR/sop.db``; the default store is ``./store/``.
Who is recording: ``--actor`` / ``SOP_ACTOR``, defaulting to the login name.
Where statistical forecasts run: ``--executor`` / ``SOP_EXECUTOR`` (``local``, ``local:N``,
``inline`` or a Dask scheduler's ``tcp://HOST:PORT``; see ``sop_tui.executors``).
What comes in is bounded (:class:`Limits`): an XLSX workbook's unpacked size
(``SOP_MAX_XLSX_MB``), a data file's cell (``SOP_MAX_CELL_CHARS``), a recorded text
(``SOP_MAX_TEXT_CHARS``) and the problems printed before the rest go to a file
(``SOP_MAX_PRINTED_ERRORS``).
Meeting definitions and pack templates ship inside the package (``sop_tui/resources``, which in
a checkout are links to the top-level ``meetings/`` and ``templates/``); ``SOP_MEETINGS`` points
at another folder of agenda files.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

RESOURCES = Path(__file__).resolve().parent / "resources"
DEFAULT_STORE = Path("store")


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "sop"


@dataclass(frozen=True)
class Settings:
    """Everything the commands need to know about where things are and who acts."""

    store: Path = DEFAULT_STORE
    db_url: str | None = None
    actor: str = field(default_factory=_login)
    meetings_dir: Path = RESOURCES / "meetings"
    templates_dir: Path = RESOURCES / "templates"
    #: Where statistical forecasts run (``sop_tui.executors.open_runner``'s spec); ``None``:
    #: the local process pool.
    executor: str | None = None

    @property
    def url(self) -> str:
        """The URL of the event log (SQLite or PostgreSQL)."""
        if self.db_url:
            return self.db_url
        return f"sqlite:///{(self.store / 'sop.db').resolve()}"

    @property
    def cache_dir(self) -> Path:
        """Where derived results (forecasts) are cached; safe to delete."""
        return self.store / "cache"

    @classmethod
    def from_env(
        cls,
        env: Mapping[str, str] | None = None,
        *,
        store: str | Path | None = None,
        db: str | None = None,
        actor: str | None = None,
    ) -> Settings:
        """Build settings from explicit options, then ``SOP_*`` variables, then defaults."""
        env = os.environ if env is None else env
        store_dir = Path(store or env.get("SOP_STORE") or DEFAULT_STORE).expanduser()
        meetings = env.get("SOP_MEETINGS")
        return cls(
            store=store_dir,
            db_url=db or env.get("SOP_DB") or None,
            actor=actor or env.get("SOP_ACTOR") or _login(),
            meetings_dir=Path(meetings).expanduser() if meetings else RESOURCES / "meetings",
            executor=env.get("SOP_EXECUTOR") or None,
        )


class LimitSettingError(ValueError):
    """A ``SOP_MAX_*`` variable that is not a positive whole number."""


@dataclass(frozen=True)
class Limits:
    """Bounds on what comes in, so a hostile or mistaken file is refused, not swallowed.

    A workbook is refused before it is parsed when its parts unpack to more than
    ``xlsx_mb`` megabytes (a zip bomb is caught by the sizes it declares); a cell longer than
    ``cell_chars`` characters is refused, as is a recorded text (an assumption, a rationale)
    longer than ``text_chars``; an import prints its first ``printed_errors`` problems and
    writes all of them to a file.
    """

    xlsx_mb: int = 200
    cell_chars: int = 10_000
    text_chars: int = 20_000
    printed_errors: int = 1_000

    ENV: ClassVar[dict[str, str]] = {
        "xlsx_mb": "SOP_MAX_XLSX_MB",
        "cell_chars": "SOP_MAX_CELL_CHARS",
        "text_chars": "SOP_MAX_TEXT_CHARS",
        "printed_errors": "SOP_MAX_PRINTED_ERRORS",
    }

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Limits:
        """The defaults, each raised (or lowered) by its ``SOP_MAX_*`` variable.

        Raises:
            LimitSettingError: a variable is set to something but a positive whole number.
        """
        env = os.environ if env is None else env
        values: dict[str, int] = {}
        for name, var in cls.ENV.items():
            raw = env.get(var, "").strip().replace("_", "").replace(",", "")
            if not raw:
                continue
            if not raw.isdigit() or int(raw) <= 0:
                raise LimitSettingError(f"{var}={env[var]!r} is not a positive whole number")
            values[name] = int(raw)
        return cls(**values)

    def setting(self, name: str) -> str:
        """The variable that raises limit ``name`` (for messages)."""
        return self.ENV[name]
