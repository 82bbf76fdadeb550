"""Per-invocation dbt target folders do not pile up: the newest few stay, older ones go."""

from __future__ import annotations

import os
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
    the second invocation on, and a parse kept for one warehouse is never used for another."""
    from orchestration.dbt import project
    from orchestration.dbt.project import ObservatoryDbtCli, dbt_executable, dbt_project, keep_parse

    monkeypatch.setattr(project, "PARSE_CACHE", tmp_path / "parses")
    resource = ObservatoryDbtCli(project_dir=dbt_project, dbt_executable=dbt_executable())

    def reparsed(warehouse: str) -> bool:
        monkeypatch.setenv("OBSERVATORY_WAREHOUSE", str(tmp_path / warehouse))
        invocation = resource.cli(["ls", "--resource-type", "seed"], target_path=tmp_path / "target" / uuid4().hex)
        invocation.wait()
        # no dbt adapter in this process: dagster-dbt's costs 0.5-1.7 s per invocation, for row counts and
        # column metadata the project reads itself (ObservatoryDbtCli)
        assert invocation.adapter is None
        keep_parse(invocation.target_path)
        return "profile has changed" in (invocation.target_path / "dbt.log").read_text()

    assert reparsed("a.duckdb"), "the first invocation on a new warehouse parses everything"
    assert not reparsed("a.duckdb"), "the second starts from the first one's parse"
    assert reparsed("b.duckdb"), "another warehouse does not take a's parse"
    assert len(list((tmp_path / "parses").glob("*.msgpack"))) == 2
