-- Which benchmarks does the ecosystem report, from which sources, how often verified? One row per
-- population x month x benchmark x task x source, for the months with new results (by evaluation date).
-- Population: `hub_evals` (Community Evals, MTEB) or the leaderboard version. Each benchmark and task is a
-- series of its own: the best value is the best to date on that task's scale and direction, never a mix.
with evaluations as (
    select
        case when source like 'leaderboard_%' then source else 'hub_evals' end as population,
        cast(date_trunc('month', coalesce(evaluated_at, observed_at)) as date) as month,
        benchmark,
        task,
        source,
        model_id,
        value,
        verified,
        -- the better value is the larger one once the direction is applied
        case when higher_is_better then value else -value end as signed_value,
        higher_is_better
    from {{ ref('int_evaluations') }}
),

monthly_best as (
    select
        population, month, benchmark, task, source,
        count(*) as n_new_results,
        avg(case when verified then 1.0 else 0.0 end) as verified_share,
        arg_max(model_id, {'signed': signed_value, 'model': model_id}) as month_best_model_id,
        max(signed_value) as month_best_signed,
        bool_and(higher_is_better) as higher_is_better
    from evaluations
    group by all
)

select
    population,
    month,
    benchmark,
    task,
    source,
    cast(sum(n_new_results) over running as integer) as n_models_evaluated,
    cast(n_new_results as integer) as n_new_results,
    cast(verified_share as double) as verified_share,
    case when higher_is_better then 1 else -1 end * max(month_best_signed) over running as best_value,
    -- the model that set the best value to date (the earlier month keeps it on a tie)
    arg_max(month_best_model_id, {'signed': month_best_signed, 'earlier': -epoch(month)}) over running
        as best_model_id,
    higher_is_better
from monthly_best
window running as (partition by population, benchmark, task, source order by month
                   rows between unbounded preceding and current row)
