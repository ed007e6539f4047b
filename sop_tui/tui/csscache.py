"""Textual's parsed stylesheets, kept on disk from one launch to the next.

Textual parses every stylesheet the app uses — its own CSS files and each widget class's
default CSS, some twenty sources — at every start, before the first frame: 25-45 ms of the
dashboard's first paint. The result depends only on the CSS text, where it came from and the
theme's variables, so :class:`CachedStylesheet` keeps the parsed rules in a pickle under the
store's cache folder (the same folder, and the same trust, as the planning's views) and reads
them back at the next launch in a few milliseconds.

A file is kept per key — Textual's installation (its CSS modules' code), Python's version and
the theme's variables; a file that cannot be read or holds another key, or a parse that raises
(the CSS is wrong: Textual reports it as usual) leave parsing to Textual. Only what parsed
cleanly is kept, and a source whose text changed replaces its old entry. What a launch parses
after its first frame (a meeting's widgets, say) is written at a quiet moment. Screens with
their own ``CSS_PATH`` (the history's) and a theme switch re-parse through Textual's own
stylesheet (``reparse``), uncached, as before.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

from textual.css import parse as textual_parse
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation


def _textual_fingerprint() -> bytes:
    # Textual's installation by its CSS package's code, not ``textual.__version__``: that
    # attribute imports importlib.metadata (~40 ms, more than the cache saves). The pickled
    # rules are objects of these modules' classes (~0.5 ms to read and hash them).
    digest = hashlib.sha256()
    for module in sorted(Path(textual_parse.__file__).parent.glob("*.py")):
        digest.update(module.name.encode())
        digest.update(module.read_bytes())
    return digest.digest()


def _fingerprint(variables: dict[str, str]) -> str:
    text = repr((_textual_fingerprint(), sys.version_info[:2], sorted(variables.items())))
    return hashlib.sha256(text.encode()).hexdigest()


def cache_file(cache_dir: Path, key: str) -> Path:
    """The file for one key: a store shared by two themes keeps one file for each."""
    return cache_dir / f"textual-css-{key[:16]}.pickle"


class CachedStylesheet(Stylesheet):
    """A Stylesheet that reads parsed rules from, and adds them to, a file in ``cache_dir``."""

    def __init__(self, *, variables: dict[str, str], cache_dir: Path | None) -> None:
        super().__init__(variables=variables)
        self._dir = cache_dir
        self._key = _fingerprint(variables)
        self._kept: dict[tuple[Any, ...], list[RuleSet]] = self._load()
        self._added = False

    @property
    def _file(self) -> Path | None:
        return cache_file(self._dir, self._key) if self._dir is not None else None

    def _load(self) -> dict[tuple[Any, ...], list[RuleSet]]:
        if self._file is None:
            return {}
        try:
            with open(self._file, "rb") as fh:
                key, rules = pickle.load(fh)
        except Exception:  # absent, torn, from another Textual: parse as usual
            return {}
        return rules if key == self._key and isinstance(rules, dict) else {}

    def _parse_rules(self, css: str, read_from: CSSLocation, is_default_rules: bool = False,
                     tie_breaker: int = 0, scope: str = "") -> list[RuleSet]:
        key = (css, read_from, is_default_rules, tie_breaker, scope)
        rules = self._kept.get(key)
        if rules is None:
            rules = super()._parse_rules(css, read_from, is_default_rules, tie_breaker, scope)
            if not any(rule.errors for rule in rules):
                # a source whose text changed (an upgrade) replaces its old entry
                for old in [k for k in self._kept if k[1:] == key[1:]]:
                    del self._kept[old]
                self._kept[key] = rules
                self._added = True
        return rules

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        key = _fingerprint(variables)
        if key != self._key:  # another theme: what was kept no longer applies
            self._key, self._kept, self._added = key, {}, False

    @property
    def unsaved(self) -> bool:
        """True when rules were parsed since the file was read or last written."""
        return self._added

    def save(self) -> None:
        """Write what this launch parsed for the first time (nothing if it parsed nothing new).

        Written to a temporary file and renamed, so that a launch reading it concurrently
        sees the old file or the new one. A store it cannot write to (``sop review`` on
        someone else's folder) is left as it is.
        """
        target = self._file
        if not self._added or target is None:
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".css-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump((self._key, self._kept), fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, target)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            return
        self._added = False
