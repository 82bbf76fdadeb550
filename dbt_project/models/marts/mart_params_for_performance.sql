-- How many parameters does a given score need, over time? For each population, benchmark task, score
-- threshold and month: the smallest model released up to that month whose score reaches the threshold.
-- Thresholds are on the task's own scale: 5, 10, ..., 95 for a score out of 100, 0.05, ..., 0.95 for a
-- fraction of 1 (a task whose scores never exceed 1); "reaches" is at or above, or at or below for an
-- error rate. Rows start the month a threshold is first reached.
with scored as (
    select population, benchmark, task, higher_is_better, model_id, score, params_b,
           cast(date_trunc('month', release_date) as date) as month
    from {{ ref('int_scored_models') }}
    where params_b is not null and params_b > 0 and release_date is not null
),

scales as (
    select population, benchmark, task, any_value(higher_is_better) as higher_is_better,
           case when max(score) <= 1 then 0.01 else 1 end as unit
    from scored
    group by population, benchmark, task
),

thresholds as (
    select s.population, s.benchmark, s.task, s.higher_is_better,
           cast(round(t.step * s.unit, 2) as double) as score_threshold
    from scales as s
    cross join (select unnest(range(5, 100, 5)) as step) as t
),

months as (
    select population, benchmark, task,
           cast(unnest(generate_series(min(month), max(month), interval 1 month)) as date) as month
    from scored
    group by population, benchmark, task
),

reached as (
    select s.population, s.benchmark, s.task, t.score_threshold, s.month,
           min(s.params_b) as min_params_b, arg_min(s.model_id, (s.params_b, s.model_id)) as model_id  -- ties: first id
    from scored as s
    join thresholds as t
      on t.population = s.population and t.benchmark = s.benchmark and t.task = s.task
     and (case when t.higher_is_better then s.score >= t.score_threshold else s.score <= t.score_threshold end)
    group by all
),

grid as (
    select m.population, m.benchmark, m.task, t.score_threshold, m.month, r.min_params_b, r.model_id
    from months as m
    join thresholds as t using (population, benchmark, task)
    left join reached as r using (population, benchmark, task, score_threshold, month)
),

running as (
    select
        population,
        benchmark,
        task,
        score_threshold,
        month,
        min(min_params_b) over w as min_params_b,
        arg_min(model_id, (min_params_b, model_id)) over w as model_id
    from grid
    window w as (partition by population, benchmark, task, score_threshold order by month
                 rows between unbounded preceding and current row)
)

select population, benchmark, task, month, score_threshold, min_params_b, model_id
from running
where min_params_b is not null
