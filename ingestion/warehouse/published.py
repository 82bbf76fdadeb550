"""Published marts: immutable, versioned snapshots of the marts that readers open while a run writes.

DuckDB lets one process write a file, and while it writes nobody else may even read it. So after every
successful build the marts are copied out of the warehouse into a new version (settings.published_dir):

    published/<warehouse>/
        v000007/              one complete version, never changed once written
            observatory.duckdb the marts as tables (schema marts), with published.snapshot (this version,
                              its build time and run) and published.versions (every version kept)
            snapshot.json     this version, its build time and run (read by the next publication)
            <mart>.parquet    the same marts as Parquet files, for any other tool
        current -> v000007    the version readers open

A version is written under a hidden name and renamed when complete; ``current`` is a relative symlink
replaced by a rename, so it switches atomically. A reader resolves it once, when it opens the catalog, and
keeps that version for as long as it reads: it sees the previous complete version or the new complete one,
never a mix, and never waits for the warehouse's write lock. The newest N versions are kept
(settings.published_versions_kept); one a reader still has open stays readable until it closes (Linux keeps
an unlinked file's data while it is open).

Readers get what ``observatory sql`` gets: a read-only connection that can write no file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb

CATALOG = "observatory.duckdb"  # its catalog is named after the file: not "marts", the schema
SNAPSHOT = "snapshot.json"
CURRENT = "current"
MARTS_SCHEMA = "marts"
_VERSION = re.compile(r"v(\d{6,})")
# A reader can write nothing: no file (COPY TO, EXPORT DATABASE, ATTACH), no extension install, and the
# configuration is locked so no statement can turn that back on.
READ_ONLY_CONFIG = {"enable_external_access": False, "lock_configuration": True}


class NothingPublished(LookupError):
    """No build has published marts in this folder yet."""


@dataclass(frozen=True)
class Publication:
    version: int
    path: Path
    built_at: datetime
    run_id: str
    rows: dict[str, int]


def version_name(version: int) -> str:
    return f"v{version:06d}"


def published_versions(root: Path) -> list[int]:
    """The complete versions in ``root``, oldest first (a hidden, half-written one is not among them)."""
    if not root.is_dir():
        return []
    return sorted(int(m.group(1)) for p in root.iterdir() if p.is_dir() and (m := _VERSION.fullmatch(p.name)))


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def publish(con: duckdb.DuckDBPyConnection, root: Path, *, run_id: str, keep: int,
            warehouse: str = "") -> Publication:
    """Copy every table of the warehouse's marts schema into a new version in ``root`` and make it current.

    ``con`` is the writer's connection (the caller holds the write lock). Nothing a reader can open changes
    until the new version is complete; an error before the switch leaves the current version as it was.
    """
    marts = [r[0] for r in con.execute(
        "select table_name from information_schema.tables where table_schema = ? and table_type = 'BASE TABLE' "
        "order by table_name", [MARTS_SCHEMA]).fetchall()]
    if not marts:
        raise ValueError(f"nothing to publish: the warehouse has no table in schema {MARTS_SCHEMA!r}")
    root.mkdir(parents=True, exist_ok=True)
    for leftover in root.glob(".v*.partial"):  # a publication that died half-way
        shutil.rmtree(leftover, ignore_errors=True)
    existing = published_versions(root)
    version = (existing[-1] if existing else 0) + 1
    name = version_name(version)
    partial = root / f".{name}.partial"
    partial.mkdir()
    built_at = datetime.now(timezone.utc)
    kept = (existing + [version])[-keep:]
    previous = [_snapshot_of(root / version_name(v)) for v in existing if v in kept]
    rows: dict[str, int] = {}
    try:
        con.execute(f"attach {_quoted(partial / CATALOG)} as publishing")
        try:
            con.execute("create schema publishing.marts")
            for mart in marts:
                con.execute(f'create table publishing.marts."{mart}" as select * from {MARTS_SCHEMA}."{mart}"')
                con.execute(f'copy publishing.marts."{mart}" to {_quoted(partial / (mart + ".parquet"))} '
                            "(format parquet, compression zstd)")
                rows[mart] = con.execute(f'select count(*) from publishing.marts."{mart}"').fetchone()[0]
            con.execute("create schema publishing.published")
            con.execute("create table publishing.published.snapshot (version integer, built_at timestamptz, "
                        "run_id varchar, warehouse varchar, marts integer)")
            con.execute("insert into publishing.published.snapshot values (?, ?, ?, ?, ?)",
                        [version, built_at, run_id, warehouse, len(marts)])
            con.execute("create table publishing.published.marts (mart varchar, row_count bigint, parquet varchar)")
            con.executemany("insert into publishing.published.marts values (?, ?, ?)",
                            [[m, rows[m], f"{m}.parquet"] for m in marts])
            con.execute("create table publishing.published.versions (version integer, built_at timestamptz, "
                        "run_id varchar)")
            history = [r for r in previous if r] + [(version, built_at, run_id)]
            con.executemany("insert into publishing.published.versions values (?, ?, ?)", [list(r) for r in history])
        finally:
            con.execute("detach publishing")
        (partial / SNAPSHOT).write_text(json.dumps(
            {"version": version, "built_at": built_at.isoformat(), "run_id": run_id, "rows": rows}, indent=1))
        partial.rename(root / name)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    _point_current_at(root, name)
    for old in existing:
        if old not in kept:
            shutil.rmtree(root / version_name(old), ignore_errors=True)
    return Publication(version=version, path=root / name, built_at=built_at, run_id=run_id, rows=rows)


def _snapshot_of(version_dir: Path) -> tuple | None:
    """(version, built_at, run_id) of a published version, from its snapshot.json (a plain file: a reader in this
    process may hold the version's catalog open)."""
    try:
        snap = json.loads((version_dir / SNAPSHOT).read_text())
        return snap["version"], datetime.fromisoformat(snap["built_at"]), snap["run_id"]
    except (OSError, ValueError, KeyError):
        return None


def _point_current_at(root: Path, name: str) -> None:
    link = root / f".{CURRENT}.{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(name)  # relative: the folder can move
    os.replace(link, root / CURRENT)  # atomic: a reader finds the old target or the new one


def current_catalog(root: Path) -> Path:
    """The catalog of the current version, resolved now (a later switch does not change it)."""
    current = root / CURRENT
    if not current.exists():
        raise NothingPublished(f"no published marts in {root}: a successful build publishes them")
    return (current.resolve() / CATALOG)


def open_published(root: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current version, which can write no file."""
    return duckdb.connect(str(current_catalog(root)), read_only=True, config=READ_ONLY_CONFIG)
