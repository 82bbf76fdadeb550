"""Benchmark: the adoption history at Hub scale: storage per model per snapshot, and what it adds to the build.

    .venv/bin/python bench/history.py [--models 2000000] [--days 90] [--max-depth 20] [--workdir DIR]

Lands the generated dump of --models models (bench/common.py, cached in --workdir) into a new warehouse and, in
one run: (1) `dbt build` with an empty history (the build without history); (2) day 1 recorded through the
pipeline's own code (ingestion.hub.history.record_snapshot, timed), days 2..--days written straight into
raw.hub_model_snapshots in the same layout (every model seen every day, as daily full crawls would: the worst
case; 30-day downloads moving by a log-normal factor a day, all-time downloads and likes growing); the bytes
the history takes on disk (its table's blocks, and the file's growth) per model per snapshot; (3) `dbt build`
over the whole history (its first build: every day); (4) one more day of every model, then `dbt build` again:
the daily build, which the incremental models make read the day before and the new day only. Targets
(issue 15): under 10 bytes per model per snapshot on disk; the daily build with history under a minute more
than the build without. Figures, not a test.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import dump_and_archive, land_warehouse, run_measured, scale_arguments  # noqa: E402

TARGET_BYTES = 10.0
TARGET_EXTRA_S = 60.0
FIRST_DAY = date(2025, 1, 1)
HISTORY_NODES = ("stg_hub__model_snapshots", "stg_hub__model_keys", "int_model_adoption_keys",
                 "int_model_adoption_daily", "int_license_drift_edges", "int_license_conflicts",
                 "mart_download_concentration", "mart_family_adoption", "mart_adoption_trends", "mart_license_drift")


def dbt_build(workdir: Path, env: dict) -> tuple[float, float, dict[str, float]]:
    """One `dbt build` as the pipeline runs it: wall seconds, peak RSS (MB) and seconds per node."""
    from orchestration.dbt.project import DBT_PROJECT_DIR, dbt_executable

    began = time.perf_counter()
    out, status, rss_mb = run_measured([dbt_executable(), "build", "--exclude-resource-type", "unit_test",
                                        "--exclude", "source:*", "--project-dir", str(DBT_PROJECT_DIR),
                                        "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path",
                                        str(workdir / "target")], env=env, cwd=DBT_PROJECT_DIR)
    seconds = time.perf_counter() - began
    if status:
        print("\n".join(line for line in out.splitlines() if "ERROR" in line or "FAIL" in line or "Error" in line))
        raise SystemExit(f"dbt build failed (exit {status})")
    results = json.loads((workdir / "target" / "run_results.json").read_text())["results"]
    nodes = {r["unique_id"].split(".")[-1]: r["execution_time"] for r in results if r["unique_id"].startswith("model.")}
    return seconds, rss_mb, nodes


def write_days(con, days: int, start: int = 1) -> float:
    """Days ``start`` + 1..``days`` of every model, in the layout record_snapshot writes (model order), moving
    from day 1's values. Returns seconds."""
    con.execute("select setseed(0.15)")
    con.execute("""create or replace temp table _base as
                   select model_key, coalesce(downloads, 0) as downloads, coalesce(downloads_all_time, 0) as total,
                          coalesce(likes, 0) as likes, observed_at
                   from raw.hub_model_snapshots where snapshot_day = ?""", [FIRST_DAY])
    began = time.perf_counter()
    for n in range(start, days):
        day = FIRST_DAY + timedelta(days=n)
        con.execute("""
            insert into raw.hub_model_snapshots
            select ?, model_key, true,
                   least(2147483647, round(downloads * exp(0.15 * sqrt(-2 * ln(1 - random()))
                                                       * cos(2 * pi() * random()))))::integer,
                   total + ? * downloads // 30,
                   (likes + ? * (random() < least(1.0, downloads / 5000.0))::int)::integer,
                   null, observed_at + ? * interval 1 day
            from _base order by model_key""", [day, n, n, n])
        if n % 10 == 0:
            print(f"  day {n + 1}/{days} written ({time.perf_counter() - began:.0f} s)", flush=True)
    return time.perf_counter() - began


def history_bytes(con) -> int:
    """Bytes of the blocks raw.hub_model_snapshots occupies."""
    block = con.execute("select block_size from pragma_database_size() limit 1").fetchone()[0]
    return con.execute("select count(distinct block_id) from pragma_storage_info('raw.hub_model_snapshots') "
                       "where block_id >= 0").fetchone()[0] * block


def main() -> None:
    parser = scale_arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=90)
    args = parser.parse_args()

    from ingestion.hub.history import record_snapshot
    from ingestion.warehouse import connect
    from orchestration.dbt.project import prepare_manifest

    dump, archive = dump_and_archive(args.workdir, args.models, args.max_depth)
    warehouse = args.workdir / "history.duckdb"
    n = land_warehouse(warehouse, dump, archive)
    print(f"landed {n:,} models", flush=True)
    prepare_manifest()
    env = dict(os.environ, OBSERVATORY_WAREHOUSE=str(warehouse))

    without_s, without_rss, _ = dbt_build(args.workdir, env)
    print(f"dbt build without history: {without_s:.1f} s, peak RSS {without_rss:,.0f} MB", flush=True)

    with connect(warehouse) as con:
        con.execute("checkpoint")
        size_before = warehouse.stat().st_size
        began = time.perf_counter()
        first = record_snapshot(con, FIRST_DAY)
        snapshot_s = time.perf_counter() - began
        print(f"day 1 recorded by record_snapshot: {first.seen:,} models in {snapshot_s:.1f} s", flush=True)
        write_s = write_days(con, args.days)
        con.execute("checkpoint")
        stored = history_bytes(con)
        rows = con.execute("select count(*) from raw.hub_model_snapshots").fetchone()[0]
    growth = warehouse.stat().st_size - size_before
    per_table, per_file = stored / rows, growth / rows

    first_s, first_rss, first_nodes = dbt_build(args.workdir, env)
    print(f"first dbt build over {args.days} days: {first_s:.1f} s, peak RSS {first_rss:,.0f} MB", flush=True)
    with connect(warehouse) as con:
        write_days(con, args.days + 1, start=args.days)
    with_s, with_rss, nodes = dbt_build(args.workdir, env)
    extra = with_s - without_s
    print(f"\nadoption history of {n:,} models x {args.days} daily snapshots ({rows:,} rows), "
          f"{os.cpu_count()} cores:")
    print(f"  record_snapshot of one day (all models)  {snapshot_s:7.1f} s")
    print(f"  days 2..{args.days} written directly           {write_s:7.1f} s")
    print(f"  on disk, the history table's blocks      {stored / 1e6:7.1f} MB = {per_table:.2f} bytes per model per "
          f"snapshot (target < {TARGET_BYTES:.0f}: {'met' if per_table < TARGET_BYTES else 'MISSED'})")
    print(f"  growth of the warehouse file             {growth / 1e6:7.1f} MB = {per_file:.2f} bytes per model per "
          "snapshot (keys and free blocks included)")
    print(f"  dbt build without history                {without_s:7.1f} s (peak RSS {without_rss:,.0f} MB)")
    print(f"  first dbt build over {args.days} days (every day)  {first_s:7.1f} s (peak RSS {first_rss:,.0f} MB)")
    print(f"  daily dbt build, day {args.days + 1} added          {with_s:7.1f} s (peak RSS {with_rss:,.0f} MB): "
          f"+{extra:.1f} s (target < +{TARGET_EXTRA_S:.0f} s: {'met' if extra < TARGET_EXTRA_S else 'MISSED'})")
    print("  the history models (first build, daily build):")
    for node in HISTORY_NODES:
        print(f"    {first_nodes.get(node, float('nan')):7.1f} s  {nodes.get(node, float('nan')):7.1f} s  {node}")


if __name__ == "__main__":
    main()
