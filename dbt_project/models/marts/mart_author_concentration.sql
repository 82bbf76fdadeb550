-- How concentrated is production? One row per population x author, ranked by models made.
with authors as (
    select * from {{ ref('int_author_model_counts') }}
)

select
    population,
    author,
    author_rank,
    n_models,
    model_share,
    -- from integer counts (exact: the same input always gives the same bits)
    sum(n_models) over (
        partition by population order by author_rank rows between unbounded preceding and current row
    ) / sum(n_models) over (partition by population) as cumulative_share
from authors
