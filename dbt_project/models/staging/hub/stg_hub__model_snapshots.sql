-- The adoption history: one row per model x snapshot day the history recorded (ingestion/hub/history.py),
-- renamed. A day holds only the models its crawls saw: an incremental crawl the models modified since the
-- last one, a full crawl all of them (and, unlisted, the ones it no longer saw). Models are keyed by their
-- number in the history (stg_hub__model_keys gives the repo id).
select
    snapshot_day as snapshot_date,
    model_key,
    listed as is_listed,
    downloads as downloads_30d,
    downloads_all_time,
    likes,
    trending_score,
    observed_at
from {{ source('raw', 'hub_model_snapshots') }}
