-- Every score the performance marts compare, one series per population, benchmark and task: scores are
-- comparable only within one benchmark and task (scales and directions differ), so no mart ever mixes two.
--   leaderboard_v1, leaderboard_v2: each model's best average (benchmark open_llm_leaderboard_v1/_v2, task
--                  `average`), with the population's attributes (int_population_models);
--   hub_evals:     the evaluations reported on the Hub after the leaderboard (int_evaluations: Community Evals,
--                  MTEB), with the model's Hub attributes where the crawl has it, else MTEB's description
--                  (release date, parameters) and, last, the evaluation's date as the release date.
-- Grain: population x benchmark x task x model_id.
with population_models as (
    select * from {{ ref('int_population_models') }}
),

leaderboard as (
    select
        population,
        'open_llm_leaderboard_' || replace(population, 'leaderboard_', '') as benchmark,
        'average' as task,
        model_id,
        best_score as score,
        true as higher_is_better,
        release_date,
        model_type,
        params_b,
        relation_to_parent
    from population_models
    where population like 'leaderboard_%' and best_score is not null
),

hub as (
    select model_id, release_date, model_type, params_b, relation_to_parent
    from population_models
    where population = 'hub'
),

mteb_models as (
    select model_id, min(release_date) as release_date, max(n_parameters) / 1e9 as params_b
    from {{ ref('int_mteb__results') }}
    group by model_id
),

hub_evals as (
    select
        'hub_evals' as population,
        e.benchmark,
        e.task,
        e.model_id,
        e.value as score,
        e.higher_is_better,
        coalesce(h.release_date, m.release_date, cast(e.evaluated_at as date)) as release_date,
        coalesce(h.model_type, 'unknown') as model_type,
        coalesce(h.params_b, m.params_b) as params_b,
        h.relation_to_parent
    from {{ ref('int_evaluations') }} as e
    left join hub as h using (model_id)
    left join mteb_models as m using (model_id)
    where e.source not like 'leaderboard_%'
    -- a model scored on one task by two sources (Community Evals and a model card, say): the verified one
    qualify row_number() over (partition by e.model_id, e.benchmark, e.task
                               order by e.verified desc, e.evaluated_at desc nulls last, e.source) = 1
)

select * from leaderboard
union all by name
select * from hub_evals
