-- Models no longer listed by the Hub (deleted or renamed), one row per model id.
with source as (
    select * from {{ source('raw', 'hub_model_removals') }}
)

select
    model_id,
    removal as removal_kind,
    renamed_to as renamed_to_model_id,
    detected_at as removed_detected_at,
    crawl_id as detected_by_crawl_id
from source
