"""Every mart declares how fresh it must be; a mart that has not been built within that window fails
its freshness check, and passes once it is built."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

# orchestration.freshness loads the dbt manifest: imported inside the tests, after the dbt_manifest
# fixture has prepared it (a clean checkout has none at collection time)


def test_every_mart_declares_its_freshness(dbt_manifest):
    from orchestration.dbt.freshness import mart_freshness_hours

    hours = mart_freshness_hours()
    marts = {k for k in hours if k.path[0] == "marts"}
    assert len(marts) == 13, sorted(k.to_user_string() for k in marts)
    assert all(h == 26 for h in hours.values())


def _evaluate(checks, instance) -> dict[str, bool]:
    keys = sorted({k for c in checks for k in c.check_keys}, key=str)
    defs = dg.Definitions(
        assets=[dg.AssetSpec(k) for k in {k.asset_key for k in keys}],
        asset_checks=checks,
        jobs=[dg.define_asset_job("freshness", selection=dg.AssetSelection.checks(*checks))],
    )
    result = defs.resolve_job_def("freshness").execute_in_process(instance=instance, raise_on_error=False)
    return {e.asset_key.to_user_string(): e.passed for e in result.get_asset_check_evaluations()}


def test_a_stale_mart_fails_its_check_and_a_fresh_one_passes(dbt_manifest):
    from orchestration.dbt.freshness import build_freshness_checks

    checks = build_freshness_checks()
    with dg.instance_for_test() as instance:
        before = _evaluate(checks, instance)
        assert before and not any(before.values()), "never built: every mart is stale"
        instance.report_runless_asset_event(dg.AssetMaterialization(dg.AssetKey(["marts", "mart_ecosystem_summary"])))
        after = _evaluate(checks, instance)
        assert after["marts/mart_ecosystem_summary"] is True
        assert after["marts/mart_author_concentration"] is False


def test_the_window_is_the_declared_one(dbt_manifest):
    from orchestration.dbt.freshness import build_freshness_checks

    (check,) = [c for c in build_freshness_checks() if dg.AssetKey(["marts", "mart_ecosystem_summary"]) in
                {k.asset_key for k in c.check_keys}]
    spec = next(iter(check.check_specs))
    assert spec.metadata["dagster/freshness_params"].data["lower_bound_delta_seconds"] == timedelta(hours=26).total_seconds()
