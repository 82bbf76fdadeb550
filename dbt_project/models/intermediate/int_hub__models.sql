{{ config(materialized='view') }}

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
