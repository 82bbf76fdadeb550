"""Data quality: the suite engine, the verdict history and the quarantine (schema ``quality``).

    suites.py      Rule, RuleResult, run_suite (Great Expectations, ephemeral context), volume_rule
    history.py     owns schema ``quality``: check_results (every verdict) and quarantine
    results.py     verdicts as Dagster AssetCheckResults with self-explaining metadata
    resources.py   QualityResource: drift and volume thresholds and severities

Each source's rules and checks live with the source: orchestration/<source>/{expectations,checks}.py.
"""
