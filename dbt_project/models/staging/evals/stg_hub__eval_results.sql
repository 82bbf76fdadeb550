-- Community Evals entries as landed with their model's record (ingestion/evals/community.py checked the format;
-- the items it could not land are in raw.hub_eval_results_quarantine), renamed. Grain: model x file x entry.
select
    model_id,
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
