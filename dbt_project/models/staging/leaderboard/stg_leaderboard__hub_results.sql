-- The leaderboard dataset on the Hub, every landed revision, cast from the text landing schema.
-- Grain: source_name (the revision) x row_number.
with source as (
    select * from {{ source('raw', 'leaderboard_hub_results') }}
)

{{ leaderboard_renamed('source') }}
