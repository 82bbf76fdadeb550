-- MTEB's model descriptions (model_meta.json) from the latest landed revision of its results dataset, main
-- settings only. Grain: model folder x model revision.
with latest as (
    select source_revision
    from {{ source('raw', 'mteb_models') }}
    group by source_revision
    order by max(loaded_at) desc, source_revision
    limit 1
)

select
    model_id,
    revision_dir as model_revision,
    adapted_from as base_model_id,
    n_parameters,
    license,
    try_cast(release_date as date) as release_date,
    open_weights,
    source_revision
from {{ source('raw', 'mteb_models') }}
semi join latest using (source_revision)
where experiment is null
