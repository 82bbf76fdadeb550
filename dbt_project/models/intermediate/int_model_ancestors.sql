-- Every (model, ancestor) pair over all declared parents, merges' second parents included:
-- the transitive closure of int_model_parents. UNION (not UNION ALL) makes the walk stop on
-- cycles; pairs of a model with itself (only possible through a cycle) are left out.
with recursive edges as (
    select model_id, parent_model_id from {{ ref('int_model_parents') }}
),

closure(model_id, ancestor_id) as (
    select model_id, parent_model_id from edges
    union
    select c.model_id, e.parent_model_id
    from closure as c
    join edges as e on e.model_id = c.ancestor_id
)

select model_id, ancestor_id
from closure
where model_id <> ancestor_id
