-- MTEB's scores from the latest landed revision of its results dataset (each revision is a complete snapshot of
-- the repository), main settings only (not the experiments/ variants), with the model's description.
-- Grain: model x model revision x task x split x subset.
with latest as (
    select source_revision
    from {{ ref('stg_mteb__models') }}
    group by source_revision
    order by max(loaded_at) desc, source_revision
    limit 1
),

results as (
    select * from {{ ref('stg_mteb__results') }}
    semi join latest using (source_revision)
    where experiment is null
),

models as (
    select * from {{ ref('stg_mteb__models') }}
    semi join latest using (source_revision)
    where experiment is null
)

select
    m.model_id,
    r.model_revision,
    m.base_model_id,
    m.n_parameters,
    m.license,
    m.release_date,
    r.task,
    r.split,
    r.subset,
    r.main_score,
    r.task_revision,
    r.mteb_version,
    r.file_added_at,
    r.source_revision,
    r.loaded_at
from results as r
join models as m using (source_revision, model_dir, model_revision)
