-- Hub models, one row per model id: the fields of the raw payload, renamed and cast.
with source as (
    select * from {{ source('raw', 'hub_models') }}
),

renamed as (
    select
        model_id,
        split_part(model_id, '/', 1) as author_namespace,
        payload ->> '$.author' as author_declared,
        payload ->> '$.sha' as sha,
        try_cast(payload ->> '$.createdAt' as timestamptz) as created_at,
        try_cast(payload ->> '$.lastModified' as timestamptz) as last_modified_at,
        try_cast(payload ->> '$.downloads' as bigint) as downloads_30d,
        try_cast(payload ->> '$.downloadsAllTime' as bigint) as downloads_all_time,
        try_cast(payload ->> '$.likes' as bigint) as likes,
        try_cast(payload ->> '$.private' as boolean) as is_private,
        payload ->> '$.gated' as gated,
        payload ->> '$.pipeline_tag' as pipeline_tag,
        payload ->> '$.library_name' as library_name,
        hub_tags(payload) as tags,
        payload ->> '$.config.model_type' as config_model_type,
        payload ->> '$.config.architectures[0]' as config_architecture,
        payload ->> '$.cardData.license' as card_license,
        payload ->> '$.cardData.license_name' as card_license_name,
        payload -> '$.cardData.base_model' as card_base_model,
        payload ->> '$.cardData.base_model_relation' as card_base_model_relation,
        try_cast(payload ->> '$.safetensors.total' as bigint) as safetensors_params,
        try_cast(payload ->> '$.gguf.total' as bigint) as gguf_params,
        crawl_id,
        fetched_at
    from source
)

select * from renamed
