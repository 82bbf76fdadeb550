-- Data quality: models whose parents are declared both by the Hub (tags, or the card) and by
-- leaderboard v2's base model, and whether the two agree. The Hub wins in int_model_parents; this
-- lists, per model, where the leaderboard says otherwise.
with declared as (
    select model_id, base_model_id as leaderboard_base_model
    from {{ ref('int_leaderboard__declared_base_models') }}
    where base_model_id is not null
),

hub_parents as (
    -- only the models a leaderboard declares a base for (a few thousand of the Hub's millions)
    select model_id, list(parent_model_id order by parent_order) as hub_parent_ids
    from {{ ref('int_model_parents') }}
    where edge_source <> 'leaderboard'
      and model_id in (select model_id from declared)
    group by model_id
)

select
    d.model_id,
    h.hub_parent_ids,
    d.leaderboard_base_model,
    list_contains(h.hub_parent_ids, d.leaderboard_base_model) as sources_agree
from declared as d
join hub_parents as h using (model_id)
