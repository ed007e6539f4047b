"""Textual's parsed stylesheets, kept on disk from one launch to the next.

Textual parses every stylesheet the app uses — its own CSS files and each widget class's
default CSS, some twenty sources — at every start, before the first frame: 25-45 ms of the
dashboard's first paint. The result depends only on the CSS text, where it came from and the
theme's variables, so :class:`CachedStylesheet` keeps the parsed rules in a pickle under the
store's cache folder (the same folder, and the same trust, as the planning's views) and reads
them back at the next launch in a few milliseconds.

The file is keyed by Textual's installation, Python's version and the variables; a key that
differs, a file that cannot be read, or a parse that raises (the CSS is wrong: Textual reports
it as usual) leave parsing to Textual. Only what parsed cleanly is kept. A theme switch re-parses
through Textual's own stylesheet (``reparse``), uncached, as before.
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

#: The cache's file name; one file per store, rewritten when a launch parsed something new.
FILE_NAME = "textual-css.pickle"


def _fingerprint(variables: dict[str, str]) -> str:
    # Textual's installation by its CSS parser's file, not ``textual.__version__``: that
    # attribute imports importlib.metadata (~40 ms, more than the cache saves).
    parser = os.stat(textual_parse.__file__)
    text = repr((textual_parse.__file__, parser.st_size, parser.st_mtime_ns,
                 sys.version_info[:2], sorted(variables.items())))
    return hashlib.sha256(text.encode()).hexdigest()


class CachedStylesheet(Stylesheet):
    """A Stylesheet that reads parsed rules from, and adds them to, a file in ``cache_dir``."""

    def __init__(self, *, variables: dict[str, str], cache_dir: Path | None) -> None:
        super().__init__(variables=variables)
        self._file = cache_dir / FILE_NAME if cache_dir is not None else None
        self._key = _fingerprint(variables)
        self._kept: dict[tuple[Any, ...], list[RuleSet]] = self._load()
        self._added = False

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
                self._kept[key] = rules
                self._added = True
        return rules

    def set_variables(self, variables: dict[str, str]) -> None:
        super().set_variables(variables)
        key = _fingerprint(variables)
        if key != self._key:  # another theme: what was kept no longer applies
            self._key, self._kept, self._added = key, {}, False

    def save(self) -> None:
        """Write what this launch parsed for the first time (nothing if it parsed nothing new).

        Written to a temporary file and renamed, so that a launch reading it concurrently
        sees the old file or the new one. A store it cannot write to (``sop review`` on
        someone else's folder) is left as it is.
        """
        if not self._added or self._file is None:
            return
        try:
            self._file.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self._file.parent, prefix=".css-")
            try:
                with os.fdopen(fd, "wb") as fh:
                    pickle.dump((self._key, self._kept), fh, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(tmp, self._file)
            finally:
                if os.path.exists(tmp):
                    os.unlink(tmp)
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            return
        self._added = False
