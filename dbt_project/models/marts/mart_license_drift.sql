-- Do licences change along lineage, and how often does a derivative claim rights its base does not grant?
-- One row per month of the child's release x relation x drift class, over the edges int_license_drift_edges
-- classifies (the rule and the classes are there).
with edges as (
    select * from {{ ref('int_license_drift_edges') }}
),

counted as (
    select month, relation, drift, count(*) as n_edges, count(*) filter (where is_conflict) as conflict_edges
    from edges
    group by all
)

select
    'hub' as population,
    month,
    relation,
    drift,
    n_edges,
    n_edges / sum(n_edges) over (partition by month, relation) as edge_share,
    conflict_edges
from counted
