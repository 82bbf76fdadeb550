-- Which base models are built on most? One row per population x model with at least one direct
-- derivative in the population: direct derivatives by relation, and all descendants through any
-- chain of declared parents (merges' other parents included).
-- Joined and grouped on model keys (macros/keys.sql): int_model_ancestors holds keys, and at Hub scale the
-- millions of edges and pairs group several times faster on integers than on repo ids.
with members as (
    select population, {{ model_key('model_id') }} as model_key from {{ ref('int_population_models') }}
),

edges as (
    select m.population, {{ model_key('p.parent_model_id') }} as base_key, p.parent_model_id, p.relation
    from {{ ref('int_model_parents') }} as p
    join members as m on m.model_key = {{ model_key('p.model_id') }}
),

direct as (
    -- one edge per (population, model, parent): int_model_parents and int_population_models are unique on
    -- those grains (tested), so counting rows counts distinct derivatives
    select
        population,
        base_key,
        any_value(parent_model_id) as base_model_id,
        count(*) as direct_derivatives,
        count(*) filter (where relation = 'finetune') as finetune_derivatives,
        count(*) filter (where relation = 'adapter') as adapter_derivatives,
        count(*) filter (where relation = 'quantized') as quantized_derivatives,
        count(*) filter (where relation = 'merge') as merge_derivatives,
        count(*) filter (where relation = 'unspecified') as unspecified_derivatives
    from edges
    group by population, base_key
),

descendants as (
    select m.population, a.ancestor_key as base_key, count(*) as all_descendants
    from {{ ref('int_model_ancestors') }} as a
    join members as m using (model_key)
    group by m.population, a.ancestor_key
),

models as (
    select {{ model_key('model_id') }} as model_key, architecture_family, first_parent_model_id
    from {{ ref('int_models') }}
)

select
    d.population,
    d.base_model_id,
    coalesce(m.architecture_family, 'unknown') as architecture_family,
    m.first_parent_model_id is null as is_root,
    d.direct_derivatives,
    coalesce(x.all_descendants, d.direct_derivatives) as all_descendants,
    d.finetune_derivatives,
    d.adapter_derivatives,
    d.quantized_derivatives,
    d.merge_derivatives,
    d.unspecified_derivatives,
    row_number() over (partition by d.population
                       order by coalesce(x.all_descendants, d.direct_derivatives) desc, d.base_model_id)
        as popularity_rank
from direct as d
left join descendants as x using (population, base_key)
left join models as m on m.model_key = d.base_key
