-- Which base models were improved most by the community? For each scored model of a leaderboard
-- population with scored descendants in the same population (merges and implausible lineage
-- excluded: int_base_model_derivatives), its own score, its best descendant and the improvement
-- over its own score, in percent.
with pairs as (
    select * from {{ ref('int_base_model_derivatives') }}
)

select
    population,
    base_model_id,
    any_value(base_score) as base_score,
    arg_max(derivative_id, (derivative_score, derivative_id)) as best_derivative_id,
    max(derivative_score) as best_derivative_score,
    100 * (max(derivative_score) - any_value(base_score)) / nullif(any_value(base_score), 0) as improvement_pct,
    count(distinct derivative_id) as n_derivatives
from pairs
group by population, base_model_id
