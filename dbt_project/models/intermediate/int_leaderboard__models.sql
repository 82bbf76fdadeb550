-- One row per leaderboard version x model repo. Membership: the version's latest snapshot.
-- Several precisions or revisions of one repo count once; its best average score represents it.
-- History (first submission) comes from every snapshot of the version.
with results as (
    select * from {{ ref('stg_leaderboard__results') }}
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

best as (
    select
        leaderboard_version,
        model_id,
        any_value(author_namespace) as author_namespace,
        max(average_score) as best_average_score,
        arg_max(precision, average_score) as best_precision,
        arg_max(model_type_key, average_score) as model_type_key,
        arg_max(model_type_label, average_score) as model_type_label,
        arg_max(architecture, average_score) as architecture,
        max(params_b) as params_b,
        arg_max(hub_license, average_score) as hub_license,
        arg_max(declared_base_model, average_score) as declared_base_model,
        count(*) as n_result_rows,
        any_value(snapshot_date) as membership_snapshot_date
    from members
    group by leaderboard_version, model_id
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
