-- Which families are used most, and how much of a family's use goes to derivatives rather than the base?
-- A family is a root model with all its descendants (first-declared parents, int_model_lineage). One row
-- per snapshot date x root model with at least one descendant listed that day. Incremental: a run builds the
-- days whose state changed since (adoption_days_to_build).
{{ config(
    materialized='incremental',
    incremental_strategy='delete+insert',
    unique_key='snapshot_date',
    on_schema_change='fail',
    pre_hook="{{ drop_days_gone_from('snapshot_date') }}"
) }}

with todo as (
    {{ adoption_days_to_build(ref('int_model_adoption_daily')) }}
),

daily as (
    {{ adoption_rows_to_build('todo') }}
),

-- each model's family, relation to its first parent, and whether its licence claims rights an ancestor forbids
-- (int_license_conflicts): looked up once per model, not once per model and day
model_groups as (
    select k.model_key, k.root_key, k.is_root, k.relation_to_parent, c.model_id is not null as is_license_conflict
    from {{ ref('int_model_adoption_keys') }} as k
    left join {{ ref('int_license_conflicts') }} as c using (model_id)
),

members as (
    select
        d.snapshot_date,
        g.root_key,
        g.is_root,
        g.relation_to_parent,
        d.downloads_30d,
        d.likes,
        g.is_license_conflict
    from daily as d
    join model_groups as g using (model_key)
),

roots as (
    select distinct root_key, root_model_id from {{ ref('int_model_adoption_keys') }}
),

families as (
    select
        snapshot_date,
        root_key,
        count(*) filter (where not is_root) as n_descendants,
        count(*) filter (where not is_root and relation_to_parent = 'finetune') as n_finetunes,
        count(*) filter (where not is_root and relation_to_parent = 'quantized') as n_quantizations,
        count(*) filter (where not is_root and relation_to_parent = 'adapter') as n_adapters,
        count(*) filter (where not is_root and relation_to_parent = 'merge') as n_merges,
        count(*) filter (where not is_root
                         and coalesce(relation_to_parent, 'unspecified') = 'unspecified') as n_unspecified,
        sum(downloads_30d)::bigint as family_downloads,
        coalesce(sum(downloads_30d) filter (where is_root), 0)::bigint as root_downloads,
        sum(likes)::bigint as family_likes,
        count(*) filter (where not is_root and is_license_conflict) as license_conflicts
    from members
    group by snapshot_date, root_key
)

select
    'hub' as population,
    snapshot_date,
    root_model_id,
    n_descendants,
    n_finetunes,
    n_quantizations,
    n_adapters,
    n_merges,
    n_unspecified,
    family_downloads,
    root_downloads,
    (family_downloads - root_downloads) / nullif(family_downloads, 0) as derivative_download_share,
    family_likes,
    license_conflicts,
    rank() over (partition by snapshot_date order by family_downloads desc) as family_rank,
    todo.state_observed_at as observed_through
from families
join roots using (root_key)
join todo using (snapshot_date)
where n_descendants > 0
