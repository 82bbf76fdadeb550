-- Evaluation entries as landed with their model's record: Community Evals (origin eval_results,
-- ingestion/evals/community.py checked the format) and the card's legacy model-index (origin model_index,
-- ingestion/evals/model_index.py); what could not be landed is in raw.hub_eval_results_quarantine. Renamed.
-- Grain: model x origin x entry.
select
    model_id,
    origin,
    model_sha,
    filename,
    entry_no,
    verified as is_verified,
    pull_request as pull_request_number,
    pull_request is not null as from_pull_request,
    benchmark,
    task,
    dataset_revision as benchmark_revision,
    value,
    evaluated_at,
    source_url,
    source_name,
    notes,
    crawl_id,
    observed_at
from {{ source('raw', 'hub_eval_results') }}
