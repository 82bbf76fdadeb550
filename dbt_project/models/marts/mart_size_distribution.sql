-- Which sizes are built, and which model is best per size? One row per population x
-- architecture family x size bucket; the best model only where the population has scores.
with members as (
    select * from {{ ref('int_population_models') }}
)

select
    population,
    architecture_family,
    size_bucket,
    any_value(size_bucket_order) as size_bucket_order,
    count(*) as n_models,
    arg_max(model_id, (best_score, model_id)) filter (where best_score is not null) as best_model_id,
    max(best_score) as best_avg_score
from members
group by population, architecture_family, size_bucket
