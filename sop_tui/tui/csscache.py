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
import sys
from functools import cache
from pathlib import Path
from typing import Any

from textual.css import parse as textual_parse
from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

from sop_tui.cache import DiskCache


@cache
def _textual_fingerprint() -> bytes:
    # Textual's installation by its CSS package's code, not ``textual.__version__``: that
    # attribute imports importlib.metadata (~40 ms, more than the cache saves). The pickled
    # rules are objects of these modules' classes (~0.5 ms to read and hash them, once).
    digest = hashlib.sha256()
    for module in sorted(Path(textual_parse.__file__).parent.glob("*.py")):
        digest.update(module.name.encode())
        digest.update(module.read_bytes())
    return digest.digest()


def _fingerprint(variables: dict[str, str]) -> str:
    text = repr((_textual_fingerprint(), sys.version_info[:2], sorted(variables.items())))
    return hashlib.sha256(text.encode()).hexdigest()


class CachedStylesheet(Stylesheet):
    """A Stylesheet that reads parsed rules from, and adds them to, an entry in ``cache_dir``
    (a :class:`~sop_tui.cache.DiskCache` entry per key, under ``textual/css``)."""

    def __init__(self, *, variables: dict[str, str], cache_dir: Path | None) -> None:
        super().__init__(variables=variables)
        self._disk = DiskCache(cache_dir) if cache_dir is not None else None
        self._key = _fingerprint(variables)
        self._kept: dict[tuple[Any, ...], list[RuleSet]] = self._load()
        self._added = False

    def _load(self) -> dict[tuple[Any, ...], list[RuleSet]]:
        if self._disk is None:
            return {}
        hit, rules = self._disk.get("textual/css", self._key)
        return rules if hit and isinstance(rules, dict) else {}

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

    def save(self) -> None:
        """Write what this launch parsed for the first time (nothing if it parsed nothing new).

        Through the store's DiskCache: renamed into place, so a launch reading it concurrently
        sees the old entry or the new one; a store it cannot write to (``sop review`` on
        someone else's folder) is left as it is, and not tried again.
        """
        if self._added and self._disk is not None:
            self._disk.put("textual/css", self._key, self._kept)
        self._added = False
