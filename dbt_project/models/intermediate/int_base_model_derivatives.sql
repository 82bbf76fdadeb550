-- The pairs the improvement analyses compare: for each scored model of a population, every scored
-- descendant on the same benchmark task in the same population, reached through plausible edges only
-- (for MTEB, also its `adapted_from`), merges excluded, and not released before its base.
-- improvement is positive when the derivative is better, whichever the direction of the task's metric.
-- Grain: population x benchmark x task x base_model_id x derivative_id.
with scored as (
    select *, {{ model_key('model_id') }} as model_key from {{ ref('int_scored_models') }}
),

ancestors as (
    select model_key, ancestor_key from {{ ref('int_model_ancestors') }}
    where via_plausible_edges
    union
    -- MTEB names the model an embedding model was trained from, which the Hub's lineage may not know
    select distinct {{ model_key('model_id') }}, {{ model_key('base_model_id') }} from {{ ref('int_mteb__results') }}
    where base_model_id is not null and base_model_id <> model_id
)

select
    b.population,
    b.benchmark,
    b.task,
    b.higher_is_better,
    b.model_id as base_model_id,
    b.score as base_score,
    b.release_date as base_release_date,
    d.model_id as derivative_id,
    d.score as derivative_score,
    d.release_date as derivative_release_date
from ancestors as a
join scored as b on b.model_key = a.ancestor_key
join scored as d on d.model_key = a.model_key and d.population = b.population
                and d.benchmark = b.benchmark and d.task = b.task
where d.model_type <> 'merge'
  and coalesce(d.relation_to_parent, '') <> 'merge'
  and not coalesce(d.release_date < b.release_date, false)
