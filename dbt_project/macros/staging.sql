{#- The casts of a leaderboard landing table (every column landed as text) to typed columns, shared by
    the staging models of the Hub dataset and of the archived exports: one set of casts for both. -#}
{% macro leaderboard_renamed(relation) %}
{%- set scores = ['arc', 'hellaswag', 'mmlu', 'truthfulqa', 'winogrande', 'gsm8k',
                  'ifeval', 'bbh', 'math_lvl_5', 'gpqa', 'musr', 'mmlu_pro'] -%}
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
    -- the one type normaliser (a warehouse macro, see ingestion/warehouse/rules.py): emoji, spaces,
    -- punctuation and the parenthesised examples go, so "💬 chat models (RLHF, ...)" and "chatmodels" meet
    model_type_key(model_type_label) as model_type_key,
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
    {% for s in scores -%}
    try_cast(score_{{ s }} as double) as score_{{ s }},
    {% endfor -%}
    original_record,
    loaded_at
from {{ relation }}
{% endmacro %}
