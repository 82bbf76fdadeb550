-- How concentrated is production? One row per population x author, ranked by models made.
with population_models as (
    select * from {{ ref('int_population_models') }}
),

per_author as (
    select population, author, count(*) as n_models
    from population_models
    group by population, author
),

ranked as (
    select
        population,
        author,
        n_models,
        row_number() over (partition by population order by n_models desc, author) as author_rank,
        n_models / sum(n_models) over (partition by population) as model_share
    from per_author
)

select
    population,
    author,
    author_rank,
    n_models,
    model_share,
    sum(model_share) over (
        partition by population order by author_rank rows between unbounded preceding and current row
    ) as cumulative_share
from ranked
