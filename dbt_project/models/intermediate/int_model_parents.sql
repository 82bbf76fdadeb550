-- Parent edges with their relation, one row per model x parent.
-- Hub lineage tags are the primary source: `base_model:<relation>:<parent>` (relation in
-- finetune, adapter, quantized, merge) beside a plain `base_model:<parent>`. A plain tag with
-- no relation tag for the same parent keeps the card's base_model_relation, else 'unspecified'.
-- Leaderboard v2's declared base model is used only for models the Hub gives no parent,
-- ignoring self-references and the literal 'Removed'.
with hub_models as (
    select * from {{ ref('stg_hub__models') }}
),

leaderboard_results as (
    select * from {{ ref('stg_leaderboard__results') }}
),

tags as (
    select model_id, card_base_model_relation, tag, tag_position
    from hub_models, unnest(tags) with ordinality as t(tag, tag_position)
    where tag like 'base_model:%'
),

parsed as (
    select
        model_id,
        tag_position,
        card_base_model_relation,
        case when regexp_matches(tag, '^base_model:(finetune|adapter|quantized|merge):')
             then split_part(tag, ':', 2) end as relation,
        case when regexp_matches(tag, '^base_model:(finetune|adapter|quantized|merge):')
             then regexp_extract(tag, '^base_model:[a-z]+:(.+)$', 1)
             else substr(tag, length('base_model:') + 1) end as parent_model_id
    from tags
),

hub_edges as (
    select
        model_id,
        parent_model_id,
        coalesce(
            max(relation),
            case when max(card_base_model_relation) in ('finetune', 'adapter', 'quantized', 'merge')
                 then max(card_base_model_relation) end,
            'unspecified'
        ) as relation,
        min(tag_position) as declared_position,
        'hub_tags' as edge_source
    from parsed
    where parent_model_id is not null and parent_model_id <> '' and parent_model_id <> model_id
    group by model_id, parent_model_id
),

leaderboard_declared as (
    select
        model_id,
        arg_max(declared_base_model, (snapshot_date, declared_base_model)) as parent_model_id
    from leaderboard_results
    where leaderboard_version = 'v2' and declared_base_model is not null
    group by model_id
),

leaderboard_edges as (
    select
        d.model_id,
        d.parent_model_id,
        'unspecified' as relation,
        1 as declared_position,
        'leaderboard' as edge_source
    from leaderboard_declared as d
    where d.parent_model_id <> d.model_id
      and d.parent_model_id <> 'Removed'
      and d.parent_model_id like '%/%'
      and not exists (select 1 from hub_edges h where h.model_id = d.model_id)
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
    row_number() over (partition by model_id order by declared_position, parent_model_id) as parent_order
from edges
