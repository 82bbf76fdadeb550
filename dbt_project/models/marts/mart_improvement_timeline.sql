-- How quickly do derivatives improve, normalised by how many there are? For each base model of
-- mart_base_model_improvement and each day since its release on which a derivative (merges
-- excluded) was released: the best derivative score so far, its improvement over the base's own
-- score (percent), and that improvement divided by ln(1 + derivatives so far).
with scored as (
    select population, model_id, best_score, release_date, model_type, relation_to_parent
    from {{ ref('int_population_models') }}
    where population like 'leaderboard_%' and best_score is not null and release_date is not null
),

bases as (
    select population, base_model_id, base_score from {{ ref('mart_base_model_improvement') }}
),

events as (
    select
        b.population,
        b.base_model_id,
        b.base_score,
        date_diff('day', base.release_date, d.release_date) as days_since_release,
        d.best_score as derivative_score
    from bases as b
    join scored as base on base.model_id = b.base_model_id and base.population = b.population
    join {{ ref('int_model_ancestors') }} as a on a.ancestor_id = b.base_model_id
    join scored as d on d.model_id = a.model_id and d.population = b.population
    where d.model_type <> 'merge' and coalesce(d.relation_to_parent, '') <> 'merge'
),

per_day as (
    select population, base_model_id, any_value(base_score) as base_score, days_since_release,
           max(derivative_score) as best_of_day, count(*) as released_that_day
    from events
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
