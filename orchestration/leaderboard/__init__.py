"""The Open LLM Leaderboard in Dagster: raw assets, checks, partitions, jobs and sensors, side by side.

    partitions.py    one partition per dataset revision (<commit date>_<sha[:12]>), one per archive snapshot date
    assets.py        raw/leaderboard_hub_results and raw/leaderboard_archive_results
    expectations.py  the Great Expectations rules of a leaderboard table
    checks.py        the gates: suites and drift (blocking, per partition), accept or reject a batch
    jobs.py          leaderboard_refresh, leaderboard_dataset_load, leaderboard_archive_load/_refresh
    sensors.py       leaderboard_revision_sensor (the Hub dataset), leaderboard_archive_sensor (the folder)
    resources.py     LeaderboardArchiveResource
"""
