"""The Hub in Dagster: its raw assets, their checks, and the schedules that refresh them.

    assets.py        raw/hub_models and raw/hub_model_removals (one crawl step; ingestion.hub does the work)
    history.py       raw/hub_model_snapshots: the adoption history, one partition per day, after each crawl
    expectations.py  the Great Expectations rules of a crawl
    checks.py        hub_models_expectations: the gate that accepts (promotes) or rejects a landed crawl,
                     then runs dbt's tests of the raw.hub_models and raw.hub_model_removals sources
    schedules.py     job hub_refresh; schedules hub_incremental_refresh (daily) and hub_full_reconcile (weekly)
"""
