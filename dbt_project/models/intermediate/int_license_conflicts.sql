-- THE licence conflict rule, one row per conflicting model: a model the Hub still lists whose licence permits
-- commercial use while its parent's or any ancestor's forbids it (licences as int_models normalises them,
-- permissions by the license_permissions seed; a licence the seed does not know permits nothing it can name,
-- so it neither conflicts nor forbids). int_license_drift_edges marks the conflicting children's edges;
-- mart_family_adoption counts them per family.
-- A model of its own (not a step of the drift edges) so that the family mart need not wait for every edge to be
-- classified; keyed on model keys (macros/keys.sql) like int_model_ancestors, which it walks.
with permissions as (
    select license, commercial_use from {{ ref('license_permissions') }}
),

licensed as (
    select
        {{ model_key('m.model_id') }} as model_key,
        m.model_id,
        m.is_removed,
        p.commercial_use
    from {{ ref('int_models') }} as m
    join permissions as p on p.license = m.hub_license
)

select child.model_key, any_value(child.model_id) as model_id
from {{ ref('int_model_ancestors') }} as a
join licensed as child on child.model_key = a.model_key
join licensed as ancestor on ancestor.model_key = a.ancestor_key
where child.commercial_use and not ancestor.commercial_use and not child.is_removed
group by child.model_key
