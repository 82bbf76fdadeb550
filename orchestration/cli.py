"""The `observatory` command line.

    observatory demo [--hub-dump DIR] [--leaderboard-archive DIR] [--warehouse PATH]
    observatory generate OUT [--models N] [--seed S]
    observatory serve-hub DIR [--port P]
    observatory backfill-leaderboard FOLDER [--warehouse PATH]
    observatory manifest
    observatory sql QUERY [--warehouse PATH]
    observatory report [--warehouse PATH] [--out FILE]
    observatory docs [--warehouse PATH]

`demo` runs the whole pipeline offline: it generates a synthetic Hub dump (or
serves the one given), starts the local Hub stand-in, materializes every asset
into the warehouse through the real huggingface_hub client, stops the
stand-in, and prints what it built.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

from ingestion import config
from orchestration.dbt_paths import DBT_PROJECT_DIR, MANIFEST_PATH, dbt_executable

MARTS_SCHEMA = "marts"


def prepare_manifest(force: bool = False) -> Path:
    """Run `dbt parse` so that the Dagster definitions can load the manifest (not done at import time)."""
    if MANIFEST_PATH.exists() and not force and not _manifest_stale(DBT_PROJECT_DIR, MANIFEST_PATH):
        return MANIFEST_PATH
    print("preparing the dbt manifest (dbt parse)...", flush=True)
    subprocess.run([dbt_executable(), "parse", "--quiet", "--project-dir", str(DBT_PROJECT_DIR),
                    "--profiles-dir", str(DBT_PROJECT_DIR)], check=True)
    return MANIFEST_PATH


def _manifest_stale(project_dir: Path, manifest: Path) -> bool:
    built = manifest.stat().st_mtime
    for folder in ("models", "seeds", "macros", "snapshots", "tests"):
        for path in (project_dir / folder).rglob("*"):
            if path.is_file() and path.stat().st_mtime > built:
                return True
    return (project_dir / "dbt_project.yml").stat().st_mtime > built


INSTANCE_TEMPLATE = Path(__file__).with_name("dagster.yaml")


def _dagster_home(warehouse: Path) -> Path:
    """$DAGSTER_HOME (default: beside the warehouse), with the project's dagster.yaml when it has none."""
    home = os.environ.get("DAGSTER_HOME")
    path = (Path(home) if home else warehouse.parent / "dagster_home").resolve()
    ensure_dagster_home(path)
    return path


def ensure_dagster_home(path: Path) -> None:
    path.mkdir(parents=True, exist_ok=True)
    target = path / "dagster.yaml"
    if not target.exists():
        partial = path / f"dagster.yaml.{os.getpid()}.partial"
        partial.write_text(INSTANCE_TEMPLATE.read_text())
        partial.replace(target)


def run_demo(hub_dump: Path | None, leaderboard_archive: Path | None, warehouse: Path,
             models: int = 3000, seed: int = 42) -> dict[str, int]:
    """Run every asset once against a local Hub stand-in. Returns rows per mart."""
    from ingestion.fake_hub import FakeHub
    from ingestion.synthetic import write_hub_dump, write_leaderboard_archive

    warehouse = warehouse.expanduser().resolve()
    os.environ[config.WAREHOUSE_ENV] = str(warehouse)
    if hub_dump is None:
        demo_dir = warehouse.parent / "demo_source"
        hub_dump = demo_dir / "hub_dump"
        print(f"generating a synthetic Hub dump of {models} models (seed {seed}) in {hub_dump}", flush=True)
        write_hub_dump(hub_dump, n_models=models, seed=seed)
        if leaderboard_archive is None:
            leaderboard_archive = demo_dir / "leaderboard"
            write_leaderboard_archive(leaderboard_archive, n_models=models, seed=seed)
    hub_dump = hub_dump.expanduser().resolve()
    if not (hub_dump / "models.jsonl").is_file():
        raise SystemExit(f"error: {hub_dump} is not a Hub dump (no models.jsonl in it)")
    if leaderboard_archive is not None:
        leaderboard_archive = leaderboard_archive.expanduser().resolve()
        if not leaderboard_archive.is_dir():
            raise SystemExit(f"error: leaderboard archive folder {leaderboard_archive} does not exist")
        os.environ[config.LEADERBOARD_ARCHIVE_ENV] = str(leaderboard_archive)
    else:
        os.environ.pop(config.LEADERBOARD_ARCHIVE_ENV, None)
    os.environ["DAGSTER_HOME"] = str(_dagster_home(warehouse))
    prepare_manifest()

    from orchestration.definitions import defs

    began = time.perf_counter()
    if leaderboard_archive is not None:
        with _instance(warehouse) as instance:
            backfill_leaderboard_archive(defs, instance, leaderboard_archive)
    with FakeHub(hub_dump) as hub:
        os.environ[config.HUB_ENDPOINT_ENV] = hub.endpoint
        print(f"Hub stand-in serving {hub_dump} at {hub.endpoint}", flush=True)
        job = defs.resolve_job_def("refresh_everything")
        with _instance(warehouse) as instance:
            land_leaderboard_revision(defs, instance, hub.endpoint)
            result = job.execute_in_process(instance=instance, raise_on_error=False, run_config=LOG_INFO)
    report_checks(result)
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        raise SystemExit(f"error: the pipeline failed (steps: {', '.join(failed) or 'unknown'}); "
                         "see the log above")
    rows = mart_row_counts(warehouse)
    print(f"\nbuilt in {time.perf_counter() - began:.1f} s; warehouse: {warehouse}")
    width = max((len(n) for n in rows), default=10)
    for name, count in rows.items():
        print(f"  {MARTS_SCHEMA}.{name:<{width}}  {count:>8} rows")
    print(f"\nreport: {config.report_path(warehouse)}  (open it in a browser; it works offline)")
    print("\nnext:")
    print("  make dev                      # the Dagster UI over this warehouse, at http://127.0.0.1:3000")
    print(f"  observatory sql --warehouse {warehouse} 'from marts.mart_ecosystem_summary'")
    return rows


LOG_INFO = {"loggers": {"console": {"config": {"log_level": "INFO"}}}}


def _instance(warehouse: Path):
    """The Dagster instance of $DAGSTER_HOME, opened under the warehouse lock: two commands starting
    at once must not both create its storage."""
    import dagster as dg

    from ingestion.warehouse_lock import warehouse_write_lock

    with warehouse_write_lock(warehouse, "observatory (opening the Dagster instance)", on_wait=_say):
        return dg.DagsterInstance.get()


def run_partition(defs, instance, job_name: str, partitions_def, key: str, what: str,
                  tags: dict | None = None) -> None:
    """Add ``key`` to a dynamic partitions definition (a no-op when known) and land it in one run of
    ``job_name``; print the checks that did not pass and stop, naming ``what``, when the run fails."""
    instance.add_dynamic_partitions(partitions_def.name, [key])
    result = defs.resolve_job_def(job_name).execute_in_process(
        instance=instance, partition_key=key, tags=tags, raise_on_error=False, run_config=LOG_INFO)
    report_checks(result)
    if not result.success:
        raise SystemExit(f"error: {what} failed; nothing downstream was rebuilt (see the log above)")


def backfill_leaderboard_archive(defs, instance, folder: Path) -> list[str]:
    """One partition per snapshot date of the folder's exports, each landed and checked in its own run
    (re-running a date replaces it exactly). Stops at the first snapshot that fails, naming it."""
    from ingestion.leaderboard import LeaderboardSchemaError
    from ingestion.loads import archive_snapshot_dates
    from orchestration.leaderboard import leaderboard_snapshots

    try:
        dates = archive_snapshot_dates(folder)
    except (LeaderboardSchemaError, FileNotFoundError) as exc:
        raise SystemExit(f"error: {exc}") from None
    known = set(instance.get_dynamic_partitions(leaderboard_snapshots.name))
    print(f"leaderboard archive {folder}: {len(dates)} snapshots "
          f"({len([d for d in dates if d not in known])} new partitions)", flush=True)
    for k, snapshot in enumerate(dates, 1):
        print(f"leaderboard archive: snapshot {snapshot} ({k}/{len(dates)})", flush=True)
        run_partition(defs, instance, "leaderboard_archive_load", leaderboard_snapshots, snapshot,
                      f"leaderboard archive snapshot {snapshot}")
    return dates


def land_leaderboard_revision(defs, instance, endpoint: str) -> str:
    """The leaderboard dataset's current revision as its partition, landed and checked in one run (what
    the revision sensor does on a schedule, without the rebuild: the demo's main run follows)."""
    from ingestion.hub import HubClient
    from orchestration.leaderboard import REVISION_TAG, leaderboard_revisions, revision_partition_key

    revision, modified = HubClient(endpoint).dataset_revision(config.LEADERBOARD_REPO_ID)
    key = revision_partition_key(revision, modified)
    print(f"leaderboard dataset {config.LEADERBOARD_REPO_ID}: revision {revision[:12]} (partition {key})",
          flush=True)
    run_partition(defs, instance, "leaderboard_dataset_load", leaderboard_revisions, key,
                  f"leaderboard dataset revision {revision[:12]}", tags={REVISION_TAG: revision})
    return key


def run_backfill(folder: Path, warehouse: Path) -> None:
    """`observatory backfill-leaderboard`: every snapshot of a folder, then one build of the dbt models."""
    warehouse = warehouse.expanduser().resolve()
    folder = folder.expanduser().resolve()
    os.environ[config.WAREHOUSE_ENV] = str(warehouse)
    os.environ[config.LEADERBOARD_ARCHIVE_ENV] = str(folder)
    os.environ["DAGSTER_HOME"] = str(_dagster_home(warehouse))
    prepare_manifest()
    from orchestration.definitions import defs

    with _instance(warehouse) as instance:
        backfill_leaderboard_archive(defs, instance, folder)
        result = defs.resolve_job_def("build_models").execute_in_process(instance=instance, raise_on_error=False,
                                                                        run_config=LOG_INFO)
    report_checks(result)
    if not result.success:
        raise SystemExit("error: building the dbt models failed; see the log above")
    for name, count in mart_row_counts(warehouse).items():
        print(f"  {MARTS_SCHEMA}.{name}  {count} rows")
    print(f"report: {config.report_path(warehouse)}")


@contextmanager
def reading(warehouse: Path, who: str):
    """A read-only connection to an existing warehouse. DuckDB opens no reader beside a writing
    process, so it first waits (and says so) for the write lock."""
    import duckdb

    from ingestion.warehouse_lock import warehouse_write_lock

    if not Path(warehouse).is_file():
        raise SystemExit(f"error: no warehouse at {warehouse} (run `make demo` first)")
    with warehouse_write_lock(warehouse, who, on_wait=_say), \
            duckdb.connect(str(warehouse), read_only=True) as con:
        yield con


def write_report_now(warehouse: Path, out: Path | None) -> Path:
    """`observatory report`: render the report from the marts as they are, without a pipeline run."""
    from orchestration.report.build import write_report

    warehouse = warehouse.expanduser().resolve()
    path = (out.expanduser().resolve() if out else config.report_path(warehouse))
    with reading(warehouse, "observatory report") as con:
        summary = write_report(con, path, source=warehouse.name)
    print(f"report: {path} ({summary.charts} charts in {summary.sections} sections)")
    if summary.empty_marts:
        print(f"  no rows to chart in: {', '.join(summary.empty_marts)}")
    return path


def report_checks(result) -> None:
    """Print every check that did not pass: name, severity and what it found (with example values)."""
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    if not failed:
        return
    print("\nchecks that did not pass:", flush=True)
    for evaluation in failed:
        name = f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}"
        print(f"  [{evaluation.severity.value}] {name}", flush=True)
        if evaluation.description:
            print(f"      {evaluation.description}", flush=True)


def mart_row_counts(warehouse: Path) -> dict[str, int]:
    with reading(warehouse, "observatory demo (row counts)") as con:
        names = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = ? order by table_name",
            [MARTS_SCHEMA]).fetchall()]
        return {n: con.execute(f'select count(*) from {MARTS_SCHEMA}."{n}"').fetchone()[0] for n in names}


def run_sql(query: str, warehouse: Path) -> None:
    import duckdb

    with reading(warehouse, "observatory sql") as con:
        try:
            con.sql(query).show(max_width=200)
        except duckdb.Error as exc:
            raise SystemExit(f"error: {exc}") from None


def generate_docs(warehouse: Path) -> Path:
    """`observatory docs`: `dbt docs generate` over the warehouse (the catalog reads its tables), written
    beside it in dbt_docs/; static_index.html there is one self-contained page that opens offline."""
    from ingestion.warehouse_lock import warehouse_write_lock

    warehouse = warehouse.expanduser().resolve()
    if not warehouse.is_file():
        raise SystemExit(f"error: no warehouse at {warehouse} (run `make demo` first)")
    target = warehouse.parent / "dbt_docs"
    env = {**os.environ, config.WAREHOUSE_ENV: str(warehouse)}
    with warehouse_write_lock(warehouse, "observatory docs", on_wait=_say):
        done = subprocess.run([dbt_executable(), "docs", "generate", "--static", "--quiet",
                               "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                               "--target-path", str(target)], env=env)
    if done.returncode != 0:
        raise SystemExit("error: dbt docs generate failed; see its output above")
    page = target / "static_index.html"
    print(f"dbt docs: {page}  (open it in a browser, or: dbt docs serve --target-path {target} "
          f"--project-dir {DBT_PROJECT_DIR} --profiles-dir {DBT_PROJECT_DIR})")
    return page


def _say(message: str) -> None:
    print(message, flush=True)


def _warehouse_option(command: argparse.ArgumentParser) -> None:
    command.add_argument("--warehouse", type=Path,
                         help=f"DuckDB file (default: ${config.WAREHOUSE_ENV} or {config.DEFAULT_WAREHOUSE})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="observatory", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="run the whole pipeline offline against a local Hub stand-in")
    demo.add_argument("--hub-dump", type=Path, help="serve this Hub dump directory instead of generating one")
    demo.add_argument("--leaderboard-archive", type=Path, help="also import the archived CSV exports in this folder")
    _warehouse_option(demo)
    demo.add_argument("--models", type=int, default=3000, help="size of the generated dump (default 3000)")
    demo.add_argument("--seed", type=int, default=42)

    gen = sub.add_parser("generate", help="write a synthetic Hub dump and leaderboard archive")
    gen.add_argument("out", type=Path)
    gen.add_argument("--models", type=int, default=3000)
    gen.add_argument("--seed", type=int, default=42)

    serve = sub.add_parser("serve-hub", help="serve a Hub dump directory on 127.0.0.1")
    serve.add_argument("dump", type=Path)
    serve.add_argument("--port", type=int, default=0)

    backfill = sub.add_parser("backfill-leaderboard",
                              help="land every snapshot of a folder of archived leaderboard exports (one partition "
                                   "per file date), then rebuild the dbt models")
    backfill.add_argument("folder", type=Path)
    _warehouse_option(backfill)

    sub.add_parser("manifest", help="prepare the dbt manifest the Dagster definitions load")

    report = sub.add_parser("report", help="write the HTML report from the marts as they are now")
    _warehouse_option(report)
    report.add_argument("--out", type=Path, help=f"HTML file (default: ${config.REPORT_ENV} or "
                                                 "report/<warehouse>.html beside the warehouse)")

    docs = sub.add_parser("docs", help="generate the dbt docs (models, columns, tests, lineage) for the warehouse")
    _warehouse_option(docs)

    sql = sub.add_parser("sql", help="run a read-only SQL query on the warehouse and print the result")
    sql.add_argument("query")
    _warehouse_option(sql)

    args = parser.parse_args(argv)
    warehouse = Path(getattr(args, "warehouse", None) or config.warehouse_path())
    if args.command == "demo":
        run_demo(args.hub_dump, args.leaderboard_archive, warehouse, models=args.models, seed=args.seed)
    elif args.command == "generate":
        from ingestion.synthetic import main as generate_main

        generate_main([str(args.out), "--models", str(args.models), "--seed", str(args.seed)])
    elif args.command == "serve-hub":
        from ingestion.fake_hub import main as serve_main

        serve_main([str(args.dump), "--port", str(args.port)])
    elif args.command == "backfill-leaderboard":
        run_backfill(args.folder, warehouse)
    elif args.command == "report":
        write_report_now(warehouse, args.out)
    elif args.command == "docs":
        generate_docs(warehouse)
    elif args.command == "manifest":
        print(prepare_manifest(force=True))
    elif args.command == "sql":
        run_sql(args.query, warehouse)


if __name__ == "__main__":
    main()
