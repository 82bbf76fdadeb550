"""The Great Expectations rules of raw/hub_models (the check is in ``checks.py``)."""

from __future__ import annotations

import pandas as pd

from ingestion.hub.landing import latest_landed_records
from orchestration.quality.suites import (
    INTEGER_REGEX,
    ISO_TIMESTAMP_REGEX,
    QUARANTINE,
    WARN,
    Rule,
    gx_expectations,
)

HUB_EPOCH = "2022-03-02"  # the Hub floors createdAt at 2022-03-02T23:29:04Z


def hub_model_rules() -> list[Rule]:
    gxe = gx_expectations()
    tomorrow = pd.Timestamp.now(tz="UTC") + pd.Timedelta(days=1)
    hub_epoch = pd.Timestamp(HUB_EPOCH, tz="UTC")
    return [
        # No rule on the ids here: the landing already quarantined records without an id or with a malformed
        # one (raw.hub_models_quarantine), so such a rule could never fire; ids served twice in one crawl are
        # the gate's duplicate rules (checks.py), which see every record served, not this deduplicated frame.
        Rule("downloads_is_integer", "downloads is an integer where present", lambda: gxe.ExpectColumnValuesToMatchRegex(
            column="downloads_raw", regex=INTEGER_REGEX)),
        Rule("downloads_not_negative", "downloads >= 0", lambda: gxe.ExpectColumnValuesToBeBetween(
            column="downloads", min_value=0)),
        Rule("likes_not_negative", "likes >= 0", lambda: gxe.ExpectColumnValuesToBeBetween(column="likes", min_value=0)),
        Rule("created_at_is_timestamp", "createdAt is an ISO timestamp where present",
             lambda: gxe.ExpectColumnValuesToMatchRegex(column="created_at_raw", regex=ISO_TIMESTAMP_REGEX)),
        Rule("created_at_plausible", f"createdAt between {HUB_EPOCH} (the Hub's floor) and tomorrow",
             lambda: gxe.ExpectColumnValuesToBeBetween(column="created_at", min_value=hub_epoch, max_value=tomorrow)),
        Rule("last_modified_is_timestamp", "lastModified is an ISO timestamp where present",
             lambda: gxe.ExpectColumnValuesToMatchRegex(column="last_modified_raw", regex=ISO_TIMESTAMP_REGEX)),
        Rule("last_modified_plausible", "lastModified between 2016-01-01 and tomorrow",
             lambda: gxe.ExpectColumnValuesToBeBetween(column="last_modified",
                                                       min_value=pd.Timestamp("2016-01-01", tz="UTC"),
                                                       max_value=tomorrow)),
        Rule("listing_is_public", "the public listing holds no private repos (one that does is quarantined)",
             lambda: gxe.ExpectColumnValuesToBeInSet(column="private", value_set=["false"]), severity=QUARANTINE),
        Rule("gated_known", "gated is false, auto or manual",
             lambda: gxe.ExpectColumnValuesToBeInSet(column="gated", value_set=["false", "auto", "manual"])),
        Rule("params_sane", "parameter counts between 1 thousand and 10 trillion (packed quantized formats "
             "under-report, so this warns)", lambda: gxe.ExpectColumnValuesToBeBetween(
                 column="params", min_value=1e3, max_value=1e13), severity=WARN),
        # Known quirk of real extracts: many records carry no lastModified (and none a createdAt);
        # the marts cope, so a gap is a warning, not an error.
        Rule("last_modified_mostly_present", "most records carry lastModified (gaps are a known quirk of "
             "partial extracts)", lambda: gxe.ExpectColumnValuesToNotBeNull(column="last_modified", mostly=0.9),
             severity=WARN),
    ]


# The records a check sees: each landed crawl's latest record per model, as in raw.hub_models_loading.
HUB_FRAME_SQL = f"""
    with staged as ({latest_landed_records("crawl_id in (select unnest(?))")})
    select
        model_id,
        crawl_id,
        payload ->> '$.downloads' as downloads_raw,
        try_cast(payload ->> '$.downloads' as double) as downloads,
        try_cast(payload ->> '$.likes' as double) as likes,
        payload ->> '$.createdAt' as created_at_raw,
        try_cast(payload ->> '$.createdAt' as timestamptz) as created_at,
        payload ->> '$.lastModified' as last_modified_raw,
        try_cast(payload ->> '$.lastModified' as timestamptz) as last_modified,
        lower(payload ->> '$.private') as private,
        lower(payload ->> '$.gated') as gated,
        coalesce(try_cast(payload ->> '$.safetensors.total' as double),
                 try_cast(payload ->> '$.gguf.total' as double)) as params
    from staged
"""


def hub_frame(con, crawl_ids: list[str]) -> pd.DataFrame:
    """The records of the given landed crawls, as the suite reads them."""
    return con.execute(HUB_FRAME_SQL, [crawl_ids]).df()


HUB_KEYS = ["model_id", "crawl_id"]
