"""Settings and paths, resolved in one place.

Where the log lives: ``--db URL`` / ``SOP_DB`` (any SQLAlchemy URL) wins; otherwise
``--store DIR`` / ``SOP_STORE`` means ``DIR/sop.db``; the default store is ``./store/``.
Who is recording: ``--actor`` / ``SOP_ACTOR``, defaulting to the login name.
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

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the event log."""
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
        )
