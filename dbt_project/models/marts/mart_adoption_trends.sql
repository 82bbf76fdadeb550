-- Which models and families are rising? One row per week x model listed at the week's last snapshot: its
-- 30-day downloads and likes that day, their change since the week before, and the week's growth rank.
-- Incremental: a run builds the weeks holding a day whose state changed since (int_model_adoption_daily's
-- state_observed_at), reading the previous week's values from the mart itself.
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='week_start',
    on_schema_change='fail',
    pre_hook="{% if is_incremental() %}delete from {{ this }} where week_start not in (select distinct date_trunc('week', snapshot_date)::date from {{ ref('int_model_adoption_daily') }}){% endif %}"
) }}

with days as (
    select distinct snapshot_date, state_observed_at from {{ ref('int_model_adoption_daily') }}
),

-- each week's last snapshot day; state_observed_at only grows with the day, so the week's is its last day's
weeks as (
    select
        date_trunc('week', snapshot_date)::date as week_start,
        max(snapshot_date) as as_of_date,
        max(state_observed_at) as observed_through
    from days
    group by 1
),

todo as (
    select w.*
    from weeks as w
    {% if is_incremental() %}
    left join (select week_start, max(observed_through) as observed_through from {{ this }} group by 1) as m
        using (week_start)
    where m.observed_through is distinct from w.observed_through
    {% endif %}
),

-- the models listed on the week's last snapshot day, as they were then (by key: the ids come last)
weekly as (
    select
        t.week_start,
        d.model_key,
        t.as_of_date,
        d.downloads_30d as downloads,
        d.downloads_all_time,
        d.likes,
        t.observed_through
    from {{ ref('int_model_adoption_daily') }} as d
    join todo as t on t.as_of_date = d.snapshot_date
    where d.snapshot_date >= (select min(as_of_date) from todo)
),

-- the weeks before those rebuilt, for the changes: as the mart holds them
earlier as (
    {% if is_incremental() %}
    select e.week_start, k.model_key, e.downloads, e.likes
    from {{ this }} as e
    join {{ ref('int_model_adoption_keys') }} as k using (model_id)
    where e.week_start = (select max(week_start) from {{ this }} where week_start < (select min(week_start) from todo))
    {% else %}
    select null::date as week_start, null::integer as model_key, null::integer as downloads, null::integer as likes
    where false
    {% endif %}
),

changes as (
    select
        *,
        -- against the week before only: a model not listed then has no change
        case when lag(week_start) over by_model = week_start - 7
             then downloads - lag(downloads) over by_model end as downloads_change,
        case when lag(week_start) over by_model = week_start - 7
             then likes - lag(likes) over by_model end as likes_change
    from (
        select week_start, model_key, downloads, likes, true as is_built from weekly
        union all
        select week_start, model_key, downloads, likes, false from earlier
    )
    window by_model as (partition by model_key order by week_start)
)

select
    'hub' as population,
    w.week_start,
    w.as_of_date,
    k.model_id,
    k.root_model_id,
    w.downloads,
    c.downloads_change,
    w.downloads_all_time,
    w.likes,
    c.likes_change,
    -- 1 = the largest rise in 30-day downloads that week; a model without a change ranks after the others
    row_number() over (
        partition by w.week_start order by c.downloads_change desc nulls last, w.downloads desc, k.model_id
    ) as growth_rank,
    w.observed_through
from weekly as w
join changes as c using (week_start, model_key)
join {{ ref('int_model_adoption_keys') }} as k using (model_key)
where c.is_built
