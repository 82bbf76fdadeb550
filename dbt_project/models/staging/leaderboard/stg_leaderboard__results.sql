-- One row per leaderboard result row of every snapshot (Hub dataset revisions and archived
-- exports), cast from the text landing schema. Grain: source_name x row_number.
{% set scores = ['arc', 'hellaswag', 'mmlu', 'truthfulqa', 'winogrande', 'gsm8k',
                 'ifeval', 'bbh', 'math_lvl_5', 'gpqa', 'musr', 'mmlu_pro'] %}

with hub_dataset as (
    select * from {{ source('raw', 'leaderboard_hub_results') }}
),

archive as (
    select * from {{ source('raw', 'leaderboard_archive_results') }}
),

quarantine as (
    select source_name, row_number from {{ source('quality', 'quarantine') }}
    where asset in ('raw/leaderboard_hub_results', 'raw/leaderboard_archive_results')
),

unioned as (
    select * from (
        select * from hub_dataset
        union all by name
        select * from archive
    )
    -- rows the quality checks quarantined (no model, a malformed id, a score out of range) stay out
    anti join quarantine using (source_name, row_number)
),

renamed as (
    select
        leaderboard_version,
        cast(snapshot_date as date) as snapshot_date,
        source_kind,
        source_name,
        source_revision,
        schema_variant,
        row_number,
        trim(model_id) as model_id,
        split_part(trim(model_id), '/', 1) as author_namespace,
        precision,
        model_type_label,
        -- the label reduced to its letters: drops emoji, spaces, punctuation and the parenthesised
        -- examples, so "💬 chat models (RLHF, DPO, IFT, ...)" and "chatmodels" meet
        -- ('none' when nothing is left, e.g. the v1 "?" marker)
        coalesce(nullif(lower(regexp_replace(regexp_replace(coalesce(model_type_label, ''), '\(.*\)', '', 'g'),
                                             '[^A-Za-z]', '', 'g')), ''), 'none') as model_type_key,
        nullif(nullif(trim(architecture), '?'), 'Unknown') as architecture,
        weight_type,
        try_cast(average_score as double) as average_score,
        case when try_cast(params_b as double) > 0 then try_cast(params_b as double) end as params_b,
        nullif(lower(trim(hub_license)), '') as hub_license,
        try_cast(hub_hearts as bigint) as hub_hearts,
        model_sha,
        try_cast(is_merged as boolean) as is_merged,
        try_cast(is_moe as boolean) as is_moe,
        try_cast(is_flagged as boolean) as is_flagged,
        try_cast(available_on_hub as boolean) as is_available_on_hub,
        nullif(trim(base_model), '') as declared_base_model,
        try_cast(try_cast(generation as double) as integer) as generation,
        try_cast(left(upload_date, 10) as date) as upload_date,
        try_cast(left(submission_date, 10) as date) as submission_date,
        {% for s in scores %}
        try_cast(score_{{ s }} as double) as score_{{ s }},
        {% endfor %}
        original_record,
        loaded_at
    from unioned
)

select * from renamed
