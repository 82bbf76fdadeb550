"""Every mart declares how fresh it must be, as a Dagster FreshnessPolicy: a mart built within its window passes,
one not rebuilt within it fails (as Dagster's freshness daemon evaluates it), one never built is unknown."""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime, timedelta, timezone

import dagster as dg

from tests.conftest import ROOT

# orchestration.dbt loads the dbt manifest: imported inside the tests, after the dbt_manifest fixture has
# prepared it (a clean checkout has none at collection time)
MART = dg.AssetKey(["marts", "mart_ecosystem_summary"])


def test_every_mart_has_the_declared_freshness_policy(dbt_manifest):
    from orchestration.dbt.assets import observatory_dbt_models

    specs = observatory_dbt_models.specs_by_key
    marts = [k for k in specs if k.path[0] == "marts"]
    assert len(marts) == 18
    for key in marts:
        policy = specs[key].freshness_policy
        assert isinstance(policy, dg.FreshnessPolicy), f"{key.to_user_string()} has no FreshnessPolicy"
        assert policy.fail_window.to_timedelta() == timedelta(hours=26), key.to_user_string()
    assert all(specs[k].freshness_policy is None for k in specs if k.path[0] != "marts"), \
        "only the marts promise freshness"


def test_the_daemon_s_evaluation_passes_a_fresh_mart_and_fails_a_stale_one(dbt_manifest):
    """The evaluator Dagster's freshness daemon runs, on the project's definitions loaded as a code location."""
    from dagster._core.definitions.freshness import FreshnessState
    from dagster._core.definitions.freshness_evaluator import TimeWindowFreshnessPolicyEvaluator
    from dagster._core.test_utils import freeze_time, in_process_test_workspace
    from dagster._core.types.loadable_target_origin import LoadableTargetOrigin

    origin = LoadableTargetOrigin(executable_path=sys.executable, module_name="orchestration.definitions",
                                  attribute="defs", working_directory=str(ROOT))
    built = datetime.now(timezone.utc)
    with dg.instance_for_test() as instance:
        def state(at: datetime, key: dg.AssetKey = MART) -> FreshnessState:
            with freeze_time(at), in_process_test_workspace(instance, origin) as context:
                node = context.asset_graph.get(key)
                return asyncio.run(TimeWindowFreshnessPolicyEvaluator().evaluate_freshness(context, node))

        assert state(built) == FreshnessState.UNKNOWN, "never built: nothing to judge"
        with freeze_time(built):
            instance.report_runless_asset_event(dg.AssetMaterialization(MART))
        assert state(built + timedelta(hours=25)) == FreshnessState.PASS
        assert state(built + timedelta(hours=26, minutes=1)) == FreshnessState.FAIL
