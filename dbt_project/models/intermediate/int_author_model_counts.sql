-- Models per author in each population, ranked (most models first, then by name) with the share of
-- the population's models. Grain: population x author.
with population_models as (
    select * from {{ ref('int_population_models') }}
),

per_author as (
    select population, author, count(*) as n_models
    from population_models
    group by population, author
)

select
    population,
    author,
    n_models,
    row_number() over (partition by population order by n_models desc, author) as author_rank,
    n_models / sum(n_models) over (partition by population) as model_share
from per_author
