"""The synthetic generator: deterministic, laid out like the real data, realistically shaped."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter

import pandas as pd
import pytest

from ingestion.standin.synthetic import write_hub_dump
from tests.conftest import SHARED_DATA, walk_first_parents

RELATIONS = ("finetune", "adapter", "quantized", "merge")


def _records(dump_dir):
    with (dump_dir / "models.jsonl").open() as fh:
        return [json.loads(line) for line in fh]


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_gives_identical_files(tmp_path):
    a = write_hub_dump(tmp_path / "a", n_models=400, seed=3)
    b = write_hub_dump(tmp_path / "b", n_models=400, seed=3)
    write_hub_dump(tmp_path / "c", n_models=400, seed=4)
    assert _digest(tmp_path / "a" / "models.jsonl") == _digest(tmp_path / "b" / "models.jsonl")
    assert _digest(tmp_path / "a" / "models.jsonl") != _digest(tmp_path / "c" / "models.jsonl")
    assert a.author_counts == b.author_counts


def test_layout_matches_the_real_hub_dump(small_dump):
    dump_dir, summary = small_dump
    assert (dump_dir / "models.jsonl").is_file()
    parquet = dump_dir / "datasets/open-llm-leaderboard/contents/data/train-00000-of-00001.parquet"
    assert parquet.is_file()
    records = _records(dump_dir)
    assert len(records) == summary.n_models == 1500
    assert len({r["id"] for r in records}) == len(records), "model ids are unique"
    for r in records:
        assert r["id"].count("/") == 1 and r["id"].split("/")[0] == r["author"]


def test_lineage_tags_are_written_as_the_hub_writes_them(small_dump):
    records = _records(small_dump[0])
    ids = {r["id"] for r in records}
    seen_relations = Counter()
    multi_parent = 0
    for r in records:
        plain = [t[len("base_model:"):] for t in r["tags"]
                 if t.startswith("base_model:") and t.split(":")[1] not in RELATIONS]
        typed = [t.split(":", 2) for t in r["tags"] if t.startswith("base_model:") and t.split(":")[1] in RELATIONS]
        # every parent appears twice: base_model:<parent> and base_model:<relation>:<parent>
        assert sorted(plain) == sorted(p for _, _, p in typed)
        for _, relation, parent in typed:
            seen_relations[relation] += 1
            assert parent in ids, "parents exist in the dump"
        if len(plain) > 1:
            multi_parent += 1
            assert {rel for _, rel, _ in typed} == {"merge"}, "only merges have several parents"
    assert set(seen_relations) == set(RELATIONS)
    assert multi_parent > 10


def test_lineage_is_several_levels_deep(small_dump):
    records = _records(small_dump[0])
    walk = walk_first_parents(records)
    assert max(walk(r["id"])[1] for r in records) >= 4


def test_shape_is_heavy_tailed_with_gaps(small_dump):
    records = _records(small_dump[0])
    authors = Counter(r["author"] for r in records)
    top10 = sum(n for _, n in authors.most_common(10)) / len(records)
    assert 0.2 < top10 < 0.9, "a few authors make a large share of models"
    assert sum(1 for n in authors.values() if n == 1) > len(authors) * 0.2, "many authors make one model"
    downloads = sorted((r["downloads"] for r in records), reverse=True)
    assert downloads[0] > 100 * downloads[len(downloads) // 2], "downloads are heavy-tailed"
    no_license = sum(1 for r in records if not any(t.startswith("license:") for t in r["tags"]))
    assert 0.05 < no_license / len(records) < 0.5
    assert sum(1 for r in records if "createdAt" not in r) > 0, "some records lack createdAt"
    assert sum(1 for r in records if "safetensors" not in r) > 0
    families = Counter(r.get("config", {}).get("model_type") for r in records)
    assert len([f for f in families if f]) >= 6
    created = sorted(r["createdAt"] for r in records if "createdAt" in r)
    assert created[0][:4] != created[-1][:4], "dates spread over more than a year"


def test_generator_summary_counts_match_the_file(small_dump):
    dump_dir, summary = small_dump
    records = _records(dump_dir)
    assert Counter(r["author"] for r in records) == Counter(summary.author_counts)
    licenses = Counter(next((t.split(":", 1)[1] for t in r["tags"] if t.startswith("license:")), "unknown")
                       for r in records)
    assert licenses == Counter(summary.license_counts)


def test_leaderboard_parquet_has_the_real_column_names(small_dump):
    dump_dir, summary = small_dump
    parquet = dump_dir / "datasets/open-llm-leaderboard/contents/data/train-00000-of-00001.parquet"
    frame = pd.read_parquet(parquet)
    assert len(frame) == summary.n_leaderboard_rows > 50
    real = SHARED_DATA / "hub_dump/datasets/open-llm-leaderboard/contents/data/train-00000-of-00001.parquet"
    if real.is_file():
        assert list(frame.columns) == list(pd.read_parquet(real).columns)
    else:
        assert {"eval_name", "fullname", "Average ⬆️", "Type", "Base Model"} <= set(frame.columns)


def test_archive_has_every_schema_variant(small_archive):
    files = sorted(small_archive.rglob("*.csv"))
    assert any(p.parent.name == "v1" for p in files)
    headers = {}
    for path in files:
        with path.open() as fh:
            headers[path.name] = next(csv.reader(fh))
    variants = {("arc" in h, "not_merged" in h, "model_name" in h) for h in headers.values()}
    assert variants == {(True, False, False), (False, True, False), (False, False, True)}
    if (SHARED_DATA / "leaderboard").is_dir():
        real_headers = set()
        for path in (SHARED_DATA / "leaderboard").rglob("*.csv"):
            with path.open() as fh:
                real_headers.add(tuple(next(csv.reader(fh))))
        for name, header in headers.items():
            assert tuple(header) in real_headers, f"{name} has a header no real export has"


def test_size_must_be_positive(tmp_path):
    with pytest.raises(ValueError, match="n_models"):
        write_hub_dump(tmp_path, n_models=0)
