"""Planning data in the event log: importing files, and reading the data as of a point in it.

An import is all or nothing: every file of a batch is read and validated first, every bad cell
of every file is reported together, and only a batch with no error is written — as one
``DatasetImported`` event per file plus its immutable data block, in a single transaction.
A file whose bytes were imported before (same kind, same sha256) is recognised and skipped.

Data over time (see :mod:`sop_tui.data.imports` for the chain of imports): an import adds to
what is known. Its event counts the file's rows that were ``added`` (a new key), ``changed``
(a known key with other values) and ``unchanged``; its block keeps only the added and changed
rows, so a month of actuals stores a month, not the history again. ``replace=True`` records the
file as the whole kind. Inventory is kept as snapshots: its rows are keyed by SKU *and*
``as_of``, so each count adds a snapshot and a cycle reads the newest count of each SKU.

The data is the company's, not a cycle's: which imports a cycle reads is decided by where it
stands in the log (``until``, from the cycle layer), never by the cycle an import was filed in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sop_tui.data.blocks import block_sha256, from_block, to_block
from sop_tui.data.imports import ADD, REPLACE, Chain, chain_key, chains
from sop_tui.data.reader import (
    CellError,
    ReadResult,
    check_references,
    kind_from_filename,
    read_table,
)
from sop_tui.data.schema import KINDS
from sop_tui.events.envelope import Event
from sop_tui.events.log import EventLog, NewEvent

DATA_FILE_SUFFIXES = (".csv", ".xlsx")

#: The columns that identify a row across imports: the contract's key, except that inventory
#: keeps one row per SKU and count date (a count is a snapshot, not a correction).
MERGE_KEYS: dict[str, tuple[str, ...]] = {
    **{name: kind.key for name, kind in KINDS.items()},
    "inventory": ("sku", "as_of"),
}


class ImportRejected(ValueError):
    """The batch had errors; nothing was written. ``errors`` lists every bad cell."""

    def __init__(self, errors: Sequence[CellError]) -> None:
        self.errors = tuple(errors)
        super().__init__(f"{len(self.errors)} problem(s); nothing was imported")


@dataclass(frozen=True)
class ImportedFile:
    """One file of a batch: recorded (``seq`` its event) or skipped (``seq`` the earlier one).

    ``added``/``changed``/``unchanged`` count the file's rows against what was known.
    """

    kind: str
    path: Path
    rows: int
    seq: int
    skipped: bool  # already imported: ``seq`` is the earlier import
    notes: tuple[str, ...] = ()
    mode: str = ADD
    added: int = 0
    changed: int = 0
    unchanged: int = 0


@dataclass(frozen=True)
class ImportOutcome:
    files: tuple[ImportedFile, ...]
    warnings: tuple[str, ...] = field(default=())


def files_in(directory: Path) -> list[tuple[Path, str]]:
    """The data files of a folder, each with the kind its name gives; others are errors."""
    found: list[tuple[Path, str]] = []
    unknown: list[CellError] = []
    for path in sorted(directory.iterdir()):
        if path.is_dir() or path.name.startswith((".", "~$")):
            continue
        if path.suffix.lower() not in DATA_FILE_SUFFIXES:
            continue
        kind = kind_from_filename(path)
        if kind is None:
            unknown.append(
                CellError(
                    path.name, None, None, None,
                    f"the file name does not name a kind (expected one of: {', '.join(KINDS)})",
                )
            )
        else:
            found.append((path, kind))
    if unknown:
        raise ImportRejected(unknown)
    if not found:
        raise ImportRejected(
            [CellError(str(directory), None, None, None, "no .csv or .xlsx data files here")]
        )
    return found


def _read_all(files: Sequence[tuple[Path, str]]) -> tuple[list[ReadResult], list[CellError]]:
    results: list[ReadResult] = []
    errors: list[CellError] = []
    for path, kind in files:
        if kind not in KINDS:
            errors.append(CellError(path.name, None, None, kind,
                                    f"unknown kind (expected one of: {', '.join(KINDS)})"))
            continue
        try:
            res = read_table(Path(path), kind)
        except OSError as exc:
            errors.append(CellError(Path(path).name, None, None, None,
                                    f"cannot be read: {exc.strerror or exc}"))
            continue
        results.append(res)
        errors.extend(res.errors)
    return results, errors


def import_files(
    log: EventLog,
    files: Sequence[tuple[Path, str]],
    *,
    cycle: str = "",
    actor: str,
    replace: bool = False,
) -> ImportOutcome:
    """Validate ``files`` (path, kind) together and record them, all or nothing.

    Args:
        log: the event log.
        files: (path, kind) pairs, recorded in this order.
        cycle: the cycle written in the events' envelopes (the open cycle, or ``""``); it does
            not decide which cycles see the data.
        actor: who imports.
        replace: each file is the whole of its kind (what was known before is set aside).

    Raises:
        ImportRejected: any file had an error (every error of every file is listed).
    """
    results, errors = _read_all(files)
    imported = list(log.iter_events(types=["DatasetImported"], hashes=False))
    heads = chains(imported)
    known = {k: load_chain(log, c) for k, c in heads.items()
             if k in {r.kind for r in results} or k == "items"}

    # References are checked in the same pass, so one run names every bad cell of the batch.
    refs = _known_keys(results, known, replace=replace)
    warnings: list[str] = []
    for res in results:
        needs = KINDS[res.kind].references
        if needs and all(f"{r.kind}.{r.target}" in refs for r in needs):
            errors.extend(check_references(res, res.kind, refs, res.path.name))
        elif needs:
            warnings.append(f"{res.path.name}: references not checked — no items imported yet")
    if errors:
        errors.sort(key=lambda e: (e.file, e.line or 0))  # stable: a line's cells stay in order
        raise ImportRejected(errors)

    # the newest import of the same bytes, by (kind, file sha256)
    previous = {(e.payload["kind"], e.payload["sha256"]): e for e in imported}
    drafts: list[NewEvent] = []
    outcome: list[ImportedFile] = []
    for res in results:
        earlier = previous.get((res.kind, res.sha256))
        # the same bytes again: nothing to add (for --replace, unless the kind moved on since)
        if earlier is not None and (not replace or heads.get(res.kind) == (earlier,)):
            outcome.append(ImportedFile(res.kind, res.path, res.rows, earlier.seq, True,
                                        res.notes, mode=str(earlier.payload.get("mode", REPLACE))))
            continue
        mode = REPLACE if replace else ADD
        old = None if replace else known.get(res.kind)
        stored, added, changed, unchanged = delta(res.frame, old, res.kind)
        known[res.kind] = res.frame if old is None else merge([old, stored], res.kind)
        block = to_block(stored, res.kind)
        drafts.append(
            NewEvent(
                "DatasetImported",
                {
                    "kind": res.kind,
                    "file": res.path.name,
                    "sha256": res.sha256,
                    "rows": res.rows,
                    "content_sha256": block_sha256(block),
                    "notes": list(res.notes),
                    "mode": mode,
                    "added": added,
                    "changed": changed,
                    "unchanged": unchanged,
                },
                cycle=cycle,
                actor=actor,
                content=block,
            )
        )
        outcome.append(ImportedFile(res.kind, res.path, res.rows, 0, False, res.notes, mode,
                                    added, changed, unchanged))
    recorded = iter(log.append_all(drafts)) if drafts else iter(())
    done = [o if o.skipped else _with_seq(o, next(recorded).seq) for o in outcome]
    return ImportOutcome(tuple(done), tuple(warnings))


def _with_seq(f: ImportedFile, seq: int) -> ImportedFile:
    return ImportedFile(f.kind, f.path, f.rows, seq, f.skipped, f.notes, f.mode, f.added,
                        f.changed, f.unchanged)


def _known_keys(results: Iterable[ReadResult], known: Mapping[str, pd.DataFrame], *,
                replace: bool) -> dict[str, set[str]]:
    """SKUs and families known: the stored items with this batch's items added (or, with
    ``replace``, the batch's items alone)."""
    batch = [r.frame for r in results if r.kind == "items"]
    stored = known.get("items")
    if replace and batch:
        stored = None
    frames = ([stored] if stored is not None else []) + batch
    if not frames:
        return {}
    items = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return {
        "items.sku": set(items["sku"].astype(str)),
        "items.family": set(items["family"].astype(str)),
    }


# ------------------------------------------------------------------------ rows over time


def _same(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Cell by cell, whether two aligned columns hold the same value (two blanks are equal)."""
    eq = (a.to_numpy() == b.to_numpy())
    both_na = a.isna().to_numpy() & b.isna().to_numpy()
    return np.asarray(eq | both_na, dtype=bool)


def delta(new: pd.DataFrame, old: pd.DataFrame | None, kind: str
          ) -> tuple[pd.DataFrame, int, int, int]:
    """The rows of ``new`` to store over ``old``, and how many were added/changed/unchanged.

    Returns:
        ``(rows to store, added, changed, unchanged)``; with no ``old``, every row is added.
    """
    if old is None or old.empty:
        return new.reset_index(drop=True), len(new), 0, 0
    key = list(MERGE_KEYS[kind])
    values = [c for c in KINDS[kind].column_names if c not in key]
    old_v = old[key + values].rename(columns={c: f"{c}\x00old" for c in values})
    m = new[key].merge(old_v.assign(**{"\x00known": True}), on=key, how="left", sort=False)
    if len(m) != len(new):  # a key repeated in the stored data: cannot happen for our blocks
        raise ValueError(f"{kind}: the stored rows repeat a key")
    known = m["\x00known"].notna().to_numpy()
    same = np.ones(len(new), dtype=bool)
    for c in values:
        same &= _same(new[c].reset_index(drop=True), m[f"{c}\x00old"])
    added = ~known
    changed = known & ~same
    keep = added | changed
    stored = new.reset_index(drop=True)[keep].reset_index(drop=True)
    return stored, int(added.sum()), int(changed.sum()), int((known & same).sum())


def merge(frames: Sequence[pd.DataFrame], kind: str, *, replaces: bool = True) -> pd.DataFrame:
    """Frames of one kind read in order, a later row replacing an earlier one with its key
    where it stands (new keys come after). ``replaces=False`` says no key repeats (every
    later row was added, none changed): the frames are then only put end to end."""
    if len(frames) == 1:
        return frames[0]
    out = pd.concat(frames, ignore_index=True)
    if not replaces:
        return out
    keys = list(MERGE_KEYS[kind])
    first_seen = out.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    keep = ~out.duplicated(keys, keep="last").to_numpy()
    order = np.argsort(first_seen[keep], kind="stable")
    return out[keep].iloc[order].reset_index(drop=True)


# -------------------------------------------------------------------------------- reading


def load_kind(log: EventLog, event: Event) -> pd.DataFrame:
    """The rows one import stored (its block, decoded).

    Decoded blocks are kept by the block's sha256: imported data never changes, and the same
    block (a copy of a store, a re-opened log) is decoded once per process.
    """
    key = event.payload["content_sha256"]
    hit = _FRAMES.get(key)
    if hit is None:
        hit = from_block(log.dataset_content(event.seq), event.payload["kind"])
        _remember(_FRAMES, key, hit)
    return hit.copy()


def load_chain(log: EventLog, chain: Chain) -> pd.DataFrame:
    """The data of one kind read from its chain of imports (see :mod:`sop_tui.data.imports`)."""
    key = chain_key(chain)
    hit = _CHAINS.get(key)
    if hit is None:
        kind = str(chain[0].payload["kind"])
        blocks = [load_kind(log, e) for e in chain]
        # imports that changed no row only add keys: no need to look for repeats
        hit = merge(blocks, kind, replaces=any(e.payload.get("changed", 1) for e in chain[1:]))
        _remember(_CHAINS, key, hit)
    return hit.copy()


def _remember(memo: dict[str, pd.DataFrame], key: str, frame: pd.DataFrame) -> None:
    memo[key] = frame
    while len(memo) > 32:
        memo.pop(next(iter(memo)))


_FRAMES: dict[str, pd.DataFrame] = {}
_CHAINS: dict[str, pd.DataFrame] = {}


def latest_snapshot(inventory: pd.DataFrame) -> pd.DataFrame:
    """One inventory row per SKU: its newest count."""
    if inventory.empty or not inventory["sku"].duplicated().any():
        return inventory
    newest = inventory.sort_values("as_of", kind="stable").drop_duplicates("sku", keep="last")
    return newest.sort_index().reset_index(drop=True)


def cycle_view(frame: pd.DataFrame, kind: str, cycle: str | None) -> pd.DataFrame:
    """A kind's data as a cycle plans with it.

    Inventory is the newest count of each SKU. Demand inputs are those for the cycle's months
    and after: inputs for months already past were earlier cycles' (they are history now).
    """
    if kind == "inventory":
        return latest_snapshot(frame)
    if kind == "demand_inputs" and cycle:
        months = frame["month"]
        first = pd.Period(cycle, freq="M")
        keep = (months >= first).to_numpy()
        if not keep.all():
            return frame[keep].reset_index(drop=True)
    return frame


@dataclass(frozen=True)
class PlanningData:
    """The planning data as seen by a cycle: one frame per kind that has been imported.

    Attributes:
        cycle: the cycle (``None``: no cycle, the data as it stands).
        frames: kind -> frame (see :func:`cycle_view`).
        imports: kind -> the newest import of its chain.
        chains: kind -> every import the frame is read from, oldest first.
    """

    cycle: str | None
    frames: Mapping[str, pd.DataFrame]
    imports: Mapping[str, Event]
    chains: Mapping[str, Chain] = field(default_factory=dict)

    def has(self, *kinds: str) -> bool:
        return all(k in self.frames for k in kinds)

    def missing(self, *kinds: str) -> list[str]:
        return [k for k in kinds if k not in self.frames]

    def __getitem__(self, kind: str) -> pd.DataFrame:
        try:
            return self.frames[kind]
        except KeyError:
            raise MissingData([kind]) from None


class MissingData(LookupError):
    """A command needs data that has not been imported."""

    def __init__(self, kinds: Sequence[str]) -> None:
        self.kinds = tuple(kinds)
        super().__init__(
            "this needs data that has not been imported yet: "
            + ", ".join(self.kinds)
            + " (sop import FILE --kind KIND, or sop import DIR)"
        )


def import_chains(log: EventLog, until: int | None = None) -> dict[str, Chain]:
    """Each kind's chain of imports as of event ``until`` (``None``: all)."""
    return chains(log.iter_events(types=["DatasetImported"], until=until, hashes=False), until)


def load(
    log: EventLog,
    cycle: str | None = None,
    kinds: Iterable[str] | None = None,
    *,
    until: int | None = None,
) -> PlanningData:
    """The data as of event ``until`` (``None``: everything imported), as ``cycle`` sees it.

    Which ``until`` a cycle reads is the cycle layer's to say (``Workspace.data``); a closed
    cycle reads exactly the imports it was decided with.
    """
    all_chains = import_chains(log, until)
    wanted = set(kinds) if kinds is not None else set(all_chains)
    picked = {k: c for k, c in all_chains.items() if k in wanted}
    frames = {k: cycle_view(load_chain(log, c), k, cycle) for k, c in picked.items()}
    return PlanningData(cycle, frames, {k: c[-1] for k, c in picked.items()}, picked)


def require(data: PlanningData, *kinds: str) -> None:
    """Raise :class:`MissingData` naming every kind in ``kinds`` that is not there."""
    missing = data.missing(*kinds)
    if missing:
        raise MissingData(missing)
