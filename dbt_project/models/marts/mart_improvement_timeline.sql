-- How quickly do derivatives improve, normalised by how many there are? For each base model with
-- scored derivatives (int_base_model_derivatives: merges and implausible lineage excluded) and each
-- day since its release on which a derivative was released: the best derivative score so far, its
-- improvement over the base's own score (percent), and that improvement divided by
-- ln(1 + derivatives so far).
with pairs as (
    select * from {{ ref('int_base_model_derivatives') }}
    where base_release_date is not null and derivative_release_date is not null
),

per_day as (
    select
        population,
        base_model_id,
        any_value(base_score) as base_score,
        date_diff('day', base_release_date, derivative_release_date) as days_since_release,
        max(derivative_score) as best_of_day,
        count(*) as released_that_day
    from pairs
    group by population, base_model_id, days_since_release
),

running as (
    select
        population,
        base_model_id,
        base_score,
        days_since_release,
        max(best_of_day) over w as best_score_to_date,
        sum(released_that_day) over w as derivatives_to_date
    from per_day
    window w as (partition by population, base_model_id order by days_since_release
                 rows between unbounded preceding and current row)
)

select
    population,
    base_model_id,
    days_since_release,
    base_score,
    best_score_to_date,
    derivatives_to_date,
    100 * (best_score_to_date - base_score) / nullif(base_score, 0) as improvement_pct,
    100 * (best_score_to_date - base_score) / nullif(base_score, 0) / ln(1 + derivatives_to_date)
        as improvement_pct_per_log_derivatives
from running
