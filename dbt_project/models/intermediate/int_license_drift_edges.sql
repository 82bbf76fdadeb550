-- THE licence drift rule, one row per parent edge (child x parent). Every edge of int_model_parents whose
-- child the Hub still lists (not removed) is classified once, by the licences the Hub shows for the child
-- and the parent (normalised as in mart_license_distribution: the license: tag, else the card's, lower-case;
-- a parent the Hub does not list declares none):
--   same (equal, or neither declares one), dropped (the child declares none), added (the parent declares
--   none), more_permissive / more_restrictive (the child's licence permits more / fewer of commercial,
--   academic and personal use, by the license_permissions seed), changed (another licence, no clearer).
-- is_conflict: the child is one of int_license_conflicts (the conflict rule lives there).
-- mart_license_drift counts the classes and the conflicting edges, and needs no repo id.
-- Keyed, not named: child and parent are model keys (macros/keys.sql), on which edges, models and conflicts
-- meet, and as which the edges are written (at 2M models, edges with repo ids took twice as long to write).
-- A reader joins a model with `on e.model_key = hash(m.model_id)`.
with edges as (
    select
        model_id,
        parent_model_id,
        relation,
        {{ model_key('model_id') }} as model_key,
        {{ model_key('parent_model_id') }} as parent_key
    from {{ ref('int_model_parents') }}
),

models as (
    select model_id, hub_license, release_date, is_removed from {{ ref('int_models') }}
),

permissions as (
    select
        license,
        commercial_use::int + academic_use::int + personal_use::int as permitted_uses
    from {{ ref('license_permissions') }}
),

licensed as (
    select
        {{ model_key('model_id') }} as model_key,
        m.release_date,
        m.hub_license,
        m.is_removed,
        p.permitted_uses
    from models as m
    left join permissions as p on p.license = m.hub_license
),

classified as (
    select
        e.model_key,
        e.parent_key,
        e.relation,
        date_trunc('month', child.release_date)::date as month,
        child.hub_license,
        parent.hub_license as parent_hub_license,
        case
            when child.hub_license is not distinct from parent.hub_license then 'same'
            when child.hub_license is null then 'dropped'
            when parent.hub_license is null then 'added'
            when child.permitted_uses > parent.permitted_uses then 'more_permissive'
            when child.permitted_uses < parent.permitted_uses then 'more_restrictive'
            else 'changed'
        end as drift,
        c.model_key is not null as is_conflict
    from edges as e
    left join licensed as child on child.model_key = e.model_key
    left join licensed as parent on parent.model_key = e.parent_key
    left join {{ ref('int_license_conflicts') }} as c on c.model_key = e.model_key
    where not coalesce(child.is_removed, false)
)

select * from classified
