-- How many parameters does a given score need, over time? For each leaderboard population,
-- score threshold (5, 10, ..., 95) and month: the smallest model released up to that month whose
-- best average reaches the threshold. Rows start the month a threshold is first reached.
with scored as (
    select population, model_id, best_score, params_b,
           cast(date_trunc('month', release_date) as date) as month
    from {{ ref('int_population_models') }}
    where population like 'leaderboard_%'
      and best_score is not null and params_b is not null and params_b > 0 and release_date is not null
),

thresholds as (
    select unnest(range(5, 100, 5)) as score_threshold
),

months as (
    select population, cast(unnest(generate_series(min(month), max(month), interval 1 month)) as date) as month
    from scored
    group by population
),

reached as (
    select s.population, t.score_threshold, s.month,
           min(s.params_b) as min_params_b, arg_min(s.model_id, (s.params_b, s.model_id)) as model_id  -- ties: first id
    from scored as s
    join thresholds as t on s.best_score >= t.score_threshold
    group by all
),

grid as (
    select m.population, t.score_threshold, m.month, r.min_params_b, r.model_id
    from months as m
    cross join thresholds as t
    left join reached as r using (population, score_threshold, month)
),

running as (
    select
        population,
        score_threshold,
        month,
        min(min_params_b) over w as min_params_b,
        arg_min(model_id, (min_params_b, model_id)) over w as model_id
    from grid
    window w as (partition by population, score_threshold order by month
                 rows between unbounded preceding and current row)
)

select population, month, score_threshold, min_params_b, model_id
from running
where min_params_b is not null
