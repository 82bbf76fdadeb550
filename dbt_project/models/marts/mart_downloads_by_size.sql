-- Do users download small or large models? One row per population x size bucket: downloads in
-- the last 30 days (from the Hub) and their share, cumulative from the smallest bucket up.
-- Only populations with download figures get rows.
with members as (
    select * from {{ ref('int_population_models') }}
),

per_bucket as (
    select population, size_bucket, any_value(size_bucket_order) as size_bucket_order,
           count(*) as n_models, coalesce(sum(downloads_30d), 0) as downloads
    from members
    group by population, size_bucket
),

with_totals as (
    select *, sum(downloads) over (partition by population) as population_downloads
    from per_bucket
)

select
    population,
    size_bucket,
    size_bucket_order,
    n_models,
    downloads,
    downloads / population_downloads as downloads_share,
    sum(downloads) over (partition by population order by size_bucket_order
                         rows between unbounded preceding and current row) / population_downloads
        as cumulative_downloads_share
from with_totals
where population_downloads > 0
