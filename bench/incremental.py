"""Benchmark: the daily incremental refresh, end to end, at Hub scale.

    .venv/bin/python bench/incremental.py [--models 2000000] [--changed 0.01] [--workdir DIR]

A warehouse holding the whole generated dump as one complete crawl of a local Hub stand-in (landed straight
from the JSON lines, as bench/dbt_build.py does: a full crawl over HTTP is measured by bench/ingest.py), with
the leaderboard archive, and the dbt parse a previous day's run on it would have left. Then --changed of the
models get a new lastModified and download count, the stand-in serves the changed dump on the same address,
and the Dagster job `hub_refresh` runs as the daily schedule starts it (mode incremental): the crawl of what
changed, its gate, every dbt model with its tests, the checks, the report. Prints the time of each step and
the total against the target (issue 16: under 60 s). Figures, not a test.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import dump_and_archive, keep_a_previous_runs_parse, land_warehouse, scale_arguments  # noqa: E402
from bench.ingest import change_fraction, free_port, start_hub  # noqa: E402

TARGET_SECONDS = 60


def main() -> None:
    parser = scale_arguments(__doc__.split("\n\n")[0])
    parser.add_argument("--changed", type=float, default=0.01)
    args = parser.parse_args()

    dump, archive = dump_and_archive(args.workdir, args.models, args.max_depth)
    warehouse = args.workdir / "incremental.duckdb"
    endpoint = f"http://127.0.0.1:{free_port()}"
    n = land_warehouse(warehouse, dump, archive)

    from ingestion.warehouse import connect

    with connect(warehouse) as con:  # the landed dump is the last complete crawl of the stand-in
        con.execute("update raw.hub_crawls set endpoint = ?, scope = 'all', mode = 'full', "
                    "started_at = now() - interval 1 hour, finished_at = now() - interval 50 minute, "
                    "records = ? where crawl_id = 'bench'", [endpoint, n])
    changed_dump = args.workdir / f"hub_dump_{args.models}_changed_{args.changed}"
    n_changed = change_fraction(dump, changed_dump, args.changed)
    print(f"landed {n:,} models as a complete crawl; {n_changed:,} of them changed", flush=True)

    os.environ["OBSERVATORY_WAREHOUSE"] = str(warehouse)
    os.environ["OBSERVATORY_HUB_ENDPOINT"] = endpoint
    from orchestration.dbt.project import prepare_manifest

    prepare_manifest()
    keep_a_previous_runs_parse(args.workdir / "incremental_target")
    import dagster as dg

    from orchestration.definitions import defs
    from orchestration.hub.history import today

    hub = start_hub(changed_dump, int(endpoint.rsplit(":", 1)[1]))
    try:
        with tempfile.TemporaryDirectory() as home, dg.DagsterInstance.ephemeral(tempdir=home) as instance:
            began = time.perf_counter()
            result = defs.resolve_job_def("hub_refresh").execute_in_process(
                instance=instance, raise_on_error=False, partition_key=today(),
                run_config={"ops": {"hub_models": {"config": {"mode": "incremental"}}}})
            total = time.perf_counter() - began
            steps = {}
            for event in result.all_events:
                if event.is_step_success or event.is_step_failure:
                    steps[event.step_key] = event
            durations = {e.step_key: e.event_specific_data.duration_ms / 1000 for e in steps.values()
                         if e.is_step_success}
    finally:
        hub.terminate()
        hub.wait()

    print(f"\ndaily incremental refresh of {n:,} models, {n_changed:,} changed, on {os.cpu_count()} cores:")
    for step, seconds in sorted(durations.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds:7.1f} s  {step}")
    failed = [k for k, e in steps.items() if e.is_step_failure]
    print(f"  total {total:.1f} s (target < {TARGET_SECONDS}: {'met' if total < TARGET_SECONDS else 'MISSED'})"
          + (f"; FAILED steps: {', '.join(failed)}" if failed or not result.success else ""))


if __name__ == "__main__":
    main()
