-- The archived leaderboard exports, every landed snapshot, cast from the text landing schema.
-- Grain: source_name (the file) x row_number.
with source as (
    select * from {{ source('raw', 'leaderboard_archive_results') }}
)

{{ leaderboard_renamed('source') }}
