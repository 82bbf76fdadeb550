-- Every (model, ancestor) pair over all declared parents, merges' second parents included: the
-- transitive closure of int_model_parents. via_plausible_edges: the ancestor is reached through
-- plausible edges only (int_lineage_edge_plausibility); the improvement analyses use those pairs.
-- UNION (not UNION ALL) makes the walk stop on cycles; pairs of a model with itself (only
-- possible through a cycle) are left out.
with recursive edges as (
    select model_id, parent_model_id, is_plausible from {{ ref('int_lineage_edge_plausibility') }}
),

closure(model_id, ancestor_id, via_plausible_edges) as (
    select model_id, parent_model_id, is_plausible from edges
    union
    select c.model_id, e.parent_model_id, c.via_plausible_edges and e.is_plausible
    from closure as c
    join edges as e on e.model_id = c.ancestor_id
)

select model_id, ancestor_id, bool_or(via_plausible_edges) as via_plausible_edges
from closure
where model_id <> ancestor_id
group by model_id, ancestor_id
