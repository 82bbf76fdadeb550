-- How fast do users and new authors arrive? One row per population x day, every day from the
-- first to the last release (days without releases have zeros). Models without a known release
-- date are not counted.
with dated as (
    select population, model_id, author, release_date
    from {{ ref('int_population_models') }}
    where release_date is not null
),

per_day as (
    select population, release_date as activity_date, count(*) as new_models, count(distinct author) as active_authors
    from dated
    group by population, release_date
),

first_release as (
    select population, author, min(release_date) as first_date
    from dated
    group by population, author
),

new_authors as (
    select population, first_date as activity_date, count(*) as new_authors
    from first_release
    group by population, first_date
),

spine as (
    select population, cast(unnest(generate_series(min(release_date), max(release_date), interval 1 day)) as date)
        as activity_date
    from dated
    group by population
),

filled as (
    select
        s.population,
        s.activity_date,
        coalesce(d.new_models, 0) as new_models,
        coalesce(n.new_authors, 0) as new_authors,
        coalesce(d.active_authors, 0) as active_authors
    from spine as s
    left join per_day as d using (population, activity_date)
    left join new_authors as n using (population, activity_date)
)

select
    population,
    activity_date,
    new_models,
    new_authors,
    active_authors,
    sum(new_models) over running as cumulative_models,
    sum(new_authors) over running as cumulative_authors
from filled
window running as (partition by population order by activity_date rows between unbounded preceding and current row)
