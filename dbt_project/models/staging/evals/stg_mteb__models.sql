-- MTEB's model descriptions (model_meta.json) as landed, every landed revision of mteb/results, renamed and cast.
-- Grain: dataset revision x model folder x model revision x experiment.
select
    source_revision,
    model_dir,
    revision_dir as model_revision,
    experiment,
    model_id,
    adapted_from as base_model_id,
    n_parameters,
    license,
    try_cast(release_date as date) as release_date,
    open_weights,
    loaded_at
from {{ source('raw', 'mteb_models') }}
