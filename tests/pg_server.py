"""A throwaway PostgreSQL server for the tests and benchmarks: ``initdb`` and ``pg_ctl`` into a
temporary folder, listening on a free loopback port, stopped at the end.

PostgreSQL refuses to run as root and CI runs as root: as root, the folder is given to the
``postgres`` system user and the server tools run as that user (``runuser``). The binaries are
found with ``pg_config --bindir`` or in ``/usr/lib/postgresql/*/bin`` (15 or newer).

Used as a session fixture (``pg_admin_url``) by the event-log tests, and by the benchmarks.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

MIN_VERSION = 15


def find_bindir() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl`` (PostgreSQL 15+), or ``None``."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.CalledProcessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 check=True).stdout.strip()
            candidates.append(Path(out))
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin"),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
                      reverse=True)
    candidates.extend(v for v in versions
                      if v.parent.name.isdigit() and int(v.parent.name) >= MIN_VERSION)
    for c in candidates:
        if (c / "initdb").exists() and (c / "pg_ctl").exists() and (c / "postgres").exists():
            return c
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class PgServer:
    """One server in ``folder``; :attr:`admin_url` connects as its superuser."""

    def __init__(self, bindir: Path, folder: Path) -> None:
        self.bindir = bindir
        self.folder = folder
        self.data = folder / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.user = "postgres"
        self.admin_url = (f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/postgres")
        self._shared: str | None = None

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=self.folder)

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", self.user, "-A", "trust",
                  "-E", "UTF8", "--no-sync")
        opts = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
                "-c fsync=on -c synchronous_commit=on -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l",
                  str(self.folder / "server.log"), "-w", "start")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def shared_database(self) -> str:
        """One database for the session's per-test schemas (made on first use)."""
        if self._shared is None:
            self._shared = self.new_database()
        return self._shared

    def new_schema(self, database_url: str) -> str:
        """A new, empty schema in ``database_url``'s database; a URL whose search_path is it
        (cheaper than a database per test)."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(database_url.replace("+psycopg", ""), autocommit=True) as con:
            con.execute(f'CREATE SCHEMA "{name}"')
        return f"{database_url}?options=-csearch_path%3D{name}"

    def new_database(self) -> str:
        """A new, empty database; its URL (as the superuser)."""
        import psycopg

        name = f"sop_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.admin_url.replace("+psycopg", ""), autocommit=True) as con:
            con.execute(f'CREATE DATABASE "{name}"')
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"


@contextlib.contextmanager
def running_server() -> Iterator[PgServer | None]:
    """A started server for the block (``None`` when no PostgreSQL binaries exist)."""
    bindir = find_bindir()
    if bindir is None:
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="sop-pg-"))
    server = PgServer(bindir, folder)
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The session's PostgreSQL server; the test is skipped (saying why) when none exists."""
    with running_server() as server:
        if server is None:
            pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine: "
                        "the PostgreSQL backend is not tested")
        yield server
