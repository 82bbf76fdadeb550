"""dbt in Dagster: the project and its manifest, the dbt models as assets, their freshness.

    project.py     paths, DbtProject, prepare_manifest (`dbt parse`), the translator, target-folder pruning
    parse_cache.py dbt's saved parse, kept per warehouse and lent to a new warehouse of the same name
    assets.py      observatory_dbt_models: `dbt build` (seeds, models, tests as checks) with table metadata
    verdicts.py    dbt test results as rows of the quality history
    source_tests.py  dbt's tests of sources as checks of the raw assets (compiled by dbt, run by the raw assets' gates)
    freshness.py   each mart's FreshnessPolicy, from its `meta.freshness_hours`
"""
