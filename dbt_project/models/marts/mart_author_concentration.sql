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
    sum(model_share) over (
        partition by population order by author_rank rows between unbounded preceding and current row
    ) as cumulative_share
from authors
