-- Every model of every population the marts describe (grain population x model_id), with the
-- attributes the marts need.
--   hub:            every crawled Hub model still listed (deleted and renamed-away ids are left
--                   out; their records stay in raw); model type from its leaderboard label if it
--                   has one (v2 first), else from lineage; no scores.
--   leaderboard_v1, leaderboard_v2: the models of that leaderboard version (membership from its
--                   latest snapshot), typed by that version's labels, scored by their best average;
--                   licence as the leaderboard recorded it, else the Hub's.
with models as (
    select * from {{ ref('int_models') }}
),

leaderboard_models as (
    select * from {{ ref('int_leaderboard__models') }}
),

labels as (
    select * from {{ ref('model_type_labels') }}
),

typed_leaderboard as (
    select
        l.*,
        coalesce(t.model_type, 'unknown') as model_type,
        t.model_type_key is not null as is_type_mapped
    from leaderboard_models as l
    left join labels as t on t.model_type_key = l.model_type_key
),

hub_label as (
    select model_id, arg_max(model_type, leaderboard_version) as model_type
    from typed_leaderboard
    where model_type <> 'unknown'
    group by model_id
)

select
    'hub' as population,
    m.model_id,
    m.author,
    m.release_date,
    coalesce(h.model_type, m.lineage_model_type) as model_type,
    m.architecture_family,
    m.params_b,
    m.size_bucket,
    m.size_bucket_order,
    m.downloads_30d,
    coalesce(m.hub_license, 'unknown') as license,
    m.relation_to_parent,
    cast(null as double) as best_score,
    true as is_type_mapped
from models as m
left join hub_label as h using (model_id)
where m.is_on_hub and not m.is_removed

union all

select
    'leaderboard_' || l.leaderboard_version as population,
    l.model_id,
    l.author_namespace as author,
    m.release_date,
    l.model_type,
    m.architecture_family,
    coalesce(l.params_b, m.params_b) as params_b,
    m.size_bucket,
    m.size_bucket_order,
    m.downloads_30d,
    coalesce(l.hub_license, m.hub_license, 'unknown') as license,
    m.relation_to_parent,
    l.best_average_score as best_score,
    l.is_type_mapped
from typed_leaderboard as l
left join models as m using (model_id)
