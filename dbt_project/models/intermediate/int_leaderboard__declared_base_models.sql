-- The base model leaderboard v2 declares for each model: the latest declaration (by snapshot), kept
-- when it names another repo (``declared_base_model``, the warehouse rule: without the " (Merge)"
-- annotation, not the model itself, not the literal 'Removed', a namespace/name id). Grain: model_id.
with results as (
    select * from {{ ref('int_leaderboard__results') }}
),

latest as (
    select
        model_id,
        arg_max(declared_base_model, (snapshot_date, declared_base_model)) as latest_declared_base_model
    from results
    where leaderboard_version = 'v2' and declared_base_model is not null
    group by model_id
)

select
    model_id,
    latest_declared_base_model,
    declared_base_model(model_id, latest_declared_base_model) as base_model_id,
    declared_base_relation(latest_declared_base_model) as relation
from latest
