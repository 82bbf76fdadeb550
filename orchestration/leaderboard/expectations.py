"""The Great Expectations rules of the leaderboard landings (the checks are in ``checks.py``)."""

from __future__ import annotations

import pandas as pd

from ingestion.warehouse.rules import MODEL_ID_REGEX
from orchestration.quality.suites import (
    NUMBER_REGEX,
    QUARANTINE,
    WARN,
    Rule,
    gx_expectations,
)

LEADERBOARD_EPOCH = "2023-04-01"  # the Open LLM Leaderboard opened in spring 2023
LEGACY_OR_NAMESPACED_REGEX = r"^(?:[^/\s]+/)?[^/\s]+$"  # early canonical models: `gpt2`


LEADERBOARD_LABELS = [
    "pretrained", "continuouslypretrained", "finetunedondomainspecificdatasets", "chatmodels",
    "basemergesandmoerges", "multimodal", "other", "none",
]


def leaderboard_rules() -> list[Rule]:
    gxe = gx_expectations()
    tomorrow = pd.Timestamp.now() + pd.Timedelta(days=1)
    return [
        Rule("model_id_present", "every row names a model (a row that names none is quarantined)",
             lambda: gxe.ExpectColumnValuesToNotBeNull(column="model_id"), severity=QUARANTINE),
        Rule("model_id_format", "model ids are namespace/name or a legacy id without namespace (a malformed id "
             "is quarantined)", lambda: gxe.ExpectColumnValuesToMatchRegex(
                 column="model_id", regex=LEGACY_OR_NAMESPACED_REGEX), severity=QUARANTINE),
        # Known quirk: early canonical models (gpt2, distilgpt2) were evaluated under ids without a namespace.
        Rule("model_id_namespaced", "model ids carry a namespace (legacy ids like `gpt2` are a known quirk)",
             lambda: gxe.ExpectColumnValuesToMatchRegex(column="model_id", regex=f"^{MODEL_ID_REGEX}$"), severity=WARN),
        # per snapshot, not per file: two exports of one date make one snapshot (a dataset revision is one)
        Rule("evaluation_unique", "one row per model and precision in each snapshot (all its files together)",
             lambda: gxe.ExpectCompoundColumnsToBeUnique(column_list=["snapshot_key", "model_id", "precision"])),
        Rule("average_is_number", "the average score is a number", lambda: gxe.ExpectColumnValuesToMatchRegex(
            column="average_score", regex=NUMBER_REGEX)),
        Rule("average_in_range", "the average score is within 0..100 (a row outside is quarantined)",
             lambda: gxe.ExpectColumnValuesToBeBetween(column="average", min_value=0, max_value=100),
             severity=QUARANTINE),
        Rule("snapshot_date_plausible", f"snapshot dates between {LEADERBOARD_EPOCH} and tomorrow",
             lambda: gxe.ExpectColumnValuesToBeBetween(column="snapshot_date",
                                                       min_value=pd.Timestamp(LEADERBOARD_EPOCH),
                                                       max_value=tomorrow)),
        Rule("params_is_number", "#params is a number where present", lambda: gxe.ExpectColumnValuesToMatchRegex(
            column="params_b", regex=NUMBER_REGEX)),
        Rule("params_sane", "#params within 0..2000 billion (the real exports use -1 for unknown: a warning)",
             lambda: gxe.ExpectColumnValuesToBeBetween(column="params", min_value=0, max_value=2000), severity=WARN),
        Rule("type_label_known", "type labels reduce to a known type (spelling drift is normalised)",
             lambda: gxe.ExpectColumnValuesToBeInSet(column="type_key", value_set=LEADERBOARD_LABELS), severity=WARN),
        # Known quirks of the real v1 export (../shared/data/README.md), handled by explicit rules:
        Rule("v1_merged_flag_matches_type", "v1: the `merged` flag agrees with the 🤝 merge type (known not to "
             "for many rows: the type label is trusted)", lambda: gxe.ExpectColumnValuesToBeInSet(
                 column="merged_flag_consistent", value_set=[True]), severity=WARN),
        Rule("license_mostly_present", "most rows name a licence (about a quarter of v1 rows do not)",
             lambda: gxe.ExpectColumnValuesToNotBeNull(column="hub_license", mostly=0.6), severity=WARN),
    ]


LEADERBOARD_FRAME_SQL = """
    select
        source_name, row_number, leaderboard_version, nullif(trim(model_id), '') as model_id, precision,
        average_score,
        try_cast(average_score as double) as average,
        cast(snapshot_date as timestamp) as snapshot_date,
        leaderboard_version || ':' || case when source_kind = 'hub_dataset' then source_name
                                           else snapshot_date end as snapshot_key,
        params_b, try_cast(params_b as double) as params,
        hub_license,
        model_type_key(model_type_label) as type_key,
        case when leaderboard_version = 'v1' and is_merged is not null and model_type_label is not null
             then (lower(is_merged) = 'true') = (model_type_label like '%merge%') end as merged_flag_consistent
    from {relation}
    where {where}
"""
LEADERBOARD_KEYS = ["source_name", "row_number", "model_id"]


def leaderboard_frame(con, table: str, *, pending_key: str | None = None, sources: list[str] | None = None):
    """The rows a check reads: the batch waiting under ``pending_key`` in raw.leaderboard_loading, or the
    landed rows of ``sources`` in the raw table."""
    if pending_key is not None:
        sql = LEADERBOARD_FRAME_SQL.format(relation="raw.leaderboard_loading",
                                           where="target_table = ? and partition_key = ?")
        return con.execute(sql, [table, pending_key]).df()
    sql = LEADERBOARD_FRAME_SQL.format(relation=f"raw.{table}", where="source_name in (select unnest(?))")
    return con.execute(sql, [sources or []]).df()
