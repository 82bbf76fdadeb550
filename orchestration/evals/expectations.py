"""The Great Expectations rules of raw/hub_eval_results: run by the Hub gate (orchestration/hub/checks.py) on the
Community Evals of the crawls that wait to be accepted, before they are made visible.

The landing has already set aside what cannot be an entry at all (raw.hub_eval_results_quarantine: the Hub's
error items, a missing task id, a value that is not a finite number, a date in the future). These rules judge
the entries that remain: an implausible one goes to quality.quarantine (int_evaluations leaves it out), a drift
worth seeing is a warning. None of them rejects a crawl: a model's metadata is sound whatever its evaluations say.
"""

from __future__ import annotations

import json

import pandas as pd

from ingestion.evals.community import parse_eval_items
from ingestion.evals.landing import ORIGINS
from ingestion.evals.model_index import parse_model_index
from ingestion.hub.landing import latest_landed_records
from orchestration.quality.suites import QUARANTINE, WARN, Rule, gx_expectations

ASSET = "raw/hub_eval_results"
CHECK = "hub_eval_results_expectations"
# quality.quarantine's row key: source_name holds the origin (eval_results, model_index), row_number the entry's
# position in its record's evalResults (or model-index metrics)
EVAL_KEYS = ["model_id", "crawl_id", "source_name", "row_number"]
EARLIEST = "2015-01-01"  # before any benchmark on the Hub
VALUE_RANGE = (-100.0, 1000.0)  # fractions, percentages, error rates (a few above 100)


def eval_rules() -> list[Rule]:
    gxe = gx_expectations()
    tomorrow = pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=1)
    return [
        Rule("eval_date_plausible", f"an entry's date between {EARLIEST} and tomorrow",
             lambda: gxe.ExpectColumnValuesToBeBetween(column="evaluated_at", min_value=pd.Timestamp(EARLIEST, tz="UTC"),
                                                       max_value=tomorrow), severity=QUARANTINE),
        Rule("eval_value_plausible", f"a value between {VALUE_RANGE[0]:g} and {VALUE_RANGE[1]:g} (a fraction, a "
             "percentage or an error rate)", lambda: gxe.ExpectColumnValuesToBeBetween(
                 column="value", min_value=VALUE_RANGE[0], max_value=VALUE_RANGE[1]), severity=QUARANTINE),
        Rule("eval_one_scale_per_task", "the values of one benchmark task are on one scale (all fractions of 1, or "
             "all above 1): a task reported on both is compared with care", lambda: gxe.ExpectColumnValuesToBeInSet(
                 column="mixed_scale", value_set=[False]), severity=WARN),
        Rule("eval_registered_benchmark", "a Community Evals entry names a task of a registered benchmark (its "
             "eval.yaml); a card's model-index names datasets, not benchmarks, and is not held to it",
             lambda: gxe.ExpectColumnValuesToBeInSet(column="registered", value_set=[True]), severity=WARN),
        Rule("eval_reported_once", "a record reports each benchmark task once (int_evaluations keeps one)",
             lambda: gxe.ExpectCompoundColumnsToBeUnique(column_list=["model_id", "crawl_id", "source_name", "benchmark",
                                                                     "task"]),
             severity=WARN),
    ]


def eval_frame(con, crawl_ids: list[str]) -> pd.DataFrame:
    """The Community Evals entries of the given landed crawls (each model's latest record in them), as the
    landing will land them, with what the rules read."""
    rows = []
    for origin, path in ORIGINS.items():
        records = con.execute(f"""
            select model_id, crawl_id, fetched_at, try_cast(payload ->> '$.lastModified' as timestamptz), {path}
            from ({latest_landed_records("crawl_id in (select unnest(?))")})
            where ({path}) is not null""", [crawl_ids]).fetchall()
        for model_id, crawl_id, fetched_at, last_commit, items in records:
            if origin == "eval_results":
                entries, _ = parse_eval_items(json.loads(items), observed_at=fetched_at, last_commit=last_commit)
            else:
                entries, _ = parse_model_index(json.loads(items))
            rows += [{"model_id": model_id, "crawl_id": crawl_id, "source_name": origin, "row_number": e.entry_no,
                      "filename": e.filename, "benchmark": e.benchmark, "task": e.task, "value": e.value,
                      "evaluated_at": e.evaluated_at} for e in entries]
    columns = ["model_id", "crawl_id", "source_name", "row_number", "filename", "benchmark", "task", "value",
               "evaluated_at"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        return frame.assign(mixed_scale=pd.Series(dtype=bool), registered=pd.Series(dtype=bool))
    frame["evaluated_at"] = pd.to_datetime(frame["evaluated_at"], utc=True)
    frame["row_number"] = frame["row_number"].astype("int64")
    # the scale of a task: its values here and those already landed for other models
    landed = con.execute("select benchmark, task, value from raw.hub_eval_results "
                         "where model_id not in (select unnest(?))", [frame["model_id"].unique().tolist()]).df()
    values = pd.concat([frame[["benchmark", "task", "value"]], landed])
    fraction = values["value"].between(0, 1, inclusive="neither")
    above = values["value"] > 1.5
    scales = values.assign(fraction=fraction, above=above).groupby(["benchmark", "task"])[["fraction", "above"]].any()
    mixed = (scales["fraction"] & scales["above"]).rename("mixed_scale").reset_index()
    frame = frame.merge(mixed, on=["benchmark", "task"], how="left")
    registered = {(b, t) for b, t in con.execute(
        "select benchmark, unnest(cast(tasks as json[])) ->> 'task_id' from raw.hub_benchmarks").fetchall()}
    frame["registered"] = [origin == "model_index" or (b, t) in registered
                           for origin, b, t in zip(frame["source_name"], frame["benchmark"], frame["task"])]
    return frame
