-- Data quality: models whose parents are declared both by Hub tags and by leaderboard v2's base
-- model, and whether the two agree. The Hub tags win in int_model_parents; this counts, per
-- model, where the leaderboard says otherwise. Self-references and 'Removed' are not claims.
with hub_parents as (
    select model_id, list(parent_model_id order by parent_order) as hub_parent_ids
    from {{ ref('int_model_parents') }}
    where edge_source = 'hub_tags'
    group by model_id
),

declared as (
    select model_id, arg_max(declared_base_model, (snapshot_date, declared_base_model)) as leaderboard_base_model
    from {{ ref('stg_leaderboard__results') }}
    where leaderboard_version = 'v2' and declared_base_model is not null
    group by model_id
)

select
    d.model_id,
    h.hub_parent_ids,
    d.leaderboard_base_model,
    list_contains(h.hub_parent_ids, d.leaderboard_base_model) as sources_agree
from declared as d
join hub_parents as h using (model_id)
where d.leaderboard_base_model <> d.model_id
  and d.leaderboard_base_model <> 'Removed'
