-- Every leaderboard result row of every snapshot, from the Hub dataset's revisions and from the
-- archived exports, except rows the quality checks quarantined (no model, a malformed id, a score
-- out of range). Grain: source_name x row_number.
with hub_dataset as (
    select * from {{ ref('stg_leaderboard__hub_results') }}
),

archive as (
    select * from {{ ref('stg_leaderboard__archive_results') }}
),

quarantined as (
    select source_name, row_number from {{ ref('stg_quality__quarantine') }}
    where asset in ('raw/leaderboard_hub_results', 'raw/leaderboard_archive_results')
),

unioned as (
    select * from hub_dataset
    union all by name
    select * from archive
)

select unioned.*
from unioned
anti join quarantined using (source_name, row_number)
