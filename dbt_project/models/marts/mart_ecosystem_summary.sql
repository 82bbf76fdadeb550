-- The headline numbers per population: size and how concentrated authorship is.
-- price_sqrt_n_share: share of models made by the top ceil(sqrt(N)) of N authors (Price's law).
with authors as (
    select * from {{ ref('int_author_model_counts') }}
),

sized as (
    select population, count(*) as n_authors, sum(n_models)::bigint as n_models
    from authors
    group by population
)

select
    s.population,
    s.n_models,
    s.n_authors,
    -- shares from integer counts (exact, so the same input always gives the same bits)
    sum(a.n_models) filter (where a.author_rank <= 10) / s.n_models as top10_share,
    sum(a.n_models) filter (where a.author_rank <= 200) / s.n_models as top200_share,
    ceil(sqrt(s.n_authors))::integer as price_sqrt_n_authors,
    sum(a.n_models) filter (where a.author_rank <= ceil(sqrt(s.n_authors))) / s.n_models as price_sqrt_n_share,
    count(*) filter (where a.n_models = 1) / s.n_authors as single_model_author_share
from sized as s
join authors as a using (population)
group by s.population, s.n_models, s.n_authors
