-- Which base models were improved most by the community? For each scored model of a leaderboard
-- population with scored descendants in the same population (merges excluded), its own score,
-- its best descendant and the improvement over its own score, in percent.
with scored as (
    select population, model_id, best_score, model_type, relation_to_parent
    from {{ ref('int_population_models') }}
    where population like 'leaderboard_%' and best_score is not null
),

pairs as (
    select
        b.population,
        b.model_id as base_model_id,
        b.best_score as base_score,
        d.model_id as derivative_id,
        d.best_score as derivative_score
    from {{ ref('int_model_ancestors') }} as a
    join scored as b on b.model_id = a.ancestor_id
    join scored as d on d.model_id = a.model_id and d.population = b.population
    where d.model_type <> 'merge' and coalesce(d.relation_to_parent, '') <> 'merge'
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
