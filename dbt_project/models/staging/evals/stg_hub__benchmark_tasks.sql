-- The registered benchmarks' tasks, one row per benchmark x task (each task is one leaderboard on the Hub),
-- from the eval.yaml of the revision last read. A spec that departs from the format keeps its tasks.
with benchmarks as (
    select * from {{ source('raw', 'hub_benchmarks') }}
)

select
    benchmark,
    revision as benchmark_revision,
    name as benchmark_name,
    evaluation_framework,
    json_array_length(problems) = 0 as is_valid_spec,
    task ->> 'task_id' as task,
    task ->> 'config' as task_config,
    task ->> 'split' as task_split,
    fetched_at
from benchmarks, unnest(cast(tasks as json[])) as t(task)
