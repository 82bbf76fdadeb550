-- Every (model, ancestor) pair over all declared parents, merges' second parents included: the
-- transitive closure of int_model_parents. via_plausible_edges: the ancestor is reached through
-- plausible edges only (int_lineage_edge_plausibility); the improvement analyses use those pairs.
-- The walk runs on integer keys (a number per model, for this model only): the pairs it keeps to stop on
-- cycles (UNION, not UNION ALL) then take a third of the memory string ids would. Pairs of a model with
-- itself (only possible through a cycle) are left out.
with recursive edges as (
    select model_id, parent_model_id, is_plausible from {{ ref('int_lineage_edge_plausibility') }}
),

model_keys as (
    select model_id, row_number() over (order by model_id) as model_key
    from (select model_id from edges union select parent_model_id from edges)
),

keyed_edges as (
    select child.model_key, parent.model_key as parent_key, e.is_plausible
    from edges as e
    join model_keys as child on child.model_id = e.model_id
    join model_keys as parent on parent.model_id = e.parent_model_id
),

closure(model_key, ancestor_key, via_plausible_edges) as (
    select model_key, parent_key, is_plausible from keyed_edges
    union
    select c.model_key, e.parent_key, c.via_plausible_edges and e.is_plausible
    from closure as c
    join keyed_edges as e on e.model_key = c.ancestor_key
),

pairs as (
    select model_key, ancestor_key, bool_or(via_plausible_edges) as via_plausible_edges
    from closure
    where model_key <> ancestor_key
    group by model_key, ancestor_key
)

select m.model_id, a.model_id as ancestor_id, p.via_plausible_edges
from pairs as p
join model_keys as m on m.model_key = p.model_key
join model_keys as a on a.model_key = p.ancestor_key
