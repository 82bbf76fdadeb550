-- Tagged 'foundation': the leaderboard jobs rebuild it with the seeds and staging views, so that their
-- downstream models find it on a warehouse where no Hub refresh has run yet.
{{ config(tags=['foundation'], materialized='view') }}

-- The Hub models the pipeline works with: every staged record except those the quality checks
-- quarantined (a malformed id, a private repo). Grain: model_id.
with hub_models as (
    select * from {{ ref('stg_hub__models') }}
),

quarantined as (
    select model_id, crawl_id from {{ ref('stg_quality__quarantine') }}
    where asset = 'raw/hub_models'
)

select hub_models.*
from hub_models
anti join quarantined using (model_id, crawl_id)
