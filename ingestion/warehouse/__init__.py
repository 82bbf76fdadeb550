"""The DuckDB warehouse: one file (``settings.warehouse_path``), one writer at a time.

- ``connect``: open the file (creating it) with the raw schema and the shared rules installed;
- ``transaction``: a block that commits, or rolls back on any error;
- ``lock``: the cross-process write lock every writer takes first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from ingestion.warehouse.schema import RAW_SCHEMA, ensure_schema

__all__ = ["RAW_SCHEMA", "connect", "ensure_schema", "transaction"]


def connect(path: str | Path, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse and make sure the raw schema and the rules exist."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    if memory_limit:
        con.execute(f"set memory_limit = '{memory_limit}'")
    ensure_schema(con)
    return con


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """Run the block in one transaction: committed when it ends, rolled back if it raises."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
