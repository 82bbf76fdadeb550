-- How does the mix of pretrained / fine-tuned / chat / merges shift? One row per population x
-- release month x model type, every month from the first to the last release for every type the
-- population has (zeros included, so cumulative counts are continuous).
with dated as (
    select population, model_type, cast(date_trunc('month', release_date) as date) as month
    from {{ ref('int_population_models') }}
    where release_date is not null
),

months as (
    select population, cast(unnest(generate_series(min(month), max(month), interval 1 month)) as date) as month
    from dated
    group by population
),

types as (
    select distinct population, model_type from dated
),

counted as (
    select population, month, model_type, count(*) as new_models
    from dated
    group by all
),

filled as (
    select m.population, m.month, t.model_type, coalesce(c.new_models, 0) as new_models
    from months as m
    join types as t using (population)
    left join counted as c using (population, month, model_type)
)

select
    population,
    month,
    model_type,
    new_models,
    sum(new_models) over (partition by population, model_type order by month
                          rows between unbounded preceding and current row) as cumulative_models,
    new_models / nullif(sum(new_models) over (partition by population, month), 0) as share_of_month
from filled
