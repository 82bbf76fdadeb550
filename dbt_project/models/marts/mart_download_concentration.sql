-- How concentrated is adoption, and is it getting more so? One row per snapshot date x grouping (author,
-- family): HHI and Gini of the groups' 30-day downloads, and the shares of the largest groups and models.
-- Over every model listed that day (int_model_adoption_daily: a model not seen keeps its last value).
-- Incremental: a run builds the days whose state changed since (adoption_days_to_build).
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='snapshot_date',
    on_schema_change='fail',
    pre_hook="{{ drop_days_gone_from('snapshot_date') }}"
) }}

with todo as (
    {{ adoption_days_to_build(ref('int_model_adoption_daily')) }}
),

daily as (
    {{ adoption_rows_to_build('todo') }}
),

model_keys as (
    select * from {{ ref('int_model_adoption_keys') }}
),

-- integers only: the groups are numbered (int_model_adoption_keys)
model_groups as (
    select d.snapshot_date, d.downloads_30d, k.author_key, k.root_key
    from daily as d
    join model_keys as k using (model_key)
),

group_downloads as (
    select snapshot_date, 'author' as grouping, author_key as group_key, sum(downloads_30d) as downloads
    from model_groups
    group by all
    union all
    select snapshot_date, 'family' as grouping, root_key as group_key, sum(downloads_30d) as downloads
    from model_groups
    group by all
),

-- ties in downloads may take either rank: every measure below is the same whichever they take
ranked as (
    select
        *,
        row_number() over (partition by snapshot_date, grouping order by downloads desc) as rank_desc,
        count(*) over (partition by snapshot_date, grouping) as n_groups,
        sum(downloads) over (partition by snapshot_date, grouping) as total_downloads
    from group_downloads
),

per_grouping as (
    select
        snapshot_date,
        grouping,
        any_value(n_groups) as n_groups,
        any_value(total_downloads)::bigint as total_downloads,
        sum(downloads::double * downloads) / nullif(any_value(total_downloads)::double ^ 2, 0) as hhi,
        -- Gini over groups sorted ascending (rank n - rank_desc + 1), zeros included
        sum((2 * (n_groups - rank_desc + 1) - n_groups - 1) * downloads::double)
            / nullif(any_value(n_groups) * any_value(total_downloads)::double, 0) as gini,
        sum(downloads) filter (where rank_desc <= 10) / nullif(any_value(total_downloads), 0) as top10_share,
        sum(downloads) filter (where rank_desc <= 100) / nullif(any_value(total_downloads), 0) as top100_share,
        -- Price's law: the top sqrt(n) groups
        sum(downloads) filter (where rank_desc <= ceil(sqrt(n_groups)))
            / nullif(any_value(total_downloads), 0) as price_sqrt_n_share
    from ranked
    group by snapshot_date, grouping
),

-- the top 0.01% of models (at least one) by downloads, each day: the day's 10,000 largest values (a top-k
-- aggregate, no sort of every model), of which the first k (exact up to 100 million models)
top_models as (
    select
        snapshot_date,
        list_sum(list_slice(max(downloads_30d, 10000), 1, greatest(1, ceil(count(*) * 0.0001))::bigint))
            / nullif(sum(downloads_30d), 0) as top_0_01pct_models_share
    from model_groups
    group by snapshot_date
)

select
    'hub' as population,
    p.snapshot_date,
    p.grouping,
    p.n_groups,
    p.total_downloads,
    p.hhi,
    p.gini,
    p.top10_share,
    p.top100_share,
    p.price_sqrt_n_share,
    t.top_0_01pct_models_share,
    todo.state_observed_at as observed_through
from per_grouping as p
join top_models as t using (snapshot_date)
join todo using (snapshot_date)
