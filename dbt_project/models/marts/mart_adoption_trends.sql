-- Which models and families are rising? One row per week x model listed that week: its 30-day downloads and
-- likes at the week's last snapshot, their change since the previous week's, and the week's growth rank.
with daily as (
    select * from {{ ref('int_model_adoption_daily') }}
),

models as (
    select model_id, coalesce(root_model_id, model_id) as root_model_id from {{ ref('int_models') }}
),

weekly as (
    select
        date_trunc('week', snapshot_date)::date as week_start,
        model_id,
        max(snapshot_date) as as_of_date,
        arg_max(downloads_30d, snapshot_date) as downloads,
        arg_max(downloads_all_time, snapshot_date) as downloads_all_time,
        arg_max(likes, snapshot_date) as likes
    from daily
    group by all
),

changes as (
    select
        *,
        downloads - lag(downloads) over (partition by model_id order by week_start) as downloads_change,
        likes - lag(likes) over (partition by model_id order by week_start) as likes_change
    from weekly
)

select
    'hub' as population,
    c.week_start,
    c.as_of_date,
    c.model_id,
    coalesce(m.root_model_id, c.model_id) as root_model_id,
    c.downloads,
    c.downloads_change,
    c.downloads_all_time,
    c.likes,
    c.likes_change,
    -- 1 = the largest rise in 30-day downloads that week; a model's first week has no change and ranks last
    row_number() over (
        partition by c.week_start order by c.downloads_change desc nulls last, c.downloads desc, c.model_id
    ) as growth_rank
from changes as c
left join models as m using (model_id)
