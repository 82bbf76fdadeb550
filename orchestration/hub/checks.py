"""Checks on raw/hub_models: the Great Expectations suite (blocking) and the crawl volume."""

import dagster as dg

from ingestion.warehouse import transaction
from orchestration.hub.expectations import HUB_FRAME_SQL, HUB_KEYS, hub_model_rules
from orchestration.quality.history import quarantine_rows, record_results
from orchestration.quality.resources import QualityResource
from orchestration.quality.results import check_result
from orchestration.quality.suites import ERROR, WARN, RuleResult, run_suite, volume_rule
from orchestration.resources import WarehouseResource


@dg.asset_check(asset=["raw", "hub_models"], blocking=True,
                description="Great Expectations suite on every crawl not yet verified: ids, uniqueness, counts, "
                            "dates, flags and parameter counts. ERROR rules block everything downstream; rows "
                            "failing a QUARANTINE rule go to quality.quarantine and the rest flows on.")
def hub_models_expectations(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource):
    run_id = context.op_execution_context.run_id
    with warehouse.connect(context) as con:
        crawls = con.execute("""select crawl_id, coalesce(duplicate_records, 0) from raw.hub_crawls
                                where status = 'complete' and verified_at is null order by finished_at""").fetchall()
        crawl_ids = [c for c, _ in crawls]
        frame = con.execute(HUB_FRAME_SQL, [crawl_ids]).df()
        context.log.info(f"checking {len(frame)} records of {len(crawl_ids)} unverified crawl(s)")
        results = run_suite(frame, hub_model_rules(), "hub_models", HUB_KEYS)
        duplicates = sum(d for _, d in crawls)
        # Explicit rule for a listing quirk: the same id served twice in one crawl (a page boundary that
        # moved). The landing keeps the last record served, so this is recorded, not blocking.
        results.append(RuleResult("listing_ids_served_once", WARN, duplicates == 0,
                                  "each id is served once per crawl (the last record served is kept)",
                                  duplicates, [{"crawl_id": c, "duplicate_records": d} for c, d in crawls if d][:5]))
        with transaction(con):
            con.execute("delete from quality.quarantine where asset = 'raw/hub_models' "
                        "and crawl_id in (select unnest(?))", [crawl_ids])
            quarantined = quarantine_rows(con, "raw/hub_models", "hub_models_expectations", results, run_id,
                                          {"model_id_format": "model_id", "listing_is_public": "private"})
            record_results(con, "raw/hub_models", "hub_models_expectations", results, run_id, ",".join(crawl_ids))
            if not any(r.severity == ERROR and not r.passed for r in results):
                con.execute("update raw.hub_crawls set verified_at = now() where crawl_id in (select unnest(?))",
                            [crawl_ids])
    if quarantined:
        context.log.warning(f"{quarantined} Hub records quarantined (see quality.quarantine)")
    return check_result(results, {"crawls_checked": ", ".join(crawl_ids) or "(none)", "rows_checked": len(frame)},
                        quarantined=quarantined)


@dg.asset_check(asset=["raw", "hub_models"], blocking=True,
                description="Volume: a full crawl that lost more than the configured share of the previous "
                            "full crawl's models is flagged (severity by configuration).")
def hub_models_volume(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource,
                      quality: QualityResource):
    with warehouse.connect(context) as con:
        rows = con.execute("""select records from raw.hub_crawls
                              where status = 'complete' and mode = 'full'
                                and scope = (select scope from raw.hub_crawls where status = 'complete'
                                             order by finished_at desc limit 1)
                              order by finished_at desc limit 2""").fetchall()
        current = rows[0][0] if rows else 0
        previous = rows[1][0] if len(rows) > 1 else None
        results = [volume_rule("full_crawl_volume", previous, current, quality.max_row_drop,
                               quality.volume_severity.value)]
        record_results(con, "raw/hub_models", "hub_models_volume", results, context.op_execution_context.run_id,
                       batch="latest full crawl")
    return check_result(results, {"previous_full_crawl": previous or 0, "latest_full_crawl": current})
