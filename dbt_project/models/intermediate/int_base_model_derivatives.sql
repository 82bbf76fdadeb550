-- The pairs the improvement analyses compare: for each scored model of a leaderboard population,
-- every scored descendant in the same population reached through plausible edges only, merges
-- excluded, and not released before its base. Grain: population x base_model_id x derivative_id.
with scored as (
    select population, model_id, best_score, release_date, model_type, relation_to_parent
    from {{ ref('int_population_models') }}
    where population like 'leaderboard_%' and best_score is not null
),

ancestors as (
    select model_id, ancestor_id from {{ ref('int_model_ancestors') }}
    where via_plausible_edges
)

select
    b.population,
    b.model_id as base_model_id,
    b.best_score as base_score,
    b.release_date as base_release_date,
    d.model_id as derivative_id,
    d.best_score as derivative_score,
    d.release_date as derivative_release_date
from ancestors as a
join scored as b on b.model_id = a.ancestor_id
join scored as d on d.model_id = a.model_id and d.population = b.population
where d.model_type <> 'merge'
  and coalesce(d.relation_to_parent, '') <> 'merge'
  and not coalesce(d.release_date < b.release_date, false)
