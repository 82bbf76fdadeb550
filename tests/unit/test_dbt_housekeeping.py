"""Per-invocation dbt target folders do not pile up: the newest few stay, older ones go."""

from __future__ import annotations

import os

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
