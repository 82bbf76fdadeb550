-- MTEB's scores from the latest landed revision of its results dataset (each revision is a complete snapshot of
-- the repository), the main settings of each model only (not the experiments/ variants), renamed and joined to
-- the model description beside them. Grain: model folder x model revision x task x split x subset.
with latest as (
    select source_revision
    from {{ source('raw', 'mteb_models') }}
    group by source_revision
    order by max(loaded_at) desc, source_revision
    limit 1
),

results as (
    select r.*
    from {{ source('raw', 'mteb_results') }} as r
    semi join latest using (source_revision)
    where r.experiment is null
),

models as (
    select m.*
    from {{ source('raw', 'mteb_models') }} as m
    semi join latest using (source_revision)
    where m.experiment is null
)

select
    m.model_id,
    r.revision_dir as model_revision,
    m.adapted_from as base_model_id,
    m.n_parameters,
    m.license,
    try_cast(m.release_date as date) as release_date,
    r.task,
    r.split,
    r.subset,
    r.main_score,
    r.dataset_revision as task_revision,
    r.mteb_version,
    r.file_added_at,
    r.source_revision,
    r.loaded_at
from results as r
join models as m using (source_revision, model_dir, revision_dir)
