"""The evaluation sources' jobs: refresh the benchmarks, land one MTEB revision (with or without what depends on it)."""

import dagster as dg

from orchestration.dbt.assets import with_dbt_inputs
from orchestration.reliability import alert_on_permanent_failure

BENCHMARKS = dg.AssetSelection.assets(["raw", "hub_benchmarks"], ["raw", "hub_benchmark_leaderboards"])
MTEB = dg.AssetSelection.assets(["raw", "mteb_results"], ["raw", "mteb_models"])

benchmarks_refresh_job = dg.define_asset_job(
    "benchmarks_refresh",
    hooks={alert_on_permanent_failure},
    selection=with_dbt_inputs(BENCHMARKS.downstream()),
    description="Read the registered benchmarks (specs of new revisions, leaderboards), then rebuild the dbt "
                "models that depend on them.",
)

mteb_refresh_job = dg.define_asset_job(
    "mteb_refresh",
    hooks={alert_on_permanent_failure},
    selection=with_dbt_inputs(MTEB.downstream()),
    description="Land one revision of MTEB's results (a partition), then rebuild the dbt models that depend on it.",
)

mteb_load_job = dg.define_asset_job(
    "mteb_load",
    hooks={alert_on_permanent_failure},
    selection=MTEB,
    description="Land one revision of MTEB's results (a partition), nothing downstream (the demo follows it with "
                "one `refresh_everything`).",
)
