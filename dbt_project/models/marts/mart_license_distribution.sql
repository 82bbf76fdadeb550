-- Under which terms is the ecosystem released? One row per population x licence,
-- with what the licence permits (from the license_permissions seed; null where unmapped).
with population_models as (
    select * from {{ ref('int_population_models') }}
),

permissions as (
    select * from {{ ref('license_permissions') }}
),

counted as (
    select population, license, count(*) as n_models
    from population_models
    group by population, license
)

select
    c.population,
    c.license,
    c.n_models,
    c.n_models / sum(c.n_models) over (partition by c.population) as model_share,
    p.license_family,
    p.commercial_use,
    p.academic_use,
    p.personal_use,
    p.rationale as permissions_rationale,
    p.license is not null as is_mapped
from counted as c
left join permissions as p on p.license = c.license
