-- Which families are used most, and how much of a family's use goes to derivatives rather than the base?
-- A family is a root model with all its descendants (first-declared parents, int_model_lineage). One row
-- per snapshot date x root model with at least one descendant listed that day.
with daily as (
    select * from {{ ref('int_model_adoption_daily') }}
),

models as (
    select model_id, coalesce(root_model_id, model_id) as root_model_id, relation_to_parent
    from {{ ref('int_models') }}
),

-- descendants claiming commercial use their parent or an ancestor forbids (int_license_drift_edges)
conflicting as (
    select distinct model_id from {{ ref('int_license_drift_edges') }} where is_conflict
),

members as (
    select
        d.snapshot_date,
        coalesce(m.root_model_id, d.model_id) as root_model_id,
        d.model_id,
        m.relation_to_parent,
        d.downloads_30d,
        d.likes,
        c.model_id is not null as is_license_conflict
    from daily as d
    left join models as m using (model_id)
    left join conflicting as c using (model_id)
),

families as (
    select
        snapshot_date,
        root_model_id,
        count(*) filter (where model_id <> root_model_id) as n_descendants,
        count(*) filter (where model_id <> root_model_id and relation_to_parent = 'finetune') as n_finetunes,
        count(*) filter (where model_id <> root_model_id and relation_to_parent = 'quantized') as n_quantizations,
        count(*) filter (where model_id <> root_model_id and relation_to_parent = 'adapter') as n_adapters,
        count(*) filter (where model_id <> root_model_id and relation_to_parent = 'merge') as n_merges,
        count(*) filter (where model_id <> root_model_id
                         and coalesce(relation_to_parent, 'unspecified') = 'unspecified') as n_unspecified,
        sum(downloads_30d)::bigint as family_downloads,
        coalesce(sum(downloads_30d) filter (where model_id = root_model_id), 0)::bigint as root_downloads,
        sum(likes)::bigint as family_likes,
        count(*) filter (where model_id <> root_model_id and is_license_conflict) as license_conflicts
    from members
    group by snapshot_date, root_model_id
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
    rank() over (partition by snapshot_date order by family_downloads desc) as family_rank
from families
where n_descendants > 0
