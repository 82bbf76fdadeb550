"""Benchmark: `dbt build` of every model at Hub scale, against one parse of the raw records.

    .venv/bin/python bench/dbt_build.py [--models 2000000] [--max-depth 20] [--workdir DIR]
                                        [--fingerprint-out FILE]

Generates a dump of --models models with lineage chains up to --max-depth (cached in --workdir), lands it
straight into raw.hub_models of a new warehouse (DuckDB reads the JSON lines; the HTTP path is measured by
bench/ingest.py) with a synthetic leaderboard archive whose models are the dump's first 20,000. Then, in the
same run: (1) the seconds to parse every raw record once (one json_extract of every field staging reads; the
median of three); (2) `dbt build` (models and tests) in a child process: wall time, peak RSS, the slowest
nodes; (3) the floor under it: the same compiled SQL of every model as bare DuckDB statements, one after
another on one connection, without dbt and without tests (bench/overhead.py's side (a)). Targets (issue 16):
the build within 4x the one parse, peak RSS under 2 GB, on this 2-core machine. Prints a fingerprint of every
mart as dbt built them (--fingerprint-out writes it, to compare two versions of the SQL). Figures, not a test.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    bare_sql_seconds,
    dbt,
    dump_and_archive,
    fresh_target,
    fingerprint,
    land_warehouse,
    one_parse_seconds,
    run_measured,
    scale_arguments,
)

TARGET_RATIO = 4.0
TARGET_RSS_MB = 2048


def main() -> None:
    parser = scale_arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--fingerprint-out", type=Path)
    args = parser.parse_args()

    from orchestration.dbt.project import DBT_PROJECT_DIR, dbt_executable, prepare_manifest

    dump, archive = dump_and_archive(args.workdir, args.models, args.max_depth)
    warehouse = args.workdir / "dbt_bench.duckdb"
    began = time.perf_counter()
    n = land_warehouse(warehouse, dump, archive)
    print(f"landed {n:,} models and the leaderboard archive in {time.perf_counter() - began:.1f} s", flush=True)

    parse_s = one_parse_seconds(warehouse)
    print(f"one parse of the {n:,} raw records (median of three): {parse_s:.1f} s", flush=True)

    prepare_manifest()
    target = fresh_target(args.workdir / "target")
    env = dict(os.environ, OBSERVATORY_WAREHOUSE=str(warehouse))
    # parsed beforehand against this warehouse, as the pipeline's builds are (`observatory manifest` with the
    # same settings; dagster-dbt copies its partial_parse.msgpack into each invocation's target folder)
    dbt("parse", target=target, env=env)
    began = time.perf_counter()
    # the build the pipeline runs: dbt's unit tests check the SQL, not the data, and run in the test suite
    out, status, rss_mb = run_measured([dbt_executable(), "build", "--exclude-resource-type", "unit_test",
                                        "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                                        "--target-path", str(target)], env=env, cwd=DBT_PROJECT_DIR)
    seconds = time.perf_counter() - began
    summary = [line for line in out.splitlines() if "Done." in line or "ERROR" in line or "FAIL" in line]
    print("\n".join(summary[-8:]))
    results = json.loads((target / "run_results.json").read_text())["results"]
    slowest = sorted(results, key=lambda r: r["execution_time"], reverse=True)[:12]
    node_s = sum(r["execution_time"] for r in results)
    ratio = seconds / parse_s
    print(f"\ndbt build of {n:,} models (lineage up to depth {args.max_depth}) on {os.cpu_count()} cores:")
    print(f"  one parse of the raw records  {parse_s:6.1f} s")
    print(f"  dbt build, wall               {seconds:6.1f} s  = {ratio:.1f}x one parse "
          f"(target <= {TARGET_RATIO:.0f}x: {'met' if ratio <= TARGET_RATIO else 'MISSED'})")
    print(f"  sum of node times             {node_s:6.1f} s  ({len(results)} nodes, 2 threads)")
    print(f"  peak RSS                      {rss_mb:6,.0f} MB (target < {TARGET_RSS_MB:,}: "
          f"{'met' if rss_mb < TARGET_RSS_MB else 'MISSED'})")
    print(f"  exit status {status}")
    print("  where the time goes (slowest nodes):")
    for r in slowest:
        print(f"    {r['execution_time']:7.1f} s  {r['unique_id'].split('.', 2)[-1]}")
    prints = fingerprint(warehouse, args.fingerprint_out)
    print(f"  mart fingerprint: {len(prints)} marts"
          + (f", written to {args.fingerprint_out}" if args.fingerprint_out else ""))
    # after the fingerprint: these statements replace the models dbt built (with the same SQL)
    bare_s, n_models = bare_sql_seconds(warehouse, target)
    print(f"  the floor: the {n_models} models' SQL alone (no dbt, no tests, one connection) "
          f"{bare_s:6.1f} s  = {bare_s / parse_s:.1f}x one parse")


if __name__ == "__main__":
    main()
