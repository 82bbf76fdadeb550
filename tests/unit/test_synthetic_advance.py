"""Advancing a generated Hub dump by a day: deterministic, and it changes exactly what it says it changed."""

from __future__ import annotations

import hashlib
import json
import shutil
import statistics
from datetime import date, timedelta

import pytest

from ingestion.standin.synthetic import write_hub_dump
from ingestion.standin.synthetic.advance import advance_hub_dump

DAY = date(2025, 3, 2)


def _records(dump) -> dict[str, dict]:
    with (dump / "models.jsonl").open() as fh:
        return {r["id"]: r for r in map(json.loads, fh)}


@pytest.fixture(scope="module")
def dump(tmp_path_factory):
    path = tmp_path_factory.mktemp("advance") / "hub_dump"
    write_hub_dump(path, n_models=3000, seed=5, leaderboard=False)
    return path


@pytest.fixture()
def day_after(dump, tmp_path):
    copy = tmp_path / "hub_dump"
    shutil.copytree(dump, copy)
    changes = advance_hub_dump(copy, DAY, seed=5)
    return _records(dump), _records(copy), changes


def test_the_same_seed_and_day_give_the_same_file_and_another_day_another(dump, tmp_path):
    digests = []
    for name, day in (("a", DAY), ("b", DAY), ("c", date(2025, 3, 3))):
        shutil.copytree(dump, tmp_path / name)
        advance_hub_dump(tmp_path / name, day, seed=5)
        digests.append(hashlib.sha256((tmp_path / name / "models.jsonl").read_bytes()).hexdigest())
    assert digests[0] == digests[1] != digests[2]


def test_the_changes_reported_are_the_changes_made(day_after):
    before, after, changes = day_after
    assert changes.deleted and changes.added and changes.rising and changes.modified
    assert set(after) == (set(before) - set(changes.deleted)) | set(changes.added)
    assert changes.n_models == len(after)
    assert changes.downloads == {model_id: r["downloads"] for model_id, r in after.items()}
    modified = {m for m in before.keys() & after.keys() if before[m]["lastModified"] != after[m]["lastModified"]}
    assert modified == set(changes.modified), "a commit moves lastModified; downloads moving do not"
    assert all(after[m]["lastModified"].startswith(DAY.isoformat()) for m in modified)


def test_counts_move_as_on_the_hub(day_after):
    before, after, changes = day_after
    kept = before.keys() & after.keys()
    assert all(after[m]["downloadsAllTime"] >= before[m]["downloadsAllTime"] for m in kept), "all-time never falls"
    assert all(after[m]["likes"] >= before[m]["likes"] for m in kept), "likes never fall"
    moved = [m for m in kept if after[m]["downloads"] != before[m]["downloads"]]
    assert len(moved) > len(kept) / 2, "most models' 30-day downloads move"
    ratios = [after[m]["downloads"] / max(before[m]["downloads"], 1) for m in changes.rising]
    assert statistics.median(ratios) >= 3, "rising models rise fast"
    others = [after[m]["downloads"] / before[m]["downloads"] for m in kept
              if m not in changes.rising and before[m]["downloads"] >= 100]
    assert 0.8 < statistics.median(others) < 1.25, "the rest stay near where they were"


def test_new_models_are_derivatives_created_that_day(day_after):
    before, after, changes = day_after
    for model_id in changes.added:
        record = after[model_id]
        parent = record["cardData"]["base_model"]
        relation = record["cardData"]["base_model_relation"]
        assert parent in before and relation in ("finetune", "quantized")
        assert f"base_model:{relation}:{parent}" in record["tags"]
        assert record["createdAt"].startswith(DAY.isoformat()) and len(record["_id"]) == 24


def test_a_damaged_dump_is_named_and_left_as_it_was(tmp_path):
    dump = tmp_path / "hub_dump"
    dump.mkdir()
    (dump / "models.jsonl").write_text('{"id": "a/b", "downloads": 3}\n{"id": \n')
    original = (dump / "models.jsonl").read_bytes()
    with pytest.raises(ValueError, match=r"models.jsonl, line 2: not a JSON record"):
        advance_hub_dump(dump, DAY)
    assert (dump / "models.jsonl").read_bytes() == original
    assert not (dump / "models.jsonl.partial").exists()
    with pytest.raises(FileNotFoundError, match="no Hub dump to advance"):
        advance_hub_dump(tmp_path / "absent", DAY)


def test_the_command_advances_a_dump_and_says_what_changed(dump, tmp_path, capsys):
    from ingestion.standin.synthetic import main

    shutil.copytree(dump, tmp_path / "hub_dump")
    main([str(tmp_path), "--advance-to", DAY.isoformat(), "--seed", "5"])
    said = capsys.readouterr().out
    assert f"to {DAY}:" in said and "new" in said and "deleted" in said
    assert _records(tmp_path / "hub_dump") != _records(dump)
    with pytest.raises(SystemExit, match="no Hub dump to advance"):
        main([str(tmp_path / "elsewhere"), "--advance-to", DAY.isoformat()])


def test_a_day_in_the_future_is_refused_and_the_dump_left_alone(dump, tmp_path):
    copy = tmp_path / "hub_dump"
    shutil.copytree(dump, copy)
    before = (copy / "models.jsonl").read_bytes()
    with pytest.raises(ValueError, match="in the future"):
        advance_hub_dump(copy, date.today() + timedelta(days=3), seed=5)
    assert (copy / "models.jsonl").read_bytes() == before
