-- How quickly do derivatives improve, normalised by how many there are? For each base model with
-- scored derivatives on a benchmark task (int_base_model_derivatives: merges and implausible lineage
-- excluded) and each day since its release on which a derivative was released: the best derivative score
-- so far (the lowest for an error rate), its improvement over the base's own score (percent, positive
-- when better), and that improvement divided by ln(1 + derivatives so far).
with pairs as (
    select *, case when higher_is_better then derivative_score else -derivative_score end as signed_score
    from {{ ref('int_base_model_derivatives') }}
    where base_release_date is not null and derivative_release_date is not null
),

per_day as (
    select
        population,
        benchmark,
        task,
        base_model_id,
        any_value(higher_is_better) as higher_is_better,
        any_value(base_score) as base_score,
        date_diff('day', base_release_date, derivative_release_date) as days_since_release,
        max(signed_score) as best_of_day,
        count(*) as released_that_day
    from pairs
    group by population, benchmark, task, base_model_id, days_since_release
),

running as (
    select
        population,
        benchmark,
        task,
        base_model_id,
        higher_is_better,
        base_score,
        days_since_release,
        max(best_of_day) over w as best_signed_to_date,
        sum(released_that_day) over w as derivatives_to_date
    from per_day
    window w as (partition by population, benchmark, task, base_model_id order by days_since_release
                 rows between unbounded preceding and current row)
),

scored as (
    select
        *,
        case when higher_is_better then best_signed_to_date else -best_signed_to_date end as best_score_to_date,
        case when higher_is_better then best_signed_to_date - base_score
             else base_score + best_signed_to_date end as gain
    from running
)

select
    population,
    benchmark,
    task,
    base_model_id,
    days_since_release,
    base_score,
    best_score_to_date,
    derivatives_to_date,
    100 * gain / nullif(base_score, 0) as improvement_pct,
    100 * gain / nullif(base_score, 0) / ln(1 + derivatives_to_date) as improvement_pct_per_log_derivatives
from scored
