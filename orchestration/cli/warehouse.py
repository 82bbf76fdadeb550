"""Commands that read: `observatory sql`, `report` and the demo's row counts read the published marts (never
waiting for a run that writes); `sql --live` and `docs` read the warehouse itself."""

from __future__ import annotations

import subprocess
from contextlib import contextmanager
from pathlib import Path

from ingestion import settings
from ingestion.warehouse.lock import warehouse_write_lock
from ingestion.warehouse.published import READ_ONLY_CONFIG, NothingPublished, open_published
from orchestration.cli.console import say

MARTS_SCHEMA = "marts"
EXPORT_HINT = ("observatory sql only reads: it cannot write files or the warehouse. To export a result, run the "
               "query from Python (duckdb.connect(path, read_only=True).sql(query).write_csv(file)) or with the "
               "DuckDB CLI, writing outside the warehouse folder.")


@contextmanager
def reading(warehouse: Path, who: str):
    """A read-only connection to an existing warehouse. DuckDB opens no reader beside a writing
    process, so it first waits (and says so) for the write lock."""
    import duckdb

    if not warehouse.is_file():
        raise SystemExit(f"error: no warehouse at {warehouse} (run `make demo` first)")
    with warehouse_write_lock(warehouse, who, on_wait=say), \
            duckdb.connect(str(warehouse), read_only=True, config=READ_ONLY_CONFIG) as con:
        yield con


@contextmanager
def reading_published(warehouse: Path, hint: str = "run `make demo`"):
    """A read-only connection to the current published marts of ``warehouse``: no lock, no wait."""
    try:
        con = open_published(settings.published_dir(warehouse))
    except NothingPublished as exc:
        raise SystemExit(f"error: {exc} ({hint})") from None
    with con:
        yield con


POPULATION_ORDER = {"hub": 0, "leaderboard_v1": 1, "leaderboard_v2": 2, "hub_evals": 3}  # how marts list them


def mart_row_counts(warehouse: Path) -> dict[str, dict[str, int]]:
    """Rows of every published mart, per population (in the order hub, leaderboard_v1, leaderboard_v2,
    hub_evals, then any other)."""
    with reading_published(warehouse) as con:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name",
            [MARTS_SCHEMA]).fetchall()]
        counts = {}
        for name in names:
            rows = con.execute(f'select population, count(*) from {MARTS_SCHEMA}."{name}" group by 1').fetchall()
            counts[name] = dict(sorted(rows, key=lambda r: (POPULATION_ORDER.get(r[0], len(POPULATION_ORDER)),
                                                              str(r[0]))))
        return counts


def mart_rows_lines(counts: dict[str, dict[str, int]]) -> list[str]:
    """One line per mart: its rows, then how many of them each population has."""
    width = max((len(n) for n in counts), default=10)
    return [f"  marts.{name:<{width}}  {sum(by.values()):>8} rows  "
            f"({', '.join(f'{population} {n}' for population, n in by.items())})"
            for name, by in counts.items()]


def run_sql(query: str, warehouse: Path, *, live: bool = False) -> None:
    """`observatory sql`: a query on a read-only connection that can write no file, its result printed. It reads
    the published marts (at once, whatever runs), or with ``live`` the warehouse itself (every schema; it
    waits for a run that writes)."""
    import duckdb

    live_hint = "run `make demo`; `observatory sql --live` reads the warehouse itself, waiting for a run that writes"
    with (reading(warehouse, "observatory sql") if live else reading_published(warehouse, live_hint)) as con:
        try:
            con.sql(query).show(max_width=200)
        except (duckdb.PermissionException, duckdb.InvalidInputException) as exc:
            raise SystemExit(f"error: {exc}\n{EXPORT_HINT}") from None
        except duckdb.Error as exc:
            raise SystemExit(f"error: {exc}") from None


def write_report_now(warehouse: Path, out: Path | None) -> Path:
    """`observatory report`: render the report from the marts as they are, without a pipeline run."""
    from orchestration.report.build import write_report

    path = out.expanduser().resolve() if out else settings.report_path(warehouse)
    with reading_published(warehouse) as con:
        summary = write_report(con, path, source=warehouse.name)
    say(f"report: {path} ({summary.charts} charts in {summary.sections} sections)")
    if summary.empty_marts:
        say(f"  no rows to chart in: {', '.join(summary.empty_marts)}")
    return path


def generate_docs(warehouse: Path) -> Path:
    """`observatory docs`: `dbt docs generate` over the warehouse (the catalog reads its tables), written
    beside it in dbt_docs/; static_index.html there is one self-contained page that opens offline."""
    from orchestration.dbt.project import DBT_PROJECT_DIR, dbt_executable

    if not warehouse.is_file():
        raise SystemExit(f"error: no warehouse at {warehouse} (run `make demo` first)")
    target = warehouse.parent / "dbt_docs"
    with warehouse_write_lock(warehouse, "observatory docs", on_wait=say):
        done = subprocess.run([dbt_executable(), "docs", "generate", "--static", "--quiet",
                               "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                               "--target-path", str(target)], cwd=DBT_PROJECT_DIR)
    if done.returncode != 0:
        raise SystemExit("error: dbt docs generate failed; see its output above")
    page = target / "static_index.html"
    say(f"dbt docs: {page}  (open it in a browser, or: dbt docs serve --target-path {target} "
        f"--project-dir {DBT_PROJECT_DIR} --profiles-dir {DBT_PROJECT_DIR})")
    return page
