"""Declared planning views: what each depends on, and how it is cached.

A planning view is a property of :class:`~sop_tui.cycle.planning.CyclePlanning` computed once
per instance. Its :func:`view` decorator declares what it is computed from:

- ``kinds``: the imports it reads — their content hashes key its cache entry, and a new import
  of one of them drops it on :meth:`~sop_tui.cycle.planning.base.PlanningBase.refresh`;
- ``consensus``: it follows the live consensus records (the demand plan) — their event ids key
  its entry, and every refresh drops it;
- ``records``: it follows other records of the log (the folded state) — every refresh drops
  it, and nothing on disk could be keyed by it, so it is never stored;
- ``disk``: it is also kept in the store's :class:`~sop_tui.cache.DiskCache`, under
  ``planning/NAME`` with ``schema`` as the namespace's version (bump it when the view's
  computation or type changes meaning).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Protocol, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class ViewSpec:
    """What a view is computed from, and whether it is kept on disk."""

    name: str
    kinds: tuple[str, ...] = ()
    consensus: bool = False
    records: bool = False
    disk: bool = False
    schema: int = 1

    @property
    def follows_records(self) -> bool:
        """Whether a new event of the log may change it (a refresh drops it)."""
        return self.consensus or self.records

    @property
    def namespace(self) -> str:
        return f"planning/{self.name}"


class Cached(Protocol):
    """What a :func:`view` needs of the planning it is computed on."""

    def cached(self, spec: ViewSpec, compute: Callable[[], T], extra: Any = None) -> T: ...


C = TypeVar("C", bound=Cached)


class CachedView(cached_property[T]):
    """A ``cached_property`` that carries its :class:`ViewSpec`."""

    spec: ViewSpec


def view(*kinds: str, consensus: bool = False, records: bool = False, disk: bool = False,
         schema: int = 1) -> Callable[[Callable[[C], T]], CachedView[T]]:
    """Declare a planning view (see the module's docstring for the arguments)."""
    if disk and records:
        raise ValueError("a view that follows the log's records cannot be kept on disk")

    def wrap(fn: Callable[[C], T]) -> CachedView[T]:
        spec = ViewSpec(fn.__name__, kinds, consensus, records, disk, schema)
        prop = CachedView(_through_cache(fn, spec) if disk else fn)
        prop.spec = spec
        return prop

    return wrap


def _through_cache(fn: Callable[[C], T], spec: ViewSpec) -> Callable[[C], T]:
    def compute(self: C) -> T:
        return self.cached(spec, lambda: fn(self))

    compute.__name__, compute.__doc__ = fn.__name__, fn.__doc__
    return compute


def views_of(cls: type) -> dict[str, ViewSpec]:
    """Every view declared on ``cls`` and its bases, by name."""
    out: dict[str, ViewSpec] = {}
    for klass in reversed(cls.__mro__):
        for name, attr in vars(klass).items():
            if isinstance(attr, CachedView):
                out[name] = attr.spec
    return out
