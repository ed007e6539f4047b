"""The CREATE statements of the log's tables, per database, as the SQLModel declaration in
:mod:`sop_tui.events.schema` compiles them.

Kept as text so that creating a new store does not import SQLAlchemy (a third of a second, on
the first append of a new store, in the middle of the app's first capture);
``tests/test_event_log.py`` compiles the declaration and checks that these still match it.
"""

from __future__ import annotations

_EVENTS = """CREATE TABLE {exists}events (
    seq INTEGER NOT NULL, event_id VARCHAR NOT NULL, cycle VARCHAR NOT NULL, meeting VARCHAR,
    type VARCHAR NOT NULL, actor VARCHAR NOT NULL, at VARCHAR NOT NULL,
    payload VARCHAR NOT NULL, prev_hash VARCHAR NOT NULL, hash VARCHAR NOT NULL,
    PRIMARY KEY (seq))"""
_DATASETS = """CREATE TABLE {exists}datasets (
    import_seq INTEGER NOT NULL, kind VARCHAR NOT NULL, rows INTEGER NOT NULL,
    content_sha256 VARCHAR NOT NULL, content {blob} NOT NULL, PRIMARY KEY (import_seq),
    FOREIGN KEY(import_seq) REFERENCES events (seq))"""
_INDEX = "CREATE INDEX {exists}ix_datasets_kind ON datasets (kind)"

SQLITE_TABLES: tuple[str, ...] = tuple(
    t.format(exists="IF NOT EXISTS ", blob="BLOB") for t in (_EVENTS, _DATASETS, _INDEX))
POSTGRES_TABLES: tuple[str, ...] = tuple(
    t.format(exists="", blob="BYTEA") for t in (_EVENTS, _DATASETS, _INDEX))


def compiled(dialect_name: str) -> list[str]:
    """The declaration compiled by SQLAlchemy for ``"sqlite"`` or ``"postgresql"`` (tests)."""
    # imported here: only the test that keeps the text above honest needs SQLAlchemy
    from sqlalchemy.dialects import postgresql, sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    from sop_tui.events.schema import SQLModel

    dialect = (sqlite.dialect() if dialect_name == "sqlite"
               else postgresql.dialect())  # type: ignore[no-untyped-call]
    exists = dialect_name == "sqlite"
    out: list[str] = []
    for name in ("events", "datasets"):
        table = SQLModel.metadata.tables[name]
        out.append(str(CreateTable(table, if_not_exists=exists).compile(dialect=dialect)))
        out.extend(str(CreateIndex(ix, if_not_exists=exists).compile(dialect=dialect))
                   for ix in table.indexes)
    return out
