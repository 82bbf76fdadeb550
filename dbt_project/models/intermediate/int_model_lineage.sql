-- Ancestry of every model: walk first-declared parents up to the root.
-- Cycle safe: the walk stops before revisiting a model already on the path.
-- root_model_id is the last ancestor reached; depth is 0 for roots.
with parents as (
    select model_id, parent_model_id
    from {{ ref('int_model_parents') }}
    where parent_order = 1
),

nodes as (
    select model_id from {{ ref('int_hub__models') }}
    union
    select model_id from {{ ref('int_model_parents') }}
    union
    select parent_model_id from {{ ref('int_model_parents') }}
),

walk as (
    with recursive steps(model_id, ancestor_id, depth, path) as (
        select model_id, model_id, 0, [model_id]
        from nodes
        union all
        select s.model_id, p.parent_model_id, s.depth + 1, list_append(s.path, p.parent_model_id)
        from steps as s
        join parents as p on p.model_id = s.ancestor_id
        where not list_contains(s.path, p.parent_model_id)
          and s.depth < 1000
    )
    select * from steps
),

deepest as (
    select
        model_id,
        arg_max(ancestor_id, depth) as root_model_id,
        max(depth) as depth,
        arg_max(path, depth) as lineage_path
    from walk
    group by model_id
)

select
    d.model_id,
    d.root_model_id,
    d.depth,
    d.lineage_path,
    -- a cycle: the root still has a parent (which is already on the path)
    exists (select 1 from parents p where p.model_id = d.root_model_id) as stopped_at_cycle,
    d.model_id in (select model_id from {{ ref('int_hub__models') }}) as is_on_hub
from deepest as d
