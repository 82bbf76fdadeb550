-- One row per model known from any source (Hub crawl, leaderboards, declared parents): who made
-- it, when it was released, its architecture family, size, downloads, licence and lineage facts.
-- release_date: Hub createdAt when known, else the earliest leaderboard upload date, else the
-- earliest leaderboard submission date (v1 exports carry no upload date).
-- The sources are joined on model keys (macros/keys.sql): at 2M models seven joins on repo ids cost seconds.
with hub as (
    select
        *,
        {{ model_key('model_id') }} as model_key,
        -- the Hub's licence: its license: tag, else the card's
        lower(coalesce(
            list_extract(list_filter(tags, lambda t: t like 'license:%'), 1)[length('license:') + 1:],
            nullif(trim(card_license), '')
        )) as license
    from {{ ref('int_hub__models') }}
),

removals as (
    select {{ model_key('model_id') }} as model_key from {{ ref('stg_hub__model_removals') }}
),

leaderboard as (
    select
        model_id,
        {{ model_key('model_id') }} as model_key,
        min(upload_date) as first_upload_date,
        min(submission_date) as first_submission_date,
        arg_max(architecture, (snapshot_date, architecture)) filter (where architecture is not null) as leaderboard_architecture,
        max(params_b) as leaderboard_params_b,
        arg_max(hub_license, (snapshot_date, hub_license)) filter (where hub_license is not null) as leaderboard_license
    from {{ ref('int_leaderboard__results') }}
    group by model_id
),

parents as (
    select * from {{ ref('int_model_parents') }}
),

lineage as (
    select * from {{ ref('int_model_lineage') }}
),

families as (
    select * from {{ ref('int_architecture_families') }}
),

-- the size buckets as one list, looked up per row (a range join would sort all the models)
size_buckets as (
    select list({'size_bucket': size_bucket, 'bucket_order': bucket_order,
                 'lower_exclusive_b': lower_exclusive_b, 'upper_inclusive_b': upper_inclusive_b}
                order by bucket_order) as buckets
    from {{ ref('size_buckets') }}
),

first_parent as (
    select {{ model_key('model_id') }} as model_key, model_id, parent_model_id, relation
    from parents
    where parent_order = 1
),

ids as (
    -- the models int_model_lineage walks (every Hub model, every first-declared parent), and the leaderboards'
    select model_id, {{ model_key('model_id') }} as model_key
    from (
        select model_id from hub
        union
        select model_id from first_parent
        union
        select parent_model_id from first_parent
        union
        select model_id from leaderboard
    )
),

children as (
    select {{ model_key('parent_model_id') }} as model_key, count(*) as n_children
    from parents
    group by 1
),

joined as (
    select
        ids.model_id,
        split_part(ids.model_id, '/', 1) as author,
        hub.model_id is not null as is_on_hub,
        removals.model_key is not null as is_removed,
        hub.created_at,
        coalesce(cast(hub.created_at as date), lb.first_upload_date, lb.first_submission_date) as release_date,
        case
            when hub.created_at is not null then 'hub_created_at'
            when lb.first_upload_date is not null then 'leaderboard_upload_date'
            when lb.first_submission_date is not null then 'leaderboard_submission_date'
        end as release_date_source,
        coalesce(hub.config_model_type, hub.config_architecture, lb.leaderboard_architecture) as architecture_raw,
        coalesce(f_type.architecture_family, f_class.architecture_family, f_lb.architecture_family,
                 'unknown') as architecture_family,
        coalesce(hub.safetensors_params / 1e9, hub.gguf_params / 1e9, lb.leaderboard_params_b) as params_b,
        hub.downloads_30d,
        hub.likes,
        hub.pipeline_tag,
        hub.license as hub_license,
        coalesce(hub.license, lb.leaderboard_license, 'unknown') as license,
        fp.parent_model_id as first_parent_model_id,
        fp.relation as relation_to_parent,
        coalesce(ch.n_children, 0) as n_children,
        root.model_id as root_model_id,
        coalesce(lin.depth, 0) as depth
    from ids
    left join hub on hub.model_key = ids.model_key
    left join removals on removals.model_key = ids.model_key
    left join leaderboard as lb on lb.model_key = ids.model_key
    left join first_parent as fp on fp.model_key = ids.model_key
    left join children as ch on ch.model_key = ids.model_key
    left join lineage as lin on lin.model_key = ids.model_key
    left join ids as root on root.model_key = lin.root_key
    left join families as f_type on f_type.raw_value = hub.config_model_type
    left join families as f_class on f_class.raw_value = hub.config_architecture
    left join families as f_lb on f_lb.raw_value = lb.leaderboard_architecture
),

bucketed as (
    select
        j.*,
        list_filter(size_buckets.buckets,
                    lambda b: j.params_b > b.lower_exclusive_b and j.params_b <= b.upper_inclusive_b)[1] as bucket
    from joined as j
    cross join size_buckets
)

select
    * exclude (bucket),
    coalesce(bucket.size_bucket, 'unknown') as size_bucket,
    coalesce(bucket.bucket_order, 9) as size_bucket_order,
    -- without a leaderboard label, the type follows from lineage where it can
    case
        when relation_to_parent = 'merge' then 'merge'
        when relation_to_parent in ('finetune', 'adapter') then 'fine_tuned'
        when first_parent_model_id is null and n_children > 0 then 'pretrained'
        else 'unknown'
    end as lineage_model_type
from bucketed
