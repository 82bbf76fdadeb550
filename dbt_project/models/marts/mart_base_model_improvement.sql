-- Which base models were improved most by the community? For each scored model of a population with
-- scored descendants on the same benchmark task (merges and implausible lineage excluded:
-- int_base_model_derivatives), its own score, its best descendant and the improvement over its own
-- score, in percent: positive when the descendant is better (higher, or lower for an error rate).
with pairs as (
    select *, case when higher_is_better then derivative_score else -derivative_score end as signed_score
    from {{ ref('int_base_model_derivatives') }}
),

best as (
    select
        population,
        benchmark,
        task,
        base_model_id,
        any_value(higher_is_better) as higher_is_better,
        any_value(base_score) as base_score,
        arg_max(derivative_id, (signed_score, derivative_id)) as best_derivative_id,
        arg_max(derivative_score, (signed_score, derivative_id)) as best_derivative_score,
        count(distinct derivative_id) as n_derivatives
    from pairs
    group by population, benchmark, task, base_model_id
)

select
    population,
    benchmark,
    task,
    base_model_id,
    base_score,
    best_derivative_id,
    best_derivative_score,
    100 * (case when higher_is_better then best_derivative_score - base_score
                else base_score - best_derivative_score end) / nullif(base_score, 0) as improvement_pct,
    n_derivatives
from best
