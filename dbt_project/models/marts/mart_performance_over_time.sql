-- Is performance rising, and for which types? One row per leaderboard population x release
-- month x model type: the models released that month, scored by their best average.
-- Scores of v1 and v2 are different suites: each population stands alone.
with scored as (
    select population, model_id, model_type, best_score,
           cast(date_trunc('month', release_date) as date) as month
    from {{ ref('int_population_models') }}
    where population like 'leaderboard_%' and best_score is not null and release_date is not null
),

monthly as (
    select population, month, model_type,
           -- averaged as decimals: an exact sum, so the same input gives the same bits whatever the
           -- order the threads add in
           avg(cast(best_score as decimal(38, 12))) as avg_score, max(best_score) as max_score,
           count(*) as n_models
    from scored
    group by all
)

select
    population,
    month,
    model_type,
    avg_score,
    max_score,
    n_models,
    sum(n_models) over running as cumulative_models,
    max(max_score) over running as best_score_to_date
from monthly
window running as (partition by population, model_type order by month
                   rows between unbounded preceding and current row)
