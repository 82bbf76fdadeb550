-- Every (model, ancestor) pair over all declared parents, merges' second parents included: the
-- transitive closure of int_model_parents. via_plausible_edges: the ancestor is reached through
-- plausible edges only (int_lineage_edge_plausibility); the improvement analyses use those pairs.
-- Pairs of a model with itself (only possible through a cycle) are left out.
-- Keyed, not named: a row holds the model keys (macros/keys.sql) of the model and its ancestor, which is all
-- its readers join on; written as repo ids, the 5M pairs at Hub scale took three times as long to build.
-- The walk keeps every pair it reached to stop on cycles (UNION, not UNION ALL): integers keep that small.
with recursive edges as (
    select
        {{ model_key('model_id') }} as model_key,
        {{ model_key('parent_model_id') }} as parent_key,
        is_plausible
    from {{ ref('int_lineage_edge_plausibility') }}
),

closure(model_key, ancestor_key, via_plausible_edges) as (
    select model_key, parent_key, is_plausible from edges
    union
    select c.model_key, e.parent_key, c.via_plausible_edges and e.is_plausible
    from closure as c
    join edges as e on e.model_key = c.ancestor_key
)

select model_key, ancestor_key, bool_or(via_plausible_edges) as via_plausible_edges
from closure
where model_key <> ancestor_key
group by model_key, ancestor_key
