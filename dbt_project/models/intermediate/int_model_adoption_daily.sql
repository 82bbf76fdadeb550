-- The Hub as listed at the end of every snapshot day: one row per snapshot day x model still listed that
-- day, with the values of the last snapshot that saw it on or before the day. A model not seen on a day (an
-- incremental crawl sees only what changed) keeps its last value; a model a full crawl no longer saw drops
-- out from that day until a crawl sees it again. A model listed without a download or like count counts 0.
--
-- Incremental: state_observed_at is, for each day, the latest crawl time of any snapshot on or before it, so
-- it changes for every day whose state can have changed (a new day, a day re-run with a new crawl, and every
-- day after those). A run recomputes the days whose state_observed_at differs from the one built, starting
-- from the state of the day before as built, and drops the days retention has thinned away. A daily run
-- therefore reads the previous day's state and the new day's snapshot, not the whole history.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='snapshot_date',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where snapshot_date not in (select distinct snapshot_day from {{ source('raw', 'hub_model_snapshots') }}){% endif %}"
) }}

with snapshots as (
    select * from {{ ref('stg_hub__model_snapshots') }}
),

days as (
    select
        snapshot_date,
        max(max(observed_at)) over (order by snapshot_date rows between unbounded preceding and current row)
            as state_observed_at
    from snapshots
    group by snapshot_date
),

{% if is_incremental() %}
built_days as (
    select distinct snapshot_date, state_observed_at from {{ this }}
),

first_changed as (
    select min(d.snapshot_date) as snapshot_date
    from days as d
    left join built_days as b using (snapshot_date)
    where b.state_observed_at is distinct from d.state_observed_at
),

todo_days as (
    select * from days where snapshot_date >= (select snapshot_date from first_changed)
),

-- the state of the day before the first day to recompute, as built
prior as (
    select model_key, seen_on, true as is_listed, downloads_30d, downloads_all_time, likes, trending_score,
           snapshot_date as span_start
    from {{ this }}
    where snapshot_date = (select max(snapshot_date) from built_days
                           where snapshot_date < (select snapshot_date from first_changed))
),

rows as (
    select * from prior
    union all
    select model_key, snapshot_date, is_listed, downloads_30d, downloads_all_time, likes, trending_score,
           snapshot_date
    from snapshots
    where snapshot_date >= (select snapshot_date from first_changed)
),
{% else %}
todo_days as (
    select * from days
),

rows as (
    select model_key, snapshot_date as seen_on, is_listed, downloads_30d, downloads_all_time, likes,
           trending_score, snapshot_date as span_start
    from snapshots
),
{% endif %}

-- each row holds from its day until the model's next row
spans as (
    select *, lead(span_start) over (partition by model_key order by span_start) as span_end
    from rows
)

select
    d.snapshot_date,
    s.model_key,
    s.seen_on,
    coalesce(s.downloads_30d, 0) as downloads_30d,
    s.downloads_all_time,
    coalesce(s.likes, 0) as likes,
    s.trending_score,
    d.state_observed_at
from spans as s
join todo_days as d
    on d.snapshot_date >= s.span_start
    and (s.span_end is null or d.snapshot_date < s.span_end)
where s.is_listed
