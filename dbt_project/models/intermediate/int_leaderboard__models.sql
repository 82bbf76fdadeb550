-- One row per leaderboard version x model repo. Membership: the version's latest snapshot.
-- Several precisions or revisions of one repo count once; its best average score represents it.
-- History (first submission) comes from every snapshot of the version.
with results as (
    select * from {{ ref('int_leaderboard__results') }}
),

latest_snapshot as (
    select leaderboard_version, max(snapshot_date) as snapshot_date
    from results
    group by leaderboard_version
),

members as (
    select r.*
    from results as r
    join latest_snapshot as l using (leaderboard_version, snapshot_date)
),

ranked as (
    -- the row that represents the repo: best average, then a row with a type label, then precision
    select
        *,
        row_number() over (partition by leaderboard_version, model_id
                           order by average_score desc nulls last, (model_type_key <> 'none') desc, precision)
            as rank_in_repo,
        count(*) over (partition by leaderboard_version, model_id) as n_result_rows,
        max(params_b) over (partition by leaderboard_version, model_id) as max_params_b
    from members
),

best as (
    select
        leaderboard_version,
        model_id,
        author_namespace,
        average_score as best_average_score,
        precision as best_precision,
        model_type_key,
        model_type_label,
        architecture,
        coalesce(params_b, max_params_b) as params_b,
        hub_license,
        declared_base_model,
        n_result_rows,
        snapshot_date as membership_snapshot_date
    from ranked
    where rank_in_repo = 1
),

history as (
    select
        leaderboard_version,
        model_id,
        min(submission_date) as first_submission_date,
        min(upload_date) as upload_date,
        min(snapshot_date) as first_snapshot_date
    from results
    group by leaderboard_version, model_id
)

select
    b.*,
    h.first_submission_date,
    h.upload_date,
    h.first_snapshot_date
from best as b
left join history as h using (leaderboard_version, model_id)
