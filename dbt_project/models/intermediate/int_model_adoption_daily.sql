-- The Hub as listed at the end of every snapshot day: one row per snapshot day x model still listed that
-- day, with the values of the last snapshot that saw it on or before the day. A model not seen on a day (an
-- incremental crawl sees only what changed) keeps its last value; a model a full crawl no longer saw drops
-- out from that day until a crawl sees it again. A model listed without a download count counts 0.
with snapshots as (
    select * from {{ ref('stg_hub__model_snapshots') }}
),

days as (
    select distinct snapshot_date from snapshots
),

-- each snapshot of a model holds from its day until the model's next snapshot
spans as (
    select
        model_key,
        model_id,
        snapshot_date as seen_on,
        lead(snapshot_date) over (partition by model_key order by snapshot_date) as superseded_on,
        is_listed,
        downloads_30d,
        downloads_all_time,
        likes,
        trending_score
    from snapshots
)

select
    d.snapshot_date,
    s.model_key,
    s.model_id,
    s.seen_on,
    coalesce(s.downloads_30d, 0) as downloads_30d,
    s.downloads_all_time,
    coalesce(s.likes, 0) as likes,
    s.trending_score
from spans as s
join days as d
    on d.snapshot_date >= s.seen_on
    and (s.superseded_on is null or d.snapshot_date < s.superseded_on)
where s.is_listed
