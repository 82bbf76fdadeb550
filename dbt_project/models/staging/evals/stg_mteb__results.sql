-- MTEB's scores as landed (ingestion/evals/mteb.py), every landed revision of mteb/results, renamed.
-- Grain: dataset revision x model folder x model revision x experiment x task x split x subset.
select
    source_revision,
    model_dir,
    revision_dir as model_revision,
    experiment,
    task,
    split,
    subset,
    main_score,
    dataset_revision as task_revision,
    mteb_version,
    file_added_at,
    loaded_at
from {{ source('raw', 'mteb_results') }}
