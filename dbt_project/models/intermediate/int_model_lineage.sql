-- Ancestry of every model: walk first-declared parents up to the root.
-- root_key is the model key of the last ancestor reached; depth is 0 for roots. Keyed, not named: the walk
-- and its table are on model keys (macros/keys.sql), which int_models turns back into repo ids; at 2M models
-- the walk on repo ids took five times as long.
-- Computed top-down, each model once: from every root (a model with no parent) down its children. Models no
-- root reaches sit on a cycle of first parents or hang off one; for those few the walk goes up from each,
-- stopping before it revisits a model already on its path (the root is then the last model reached, and
-- stopped_at_cycle is true).
with parents as (
    select {{ model_key('model_id') }} as model_key, {{ model_key('parent_model_id') }} as parent_key
    from {{ ref('int_model_parents') }}
    where parent_order = 1
),

hub as (
    select {{ model_key('model_id') }} as model_key from {{ ref('int_hub__models') }}
),

nodes as (
    select model_key from hub
    union
    select model_key from parents
    union
    select parent_key from parents
),

roots as (
    select model_key from nodes
    anti join parents using (model_key)
),

down as (
    with recursive tree(model_key, root_key, depth) as (
        select model_key, model_key, 0
        from roots
        union all
        select p.model_key, t.root_key, t.depth + 1
        from tree as t
        join parents as p on p.parent_key = t.model_key
    )
    select * from tree
),

on_or_off_cycles as (
    select model_key from nodes
    anti join down using (model_key)
),

up as (
    with recursive steps(model_key, ancestor_key, depth, path) as (
        select model_key, model_key, 0, [model_key]
        from on_or_off_cycles
        union all
        select s.model_key, p.parent_key, s.depth + 1, list_append(s.path, p.parent_key)
        from steps as s
        join parents as p on p.model_key = s.ancestor_key
        where not list_contains(s.path, p.parent_key)
    )
    select
        model_key,
        arg_max(ancestor_key, depth) as root_key,
        max(depth) as depth
    from steps
    group by model_key
),

walked as (
    select model_key, root_key, depth, false as stopped_at_cycle from down
    union all
    -- the last model reached still has a parent: it is already on the path
    select model_key, root_key, depth, true as stopped_at_cycle from up
)

select
    w.model_key,
    w.root_key,
    w.depth,
    w.stopped_at_cycle,
    hub.model_key is not null as is_on_hub
from walked as w
left join hub using (model_key)
