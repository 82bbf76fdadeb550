-- Every model of every population the marts describe, with its author and licence.
--   hub:            every Hub model in the ingested scope that is still listed (deleted and renamed-away
--                   ids are left out; their records stay in raw) (licence from its `license:` tag, else the card);
--   leaderboard_v1, leaderboard_v2: the models of that leaderboard version (licence as the leaderboard
--                   recorded it, else the Hub's).
-- A missing licence is 'unknown'.
with hub_models as (
    select * from {{ ref('stg_hub__models') }}
    where model_id not in (select model_id from {{ ref('stg_hub__model_removals') }})
),

leaderboard_models as (
    select * from {{ ref('int_leaderboard__models') }}
),

hub_licenses as (
    select
        model_id,
        author_namespace,
        lower(coalesce(
            list_extract(list_filter(tags, lambda t: t like 'license:%'), 1)[length('license:') + 1:],
            nullif(trim(card_license), '')
        )) as license
    from hub_models
)

select 'hub' as population, model_id, author_namespace as author, coalesce(license, 'unknown') as license
from hub_licenses

union all

select
    'leaderboard_' || l.leaderboard_version as population,
    l.model_id,
    l.author_namespace as author,
    coalesce(l.hub_license, h.license, 'unknown') as license
from leaderboard_models as l
left join hub_licenses as h using (model_id)
