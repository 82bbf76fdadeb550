-- The adoption history's model numbers: one per repo id, given the day a model is first seen, never reused.
select
    model_key,
    model_id,
    first_day as first_seen_date
from {{ source('raw', 'hub_model_keys') }}
