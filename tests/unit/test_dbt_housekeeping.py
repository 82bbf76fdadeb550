"""Per-invocation dbt target folders do not pile up: the newest few stay, older ones go."""

from __future__ import annotations

import json
import os
from pathlib import Path
from uuid import uuid4

from orchestration.dbt.project import INVOCATION_PREFIX, prune_invocation_dirs


def test_only_the_newest_invocation_folders_are_kept(tmp_path):
    for i in range(8):
        folder = tmp_path / f"{INVOCATION_PREFIX}{i:02d}"
        folder.mkdir()
        (folder / "run_results.json").write_text("{}")
        os.utime(folder, (1_000_000 + i, 1_000_000 + i))
    (tmp_path / "manifest.json").write_text("{}")
    (tmp_path / "compiled").mkdir()

    removed = prune_invocation_dirs(tmp_path, keep=5)

    assert sorted(p.name for p in removed) == [f"{INVOCATION_PREFIX}{i:02d}" for i in range(3)]
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == ["compiled", "manifest.json"] + [f"{INVOCATION_PREFIX}{i:02d}" for i in range(3, 8)]


def test_nothing_to_prune_is_fine(tmp_path):
    assert prune_invocation_dirs(tmp_path / "absent", keep=5) == []


def test_an_invocation_starts_from_the_parse_of_the_last_one_on_the_same_warehouse(tmp_path, monkeypatch,
                                                                                   dbt_manifest):
    """The project's saved parse was made for another warehouse path (dbt's profile names the file), so dbt
    would parse the whole project again on every invocation; the parse kept per warehouse spares that from
    the second invocation on. A new warehouse of the same file name elsewhere borrows it (the database name is
    the same, only the folder differs); one of another name never does."""
    from orchestration.dbt import parse_cache
    from orchestration.dbt.parse_cache import keep_parse
    from orchestration.dbt.project import ObservatoryDbtCli, dbt_executable, dbt_project

    monkeypatch.setattr(parse_cache, "PARSE_CACHE", tmp_path / "parses")
    resource = ObservatoryDbtCli(project_dir=dbt_project, dbt_executable=dbt_executable())

    def reparsed(warehouse: str) -> bool:
        monkeypatch.setenv("OBSERVATORY_WAREHOUSE", str(tmp_path / warehouse))
        invocation = resource.cli(["ls", "--resource-type", "seed", "--output", "json",
                                   "--output-keys", "database"], target_path=tmp_path / "target" / uuid4().hex)
        lines = [event.raw_event["info"]["msg"] for event in invocation.stream_raw_events()
                 if event.raw_event["info"]["name"] == "PrintEvent"]
        invocation.wait()
        # no dbt adapter in this process: dagster-dbt's costs 0.5-1.7 s per invocation, for row counts and
        # column metadata the project reads itself (ObservatoryDbtCli)
        assert invocation.adapter is None
        assert lines and {json.loads(line)["database"] for line in lines} == {Path(warehouse).stem}
        keep_parse(invocation.target_path)
        log = (invocation.target_path / "dbt.log").read_text()
        assert "Unable to do partial parsing" not in log or "profile has changed" in log, log
        return "profile has changed" in log

    assert reparsed("a.duckdb"), "the first invocation on a new warehouse parses everything"
    assert not reparsed("a.duckdb"), "the second starts from the first one's parse"
    assert reparsed("b.duckdb"), "another warehouse name does not take a's parse"
    assert not reparsed("elsewhere/a.duckdb"), "a warehouse of the same name in another folder borrows a's parse"
    assert len(list((tmp_path / "parses").glob("[!l]*.msgpack"))) == 3  # one per warehouse


def test_a_parse_is_not_lent_when_its_hash_is_not_the_one_dbt_would_have_made(tmp_path, monkeypatch):
    """The borrowed parse differs from the lender's in the profile hash alone, computed as dbt computes it; a
    file whose hash is not found (another dbt version, a changed profile) is not lent, and dbt parses all."""
    from orchestration.dbt import parse_cache

    monkeypatch.setattr(parse_cache, "PARSE_CACHE", tmp_path / "parses")
    monkeypatch.setenv("OBSERVATORY_WAREHOUSE", str(tmp_path / "one" / "w.duckdb"))
    one = parse_cache.profile_hash(os.environ)[1]
    target = tmp_path / "target"
    target.mkdir()
    (target / parse_cache.PARTIAL_PARSE).write_bytes(b"...profile_hash..." + one.encode() + b"...")
    parse_cache.keep_parse(target)

    monkeypatch.setenv("OBSERVATORY_WAREHOUSE", str(tmp_path / "two" / "w.duckdb"))
    two = parse_cache.profile_hash(os.environ)[1]
    assert two != one
    assert parse_cache.lend_parse() == b"...profile_hash..." + two.encode() + b"..."

    (target / parse_cache.PARTIAL_PARSE).write_bytes(b"...profile_hash..." + b"0" * 64 + b"...")
    monkeypatch.setenv("OBSERVATORY_WAREHOUSE", str(tmp_path / "one" / "w.duckdb"))
    parse_cache.keep_parse(target)
    monkeypatch.setenv("OBSERVATORY_WAREHOUSE", str(tmp_path / "three" / "w.duckdb"))
    assert parse_cache.lend_parse() is None
    assert parse_cache.start_from_saved_parse(tmp_path / "fresh") == "none"
    assert not (tmp_path / "fresh" / parse_cache.PARTIAL_PARSE).exists()
