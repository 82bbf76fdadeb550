"""Helpers of the quality-gate tests: corrupt an input, run the demo on it, check that it was blocked."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import duckdb

from ingestion.settings import published_dir

from tests.conftest import mart_fingerprint as fingerprint
from tests.conftest import run_cli


def demo_may_fail(*args: str) -> subprocess.CompletedProcess:
    return run_cli("demo", *args)


BUILD_RAN = re.compile(r"Running dbt command: `\S+ build")  # (the gate's `dbt test` of the sources may run)


def failed_rules(warehouse: Path) -> set[tuple[str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        run_id = con.execute("select arg_max(run_id, checked_at) from quality.check_results").fetchone()[0]
        return set(con.execute("select check_name, rule from quality.check_results "
                               "where not passed and severity = 'ERROR' and run_id = ?", [run_id]).fetchall())


def published_state(warehouse: Path) -> tuple[list[str], str]:
    """The published versions beside ``warehouse`` and the one `current` points at."""
    root = published_dir(warehouse)
    return sorted(p.name for p in root.iterdir()), os.readlink(root / "current")


def rewrite_first_records(dump: Path, change, n: int = 1) -> list[str]:
    path = dump / "models.jsonl"
    lines = path.read_text().splitlines()
    ids = []
    for i in range(n):
        record = json.loads(lines[i])
        change(record)
        ids.append(record["id"])
        lines[i] = json.dumps(record)
    path.write_text("\n".join(lines) + "\n")
    return ids


def run_case(warehouse, dump, archive=None):
    """The demo on a corrupted copy. A Hub-side case passes no archive: the leaderboard snapshots it would
    land again are already in the copy, and the gate under test is the Hub's."""
    archive_args = ("--leaderboard-archive", str(archive)) if archive is not None else ()
    return demo_may_fail("--hub-dump", str(dump), *archive_args, "--warehouse", str(warehouse))


def assert_blocked(out, warehouse, before, published, check, rules, later_build: bool = False):
    """The run failed at the right gate on each of ``rules`` (one rule or several: every rule of severity
    error that failed blocks the batch), nothing downstream ran, the batch was rejected (moved out of raw).

    With ``later_build``, a later valid build (one good export backfilled, then every model) leaves every mart
    as it was. That build costs a whole run, so one case per kind of batch asks for it (a crawl rejected by
    the Hub's gate, an archive file by the leaderboard's, a second export of one date): how a batch is
    rejected does not depend on which rule rejected it."""
    assert out.returncode != 0, "the run must fail"
    assert check in out.stderr + out.stdout
    failed = failed_rules(warehouse)
    for rule in [rules] if isinstance(rules, str) else rules:
        assert (check, rule) in failed, f"{rule} failed and blocked the batch"
    assert not BUILD_RAN.search(out.stderr + out.stdout), "downstream dbt models did not run"
    assert fingerprint(warehouse) == before, "previously built marts are unchanged"
    assert published_state(warehouse) == published, "a failed run publishes nothing"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rejected = con.execute("select (select count(*) from raw.hub_models_rejected) + "
                               "(select count(*) from raw.leaderboard_rejected)").fetchone()[0]
        waiting = con.execute("select (select count(*) from raw.hub_models_loading) + "
                              "(select count(*) from raw.leaderboard_loading)").fetchone()[0]
    assert rejected > 0 and waiting == 0, "the rejected batch left raw, nothing waits"
    if not later_build:
        return
    later = run_cli("backfill-leaderboard", str(warehouse.parent / "one_good_export"), "--warehouse", str(warehouse))
    assert later.returncode == 0, later.stdout[-2000:] + later.stderr[-2000:]
    assert fingerprint(warehouse) == before, "a later valid build reads nothing of the rejected batch"
