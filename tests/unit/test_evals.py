"""Evaluation sources: the checks on Community Evals items, eval.yaml specs, MTEB's layout, and the stand-in
serving them through the official client."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from huggingface_hub import HfApi

from ingestion.evals.benchmarks import parse_eval_yaml
from ingestion.evals.community import parse_eval_items
from ingestion.evals.mteb import read_results
from ingestion.standin.evals import embedded_eval_yamls

OBSERVED = datetime(2026, 6, 1, tzinfo=timezone.utc)


def _item(**data):
    entry = {"dataset": {"id": "cais/hle", "task_id": "hle"}, "value": 20.9}
    entry.update(data)
    return {"filename": ".eval_results/hle.yaml", "verified": False, "data": entry}


def test_valid_items_land_with_their_flags_and_the_entry_as_served():
    items = [_item(date="2026-01-15", source={"url": "https://x", "name": "Card"}, notes="no-tools"),
             dict(_item(), verified=True, pullRequest=44),
             {"dataset": {"id": "openai/gsm8k", "task_id": 2024}, "value": 86}]  # a bare item, an unquoted task id
    entries, rejected = parse_eval_items(items, observed_at=OBSERVED)
    assert rejected == []
    first, second, bare = entries
    assert (first.benchmark, first.task, first.value, first.evaluated_at.date().isoformat(), first.source_name,
            first.notes) == ("cais/hle", "hle", 20.9, "2026-01-15", "Card", "no-tools")
    assert (second.verified, second.pull_request, second.entry_no) == (True, 44, 1)
    assert (bare.benchmark, bare.task, bare.value, bare.filename) == ("openai/gsm8k", "2024", 86.0, None)
    assert json.loads(first.entry)["notes"] == "no-tools"


@pytest.mark.parametrize("item, reason", [
    ({"filename": ".eval_results/broken.yaml", "error": "bad yaml"}, "the Hub rejected the file: bad yaml"),
    (_item(dataset={"id": "cais/hle"}), "dataset.task_id is missing"),
    (_item(dataset={"task_id": "hle"}), "dataset.id is missing"),
    (_item(value="20.0 ± 1.2"), "value '20.0 ± 1.2' is not a number"),
    (_item(value=float("nan")), "value nan is not finite"),
    (_item(value=True), "value 'True' is not a number"),
    (_item(date="last spring"), "date 'last spring' is not an ISO-8601 date or date-time"),
    (_item(date="2026-09-17"), "date 2026-09-17 is after it was observed (2026-06-01): a date in the future"),
    (_item(source={"name": "Card"}), "source names a name, user or org but no url"),
    ("not an object", "an item is a JSON object, found str"),
])
def test_an_item_that_cannot_be_an_entry_is_rejected_with_its_file_and_reason(item, reason):
    entries, rejected = parse_eval_items([_item(), item], observed_at=OBSERVED)
    assert len(entries) == 1
    (bad,) = rejected
    assert bad.reason == reason and bad.entry_no == 1
    assert bad.filename == (item.get("filename") if isinstance(item, dict) else None)


def test_a_date_after_the_repo_s_last_commit_is_in_the_future():
    last_commit = datetime(2026, 3, 1, tzinfo=timezone.utc)
    entries, rejected = parse_eval_items([_item(date="2026-03-02"), _item(date="2026-03-20")],
                                         observed_at=OBSERVED, last_commit=last_commit)
    assert len(entries) == 1  # a day of slack
    assert rejected[0].reason == "date 2026-03-20 is after the repo's last commit (2026-03-01): a date in the future"


def test_eval_yaml_specs_are_read_and_their_departures_listed():
    good = parse_eval_yaml("name: HLE\ndescription: x\nevaluation_framework: inspect-ai\n"
                           "tasks:\n  - id: hle\n  - id: other\n    split: train\n")
    assert good.valid and [(t.task_id, t.split) for t in good.tasks] == [("hle", "test"), ("other", "train")]
    final = parse_eval_yaml("name: FINAL\ndescription: x\ntasks:\n  - id: default\nfield_spec: {input: p}\n"
                            "solvers: [{name: generate}]\n")
    assert final.problems == ["evaluation_framework is missing",
                              "field_spec, solvers at the top level (they belong to a task)"]
    assert [t.task_id for t in final.tasks] == ["default"]  # flagged, still landed
    assert parse_eval_yaml("name: X\ndescription: y\nevaluation_framework: spreadsheets\ntasks: []\n").problems == [
        "evaluation_framework 'spreadsheets' is not one the Hub knows", "tasks is missing (a list of at least one task)"]
    assert parse_eval_yaml("a: [").problems[0].startswith("not YAML")
    assert parse_eval_yaml("- a list").problems == ["an eval.yaml is a mapping, found list"]


def test_mteb_results_are_read_in_their_layout_and_unreadable_files_reported(tmp_path):
    rev = tmp_path / "results" / "org__model" / "abc"
    (rev / "experiments" / "variant").mkdir(parents=True)
    (rev / "model_meta.json").write_text(json.dumps({"name": "org/model", "revision": "abc", "adapted_from": "org/base",
                                                     "n_parameters": 1000, "release_date": "2026-01-01"}))
    (rev / "ArguAna.json").write_text(json.dumps({"task_name": "ArguAna", "dataset_revision": "d", "mteb_version": "2",
                                                  "scores": {"test": [{"main_score": 0.5, "hf_subset": "default"}]}}))
    (rev / "experiments" / "variant" / "ArguAna.json").write_text(json.dumps(
        {"scores": {"test": [{"main_score": 0.6, "hf_subset": "default"}, {"main_score": 0.7, "hf_subset": "en"}]}}))
    (rev / "SCIDOCS.json").write_text("{not json")
    (rev / "NFCorpus.json").write_text(json.dumps({"scores": {"test": [{"main_score": "high"}]}}))
    (tmp_path / "results" / "stray.json").write_text("{}")
    read = read_results(tmp_path)
    assert [(m[4], m[9], m[3]) for m in read.models] == [("org/model", "org/base", None)]
    assert {(r[3], r[4], r[6], r[7]) for r in read.results} == {
        (None, "ArguAna", "default", 0.5), ("variant", "ArguAna", "default", 0.6), ("variant", "ArguAna", "en", 0.7)}
    problems = dict(read.problems)
    assert set(problems) == {"results/org__model/abc/SCIDOCS.json", "results/org__model/abc/NFCorpus.json",
                             "results/stray.json"}
    assert problems["results/org__model/abc/NFCorpus.json"] == "scores.test: main_score 'high' is not a finite number"


def test_verbatim_eval_yaml_copies_are_found_in_a_python_file_by_their_source():
    source = '''
import textwrap

class TestConfigs:
    def test_hle(self, tmp_path):
        """Real file.

        Source: https://huggingface.co/datasets/cais/hle/blob/main/eval.yaml
        """
        tmp_path.write_text(textwrap.dedent(
            """\\
            name: HLE
            tasks:
              - id: hle
            """))

    def test_other(self):
        """No source here."""
        textwrap.dedent("name: not a spec")
'''
    found = embedded_eval_yamls(source)
    assert list(found) == ["cais/hle"]
    assert parse_eval_yaml(found["cais/hle"]).tasks[0].task_id == "hle"


def test_the_stand_in_serves_benchmarks_leaderboards_and_eval_results_through_the_client(hub):
    api = HfApi(endpoint=hub.endpoint)
    benchmarks = sorted(d.id for d in api.list_datasets(benchmark="official"))
    assert benchmarks == ["Idavidrein/gpqa", "TIGER-Lab/MMLU-Pro", "cais/hle", "hf-audio/open-asr-leaderboard"]
    everyone = api.get_dataset_leaderboard("cais/hle", base_model_only=False)
    roots = api.get_dataset_leaderboard("cais/hle")
    assert [e.rank for e in everyone] == list(range(1, len(everyone) + 1))
    assert [e.value for e in everyone] == sorted((e.value for e in everyone), reverse=True)
    assert 0 < len(roots) < len(everyone), "by default only models without a declared base model"
    assert {e.model_id for e in roots} <= {e.model_id for e in everyone}
    evaluated = [r for r in hub.dump.models if any("data" in i for i in r.get("evalResults", ()))][0]
    info = api.model_info(evaluated["id"], expand=["evalResults"])
    assert info.eval_results and info.eval_results[0].dataset_id
    listed = next(m for m in api.list_models(search=evaluated["id"].split("/")[1], expand=["evalResults"])
                  if m.id == evaluated["id"])
    assert listed.eval_results == info.eval_results


def test_a_card_s_model_index_is_flattened_one_entry_per_metric_and_bad_ones_rejected():
    from ingestion.evals.model_index import parse_model_index

    index = [{"name": "m", "results": [
        {"task": {"type": "text-generation"}, "dataset": {"type": "cais/mmlu", "name": "MMLU", "config": "all"},
         "metrics": [{"type": "acc", "value": 70.1, "verified": True}, {"type": "acc_norm", "value": "71.5 ± 0.4"},
                     {"type": "f1", "value": "n/a"}, {"value": 3}],
         "source": {"name": "Open LLM Leaderboard", "url": "https://x"}},
        {"task": {"type": "text-generation"}, "dataset": {"type": "gsm8k", "name": "GSM8K"},
         "metrics": [{"type": "acc", "value": 40}]},
        {"task": {"type": "text-generation"}, "dataset": {"name": "no id"}, "metrics": [{"type": "acc", "value": 1}]},
        {"task": {"type": "text-generation"}, "dataset": {"type": "x/y"}},
    ]}]
    entries, rejected = parse_model_index(index)
    assert [(e.benchmark, e.task, e.value, e.verified) for e in entries] == [
        ("cais/mmlu", "all:acc", 70.1, True), ("cais/mmlu", "all:acc_norm", 71.5, False),
        ("gsm8k", "default:acc", 40.0, False)]
    assert entries[0].source_name == "Open LLM Leaderboard" and entries[0].filename == "README.md"
    assert [r.reason for r in rejected] == ["metric.value 'n/a' is not a number", "metric.type is missing",
                                            "dataset.type (the dataset id) is missing",
                                            "a result has no list of metrics"]
    assert len({e.entry_no for e in entries} | {r.entry_no for r in rejected}) == 7, "each metric numbered once"
    assert parse_model_index({"name": "m"})[1][0].reason == "model-index is dict, not a list"
