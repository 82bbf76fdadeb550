-- The adoption history: one row per model x snapshot day the history recorded (ingestion/hub/history.py),
-- renamed, with the model's repo id. A day holds only the models its crawls saw: an incremental crawl the
-- models modified since the last one, a full crawl all of them (and, unlisted, the ones it no longer saw).
with snapshots as (
    select * from {{ source('raw', 'hub_model_snapshots') }}
),

model_keys as (
    select * from {{ source('raw', 'hub_model_keys') }}
)

select
    s.snapshot_day as snapshot_date,
    s.model_key,
    k.model_id,
    s.listed as is_listed,
    s.downloads as downloads_30d,
    s.downloads_all_time,
    s.likes,
    s.trending_score,
    s.observed_at
from snapshots as s
join model_keys as k using (model_key)
