"""Planning data in the event log: importing files, and reading the data as of a cycle.

An import is all or nothing: every file of a batch is read and validated first, every bad cell
of every file is reported together, and only a batch with no error is written — as one
``DatasetImported`` event per file plus its immutable data block, in a single transaction.
A file whose bytes were imported before (same kind, same sha256) is recognised and skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sop_tui.data.blocks import block_sha256, from_block, to_block
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


class ImportRejected(ValueError):
    """The batch had errors; nothing was written. ``errors`` lists every bad cell."""

    def __init__(self, errors: Sequence[CellError]) -> None:
        self.errors = tuple(errors)
        super().__init__(f"{len(self.errors)} problem(s); nothing was imported")


@dataclass(frozen=True)
class ImportedFile:
    kind: str
    path: Path
    rows: int
    seq: int
    skipped: bool  # already imported: ``seq`` is the earlier import
    notes: tuple[str, ...] = ()


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


def import_files(
    log: EventLog,
    files: Sequence[tuple[Path, str]],
    *,
    cycle: str,
    actor: str,
) -> ImportOutcome:
    """Validate ``files`` (path, kind) together and record them, all or nothing.

    Raises:
        ImportRejected: any file had an error (every error of every file is listed).
    """
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

    # References are checked in the same pass, so one run names every bad cell of the batch.
    known = _known_keys(log, results, cycle)
    warnings: list[str] = []
    for res in results:
        refs = KINDS[res.kind].references
        if refs and all(f"{r.kind}.{r.target}" in known for r in refs):
            errors.extend(check_references(res, res.kind, known, res.path.name))
        elif refs:
            warnings.append(f"{res.path.name}: references not checked — no items imported yet")
    if errors:
        errors.sort(key=lambda e: (e.file, e.line or 0))  # stable: a line's cells stay in order
        raise ImportRejected(errors)

    previous = _imports_by_hash(log)
    drafts: list[NewEvent] = []
    outcome: list[ImportedFile | None] = []
    for res in results:
        earlier = previous.get((res.kind, res.sha256))
        if earlier is not None:
            outcome.append(ImportedFile(res.kind, res.path, res.rows, earlier, True, res.notes))
            continue
        block = to_block(res.frame, res.kind)
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
                },
                cycle=cycle,
                actor=actor,
                content=block,
            )
        )
        outcome.append(None)
    recorded = iter(log.append_all(drafts)) if drafts else iter(())
    done = [
        o if o is not None else ImportedFile(res.kind, res.path, res.rows, next(recorded).seq,
                                             False, res.notes)
        for o, res in zip(outcome, results, strict=True)
    ]
    return ImportOutcome(tuple(done), tuple(warnings))


def _imports_by_hash(log: EventLog) -> dict[tuple[str, str], int]:
    return {
        (e.payload["kind"], e.payload["sha256"]): e.seq
        for e in log.iter_events(types=["DatasetImported"])
    }


def _known_keys(log: EventLog, results: Iterable[ReadResult], cycle: str) -> dict[str, set[str]]:
    """SKUs and families known: from items in this batch, else the newest stored items."""
    items = next((r.frame for r in results if r.kind == "items"), None)
    if items is None:
        stored = latest_imports(log, cycle).get("items")
        items = load_kind(log, stored) if stored else None
    if items is None:
        return {}
    return {
        "items.sku": set(items["sku"].astype(str)),
        "items.family": set(items["family"].astype(str)),
    }


def latest_imports(log: EventLog, cycle: str | None = None) -> dict[str, Event]:
    """The newest import of each kind recorded in a cycle up to ``cycle`` (all, if None)."""
    newest: dict[str, Event] = {}
    for e in log.iter_events(types=["DatasetImported"]):
        if cycle is None or e.cycle <= cycle:
            newest[e.payload["kind"]] = e
    return newest


def load_kind(log: EventLog, event: Event) -> pd.DataFrame:
    """The frame an import recorded.

    Decoded frames are cached by the block's sha256: imported data never changes, and the same
    block (a copy of a store, a re-opened log) is decoded once per process.
    """
    key = event.payload["content_sha256"]
    hit = _FRAMES.get(key)
    if hit is None:
        hit = from_block(log.dataset_content(event.seq), event.payload["kind"])
        _FRAMES[key] = hit
        while len(_FRAMES) > 32:
            _FRAMES.pop(next(iter(_FRAMES)))
    return hit.copy()


_FRAMES: dict[str, pd.DataFrame] = {}


@dataclass(frozen=True)
class PlanningData:
    """The planning data as of a cycle: one frame per kind that has been imported."""

    cycle: str | None
    frames: Mapping[str, pd.DataFrame]
    imports: Mapping[str, Event]

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


def load(
    log: EventLog, cycle: str | None = None, kinds: Iterable[str] | None = None
) -> PlanningData:
    """The newest import of each kind as of ``cycle`` (a past cycle is recomputed as it was)."""
    imports = latest_imports(log, cycle)
    wanted = set(kinds) if kinds is not None else set(imports)
    frames = {k: load_kind(log, e) for k, e in imports.items() if k in wanted}
    return PlanningData(cycle, frames, {k: e for k, e in imports.items() if k in wanted})


def require(data: PlanningData, *kinds: str) -> None:
    """Raise :class:`MissingData` naming every kind in ``kinds`` that is not there."""
    missing = data.missing(*kinds)
    if missing:
        raise MissingData(missing)
