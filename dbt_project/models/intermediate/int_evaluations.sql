-- One evaluation table: every score of a model on a benchmark task, from every source, after
-- de-duplication. Grain: model x benchmark x task x source. Scores are comparable only within one
-- benchmark and task (scales differ: 0-1, 0-100, error rates): nothing downstream averages across them.
--
-- Sources: the Open LLM Leaderboard v1 and v2 (a model's best average on the version's latest snapshot,
-- task `average`), Community Evals (the .eval_results entries of each model's latest record), the card's
-- legacy model-index (task `<config>:<metric>`) and MTEB (the latest landed revision of mteb/results).
-- Community Evals entries the quality gate quarantined are left out.
-- De-duplication, within model x benchmark x task x source:
--   Community Evals and model-index: only the model's latest record counts (landing replaces a model's entries when a newer
--     record reports them); among its entries a verified one beats an unverified one, then an entry merged
--     on main beats one from an open pull request (which is kept, flagged, when it is the only one), then
--     the latest date, then the file and position (for a stable result);
--   MTEB: the model's latest revision evaluated (by when its file was added, then its release date); the
--     task's main split (`test` when there is one) and its subsets averaged, as MTEB scores a task.
with directions as (
    select * from {{ ref('benchmark_metric_directions') }}
),

registered_tasks as (
    select distinct benchmark, task from {{ ref('stg_hub__benchmark_tasks') }}
),

leaderboard as (
    select
        model_id,
        'open_llm_leaderboard_' || leaderboard_version as benchmark,
        'average' as task,
        'average' as metric,
        best_average_score as value,
        'leaderboard_' || leaderboard_version as source,
        true as verified,  -- the leaderboard ran the evaluations itself
        false as from_pull_request,
        cast(coalesce(first_submission_date, first_snapshot_date) as timestamptz) as evaluated_at,
        cast(membership_snapshot_date as timestamptz) as observed_at,
        1 as n_entries
    from {{ ref('int_leaderboard__models') }}
    where best_average_score is not null
),

quarantined as (
    -- entries the Hub gate's Great Expectations rules set aside (an implausible date or value)
    select model_id, crawl_id, source_name as origin, row_number as entry_no from {{ ref('stg_quality__quarantine') }}
    where asset = 'raw/hub_eval_results'
),

community_ranked as (
    select
        e.*,
        case when e.origin = 'model_index' then 'model_index' else 'community_evals' end as source,
        row_number() over (
            partition by model_id, origin, benchmark, task
            order by is_verified desc, from_pull_request, evaluated_at desc nulls last, filename, entry_no
        ) as rank_in_key,
        count(*) over (partition by model_id, origin, benchmark, task) as n_entries
    from {{ ref('stg_hub__eval_results') }} as e
    anti join quarantined as q using (model_id, crawl_id, origin, entry_no)
),

community as (
    select
        c.model_id,
        c.benchmark,
        c.task,
        coalesce(d_task.metric, d_all.metric, 'score') as metric,
        c.value,
        c.source,
        c.is_verified as verified,
        c.from_pull_request,
        -- without a date the Hub takes the commit's time: the record's last modification bounds it
        coalesce(c.evaluated_at, m.last_modified_at, c.observed_at) as evaluated_at,
        c.observed_at,
        c.n_entries,
        coalesce(d_task.higher_is_better, d_all.higher_is_better) as direction,
        case when c.source = 'community_evals' then r.task is not null end as is_registered_task
    from community_ranked as c
    left join {{ ref('stg_hub__models') }} as m using (model_id)
    left join registered_tasks as r on r.benchmark = c.benchmark and r.task = c.task
    left join directions as d_task on d_task.benchmark = c.benchmark and d_task.task = c.task
    left join directions as d_all on d_all.benchmark = c.benchmark and d_all.task = '*'
    where c.rank_in_key = 1
),

mteb_revisions as (
    select
        *,
        dense_rank() over (partition by model_id
                           order by max_added desc nulls last, release_date desc nulls last, model_revision desc)
            as revision_rank
    from (
        select *, max(file_added_at) over (partition by model_id, model_revision) as max_added
        from {{ ref('int_mteb__results') }}
    )
),

mteb_splits as (
    select
        *,
        dense_rank() over (partition by model_id, task order by split <> 'test', split) as split_rank
    from mteb_revisions
    where revision_rank = 1
),

mteb as (
    select
        model_id,
        'mteb/results' as benchmark,
        task,
        'main_score' as metric,
        -- averaged as decimals: the same bits whatever order the threads add in
        cast(avg(cast(main_score as decimal(38, 12))) as double) as value,
        'mteb' as source,
        false as verified,
        false as from_pull_request,
        cast(coalesce(max(file_added_at), cast(max(release_date) as timestamptz)) as timestamptz) as evaluated_at,
        max(loaded_at) as observed_at,
        count(*) as n_entries
    from mteb_splits
    where split_rank = 1
    group by model_id, task
)

-- is_registered_task: a Community Evals entry names a task of a registered benchmark's eval.yaml (null for the
-- leaderboards and MTEB, which are not Hub benchmark specs)
select model_id, benchmark, task, metric, value, true as higher_is_better, source, verified, from_pull_request,
       evaluated_at, observed_at, n_entries, null::boolean as is_registered_task
from leaderboard
union all
select model_id, benchmark, task, metric, value, coalesce(direction, true) as higher_is_better, source, verified,
       from_pull_request, evaluated_at, observed_at, n_entries, is_registered_task
from community
union all
select model_id, benchmark, task, metric, value, true as higher_is_better, source, verified, from_pull_request,
       evaluated_at, observed_at, n_entries, null::boolean as is_registered_task
from mteb
