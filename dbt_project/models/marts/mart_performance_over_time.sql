-- Is performance rising, and for which types? One row per population x benchmark x task x release
-- month x model type: the models released that month, scored by their score on the task (for the
-- leaderboards: their best average). Each benchmark task is a series of its own, on its own scale:
-- v1 and v2, and every task reported on the Hub, are never mixed. "Best" is the highest score, or the
-- lowest for an error rate (higher_is_better false).
with scored as (
    select population, benchmark, task, higher_is_better, model_id, model_type, score,
           case when higher_is_better then score else -score end as signed_score,
           cast(date_trunc('month', release_date) as date) as month
    from {{ ref('int_scored_models') }}
    where release_date is not null
),

monthly as (
    select population, benchmark, task, month, model_type,
           any_value(higher_is_better) as higher_is_better,
           -- averaged as decimals: an exact sum, so the same input gives the same bits whatever the
           -- order the threads add in
           avg(cast(score as decimal(38, 12))) as avg_score, max(signed_score) as best_signed,
           count(*) as n_models
    from scored
    group by population, benchmark, task, month, model_type
)

select
    population,
    benchmark,
    task,
    month,
    model_type,
    cast(avg_score as double) as avg_score,
    case when higher_is_better then best_signed else -best_signed end as max_score,
    n_models,
    sum(n_models) over running as cumulative_models,
    case when higher_is_better then max(best_signed) over running
         else -max(best_signed) over running end as best_score_to_date,
    higher_is_better
from monthly
window running as (partition by population, benchmark, task, model_type order by month
                   rows between unbounded preceding and current row)
