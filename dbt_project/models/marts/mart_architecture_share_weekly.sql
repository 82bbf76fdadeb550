-- Which architectures dominate, week by week? One row per population x release week x family.
-- Families with under 5% of all the population's dated models fold into 'other'.
with dated as (
    select population, architecture_family, cast(date_trunc('week', release_date) as date) as week_start
    from {{ ref('int_population_models') }}
    where release_date is not null
),

family_share as (
    select population, architecture_family,
           count(*) / sum(count(*)) over (partition by population) as share_of_all
    from dated
    group by population, architecture_family
),

folded as (
    select
        d.population,
        d.week_start,
        case when f.share_of_all >= 0.05 then d.architecture_family else 'other' end as architecture_family
    from dated as d
    join family_share as f using (population, architecture_family)
),

counted as (
    select population, week_start, architecture_family, count(*) as new_models
    from folded
    group by all
)

select
    population,
    week_start,
    architecture_family,
    new_models,
    new_models / sum(new_models) over (partition by population, week_start) as share_of_week
from counted
