-- Hub models, one row per model id: the fields of the raw record, renamed. The landing parsed and typed
-- them once (ingestion/hub/fields.py), so no model reads the JSON payload again.
with source as (
    select * from {{ source('raw', 'hub_models') }}
),

renamed as (
    select
        model_id,
        split_part(model_id, '/', 1) as author_namespace,
        author as author_declared,
        sha,
        created_at,
        last_modified as last_modified_at,
        downloads as downloads_30d,
        downloads_all_time,
        likes,
        private as is_private,
        gated,
        pipeline_tag,
        library_name,
        tags,
        config_model_type,
        config_architecture,
        card_license,
        card_license_name,
        card_base_model,
        card_base_model_relation,
        safetensors_total as safetensors_params,
        gguf_total as gguf_params,
        crawl_id,
        fetched_at
    from source
)

select * from renamed
