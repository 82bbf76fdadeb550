-- Ancestry of every model: walk first-declared parents up to the root.
-- root_model_id is the last ancestor reached; depth is 0 for roots; lineage_path runs from the model to it.
-- Computed top-down, each model once: from every root (a model with no parent) down its children, so a
-- model's path is its parent's with itself in front. Models no root reaches sit on a cycle of first parents
-- or hang off one; for those few the walk goes up from each, stopping before it revisits a model already
-- on its path (the root is then the last model reached, and stopped_at_cycle is true).
with parents as (
    select model_id, parent_model_id
    from {{ ref('int_model_parents') }}
    where parent_order = 1
),

hub as (
    select model_id from {{ ref('int_hub__models') }}
),

nodes as (
    select model_id from hub
    union
    select model_id from parents
    union
    select parent_model_id from parents
),

roots as (
    select model_id from nodes
    anti join parents using (model_id)
),

down as (
    with recursive tree(model_id, root_model_id, depth, lineage_path) as (
        select model_id, model_id, 0, [model_id]
        from roots
        union all
        select p.model_id, t.root_model_id, t.depth + 1, list_prepend(p.model_id, t.lineage_path)
        from tree as t
        join parents as p on p.parent_model_id = t.model_id
    )
    select * from tree
),

on_or_off_cycles as (
    select model_id from nodes
    anti join down using (model_id)
),

up as (
    with recursive steps(model_id, ancestor_id, depth, path) as (
        select model_id, model_id, 0, [model_id]
        from on_or_off_cycles
        union all
        select s.model_id, p.parent_model_id, s.depth + 1, list_append(s.path, p.parent_model_id)
        from steps as s
        join parents as p on p.model_id = s.ancestor_id
        where not list_contains(s.path, p.parent_model_id)
    )
    select
        model_id,
        arg_max(ancestor_id, depth) as root_model_id,
        max(depth) as depth,
        arg_max(path, depth) as lineage_path
    from steps
    group by model_id
),

walked as (
    select model_id, root_model_id, depth, lineage_path, false as stopped_at_cycle from down
    union all
    -- the last model reached still has a parent: it is already on the path
    select model_id, root_model_id, depth, lineage_path, true as stopped_at_cycle from up
)

select
    w.model_id,
    w.root_model_id,
    w.depth,
    w.lineage_path,
    w.stopped_at_cycle,
    hub.model_id is not null as is_on_hub
from walked as w
left join hub using (model_id)
