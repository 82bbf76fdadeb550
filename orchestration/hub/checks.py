"""The gate of raw/hub_models: every landed crawl is checked, then made visible or rejected, atomically.

The Great Expectations suite, the duplicate-id rules and the volume rule run on the crawls that
wait with status 'landed' (their records still in raw.hub_models_loading). In the same transaction
as the verdicts: if no ERROR rule failed, each crawl is promoted into raw.hub_models (oldest first)
and rows failing a QUARANTINE rule go to quality.quarantine; otherwise every checked crawl moves to
raw.hub_models_rejected and raw.hub_models keeps exactly what it had, so no later build reads it.

Then, in the same step, the gate runs dbt's tests of the raw.hub_models and raw.hub_model_removals sources
(compiled by dbt: orchestration/dbt/source_tests.py); each is a blocking check of its raw asset.
"""

import dagster as dg

from ingestion.hub.landing import landed_crawls, promote_crawl, reject_crawl
from ingestion.warehouse import transaction
from orchestration.evals import expectations as evals
from orchestration.hub.expectations import HUB_KEYS, hub_frame, hub_model_rules
from orchestration.dbt.source_tests import run_source_tests, source_test_specs
from orchestration.quality.history import quarantine_rows, record_dbt_results, record_results
from orchestration.quality.resources import QualityResource
from orchestration.quality.results import check_result, failure_summary
from orchestration.quality.suites import ERROR, WARN, RuleResult, run_suite, volume_rule
from orchestration.resources import WarehouseResource

ASSET = "raw/hub_models"
CHECK = "hub_models_expectations"


SOURCE_KEYS = [dg.AssetKey(["raw", "hub_models"]), dg.AssetKey(["raw", "hub_model_removals"])]


@dg.multi_asset_check(
    specs=[dg.AssetCheckSpec(
        CHECK, asset=SOURCE_KEYS[0], blocking=True,
        description="The gate of the Hub crawl: a Great Expectations suite (ids, counts, dates, flags, parameter "
                    "counts), duplicate ids and the full-crawl volume, on every crawl that waits to be accepted. "
                    "Passed: the crawl becomes visible in raw.hub_models. An ERROR rule failed: the crawl moves to "
                    "raw.hub_models_rejected, nothing downstream runs, and no later build reads it. Rows failing a "
                    "QUARANTINE rule go to quality.quarantine."),
           dg.AssetCheckSpec(
               evals.CHECK, asset=dg.AssetKey(["raw", "hub_eval_results"]), blocking=False,
               # the registered benchmarks' tasks are known before the entries are judged
               additional_deps=[dg.AssetKey(["raw", "hub_benchmarks"])],
               description="Great Expectations on the Community Evals of the crawls the gate checks, before they "
                           "are made visible: an implausible date or value goes to quality.quarantine "
                           "(int_evaluations leaves it out); a task reported on two scales, a benchmark that is "
                           "not registered, a task reported twice in one record are warnings. Never rejects a "
                           "crawl."),
           *source_test_specs(SOURCE_KEYS)],
    description="The gate of raw/hub_models, then dbt's tests of the raw.hub_models and raw.hub_model_removals "
                "sources on what it made visible.",
)
def hub_models_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                            quality: QualityResource):
    with warehouse.write_lock(context):  # one writer from the verdicts to dbt's source tests
        yield from gate(context, warehouse, quality)
        with warehouse.connect(context) as con:
            verdicts, results = run_source_tests(context, con, SOURCE_KEYS)
            record_dbt_results(con, verdicts, context.op_execution_context.run_id)
    yield from results


def gate(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource, quality: QualityResource):
    """Check every landed crawl; promote them all or reject them all (see the module's docstring). Yields the
    verdict on the models, then the one on their Community Evals."""
    run_id = context.op_execution_context.run_id
    with warehouse.connect(context) as con:
        crawl_ids = landed_crawls(con)
        frame = hub_frame(con, crawl_ids)
        context.log.info(f"checking {len(frame)} records of {len(crawl_ids)} landed crawl(s)")
        results = run_suite(frame, hub_model_rules(), "hub_models", HUB_KEYS)
        results += duplicate_rules(con, crawl_ids, quality) + [crawl_volume_rule(con, crawl_ids, quality)]
        eval_frame = evals.eval_frame(con, crawl_ids)
        eval_results = run_suite(eval_frame, evals.eval_rules(), "hub_eval_results", evals.EVAL_KEYS)
        accepted = not any(r.severity == ERROR and not r.passed for r in results)
        removed = quarantined = eval_quarantined = 0
        with transaction(con):
            record_results(con, ASSET, CHECK, results, run_id, ",".join(crawl_ids))
            record_results(con, evals.ASSET, evals.CHECK, eval_results, run_id, ",".join(crawl_ids))
            if accepted:
                quarantined = quarantine_rows(con, ASSET, CHECK, results, run_id,
                                              {"listing_is_public": "private"})
                eval_quarantined = quarantine_rows(con, evals.ASSET, evals.CHECK, eval_results, run_id,
                                                   {"eval_date_plausible": "evaluated_at"})
                for crawl_id in crawl_ids:
                    removed += promote_crawl(con, crawl_id)
                con.execute("update raw.hub_crawls set verified_at = now() where crawl_id in (select unnest(?))",
                            [crawl_ids])
            else:
                reason = failure_summary([r for r in results if r.severity == ERROR and not r.passed])
                for crawl_id in reversed(crawl_ids):
                    reject_crawl(con, crawl_id, reason)
    if quarantined:
        context.log.warning(f"{quarantined} Hub records quarantined (see quality.quarantine)")
    if crawl_ids and not accepted:
        context.log.error(f"crawl(s) {', '.join(crawl_ids)} rejected: moved to raw.hub_models_rejected; "
                          "raw.hub_models is unchanged")
    verdict = ("accepted" if accepted else "rejected") if crawl_ids else "(nothing)"
    yield check_result(results, {"crawls_checked": ", ".join(crawl_ids) or "(none waiting)", "verdict": verdict,
                                 "rows_checked": len(frame), "removed_models_recorded": removed},
                       quarantined=quarantined, asset_key=SOURCE_KEYS[0], check_name=CHECK)
    yield check_result(eval_results, {"crawls_checked": ", ".join(crawl_ids) or "(none waiting)",
                                      "entries_checked": len(eval_frame),
                                      "verdict": f"the crawl was {verdict}" if crawl_ids else "(nothing)"},
                       quarantined=eval_quarantined, asset_key=dg.AssetKey(["raw", "hub_eval_results"]),
                       check_name=evals.CHECK)


def duplicate_rules(con, crawl_ids: list[str], quality: QualityResource) -> list[RuleResult]:
    """An id served twice with the same record (a page boundary that moved) is a warning; served twice with
    different content, the landing would have to pick one: ERROR by default, both versions in the examples."""
    rows = con.execute("""select crawl_id, coalesce(duplicate_records, 0), coalesce(conflicting_duplicates, 0),
                                 duplicate_examples
                          from raw.hub_crawls where crawl_id in (select unnest(?))""", [crawl_ids]).fetchall()
    repeated = sum(d for _, d, _, _ in rows)
    conflicting = sum(c for _, _, c, _ in rows)
    examples = [{"crawl_id": c, "examples": e} for c, _, n, e in rows if n]
    return [
        RuleResult("listing_ids_served_once", WARN, repeated == 0,
                   "each id is served once per crawl (the last record served is kept)", repeated,
                   [{"crawl_id": c, "duplicate_records": d} for c, d, _, _ in rows if d][:5]),
        RuleResult("duplicate_ids_agree", quality.duplicate_id_severity.value, conflicting == 0,
                   "an id served twice in one crawl carries the same record both times", conflicting, examples[:5]),
    ]


def crawl_volume_rule(con, crawl_ids: list[str], quality: QualityResource) -> RuleResult:
    """A full crawl that lost more than the configured share of the previous full crawl's models."""
    current = con.execute("""select records, scope from raw.hub_crawls where crawl_id in (select unnest(?))
                             and mode = 'full' order by finished_at desc limit 1""", [crawl_ids]).fetchone()
    previous = None
    if current:
        row = con.execute("""select records from raw.hub_crawls where status = 'complete' and mode = 'full'
                             and scope = ? order by finished_at desc limit 1""", [current[1]]).fetchone()
        previous = row[0] if row else None
    return volume_rule("full_crawl_volume", previous, current[0] if current else 0, quality.max_row_drop,
                       quality.volume_severity.value)
