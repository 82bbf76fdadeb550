-- Parent edges with their relation, one row per model x parent, by the one lineage rule
-- (``lineage_edges``, a warehouse table macro written once in ingestion/warehouse/rules.py, which the
-- crawler's ancestor walk follows too):
--   1. the Hub's lineage tags decide (`base_model:<parent>`, `base_model:<relation>:<parent>`);
--   2. a card's base_model counts only for a record with no lineage tag at all;
--   3. leaderboard v2's declared base model only for a model the Hub gives no parent ('merge' when the
--      leaderboard annotates it so, else 'unspecified').
-- parent_order 1 is the main parent (the first declared).
with hub_models as (
    select * from {{ ref('int_hub__models') }}
),

declared as (
    select * from {{ ref('int_leaderboard__declared_base_models') }}
),

-- materialized: the leaderboard's edges look it up, and the rule must not run twice
hub_edges as materialized (
    select model_id, parent_model_id, relation, parent_order as edge_position, edge_source
    from lineage_edges('hub_models')
),

leaderboard_edges as (
    select
        model_id,
        base_model_id as parent_model_id,
        relation,
        1 as edge_position,
        'leaderboard' as edge_source
    from declared
    where base_model_id is not null
      and model_id not in (select model_id from hub_edges)
),

edges as (
    select * from hub_edges
    union all
    select * from leaderboard_edges
)

select
    model_id,
    parent_model_id,
    relation,
    edge_source,
    cast(edge_position as bigint) as parent_order
from edges
