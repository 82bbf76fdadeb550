"""Benchmark: what orchestration adds on top of the SQL of the models.

    .venv/bin/python bench/overhead.py [--models 2000000] [--max-depth 20] [--workdir DIR]

On one landed warehouse (the dump of bench/dbt_build.py, cached in --workdir) and in one run:
(a) the compiled SQL of every dbt model as bare DuckDB statements (`create or replace table|view ... as`),
    one connection, in dependency order, no tests;
(b) the Dagster job `build_models` in this process (dbt build with its tests, the checks, the asset
    metadata, the report);
and prints both, the ratio b/a and its target (issue 16: at most 1.25). Figures, not a test.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    bare_sql_seconds,
    dbt,
    dump_and_archive,
    fresh_target,
    land_warehouse,
    scale_arguments,
)

TARGET_RATIO = 1.25


def dagster_seconds(warehouse: Path) -> tuple[float, bool]:
    """The Dagster job build_models in this process, on a throwaway instance."""
    import dagster as dg

    from orchestration.definitions import defs

    with tempfile.TemporaryDirectory() as home, dg.DagsterInstance.ephemeral(tempdir=home) as instance:
        began = time.perf_counter()
        result = defs.resolve_job_def("build_models").execute_in_process(instance=instance, raise_on_error=False)
        return time.perf_counter() - began, result.success


def main() -> None:
    parser = scale_arguments(__doc__.split("\n\n")[0])
    args = parser.parse_args()

    from orchestration.dbt.parse_cache import keep_parse
    from orchestration.dbt.project import prepare_manifest

    dump, archive = dump_and_archive(args.workdir, args.models, args.max_depth)
    warehouse = args.workdir / "overhead.duckdb"
    n = land_warehouse(warehouse, dump, archive)
    os.environ["OBSERVATORY_WAREHOUSE"] = str(warehouse)
    os.environ.setdefault("DAGSTER_HOME", str(args.workdir / "dagster_home"))
    prepare_manifest()
    target = fresh_target(args.workdir / "overhead_target")
    dbt("seed", target=target)      # the seeds both sides read (not timed)
    dbt("compile", target=target)   # the SQL of (a), compiled against this warehouse
    # the parse of this warehouse, kept as the pipeline's previous run on it would have left it
    # (orchestration/dbt/parse_cache.py: keep_parse); without it dbt parses the whole project again in (b)
    keep_parse(target)
    print(f"landed {n:,} models; seeds loaded; models compiled", flush=True)

    bare, n_models = bare_sql_seconds(warehouse, target)
    print(f"(a) bare SQL of {n_models} models: {bare:.1f} s", flush=True)
    orchestrated, ok = dagster_seconds(warehouse)
    ratio = orchestrated / bare
    print(f"(b) Dagster job build_models (dbt build + tests, checks, metadata, report): {orchestrated:.1f} s"
          f"{'' if ok else ' (the run FAILED)'}")
    print(f"ratio b/a: {ratio:.2f} (target <= {TARGET_RATIO}: {'met' if ratio <= TARGET_RATIO else 'MISSED'})")


if __name__ == "__main__":
    main()
