-- What the adoption marts group a model by, per model of the history (model_key): its repo id, author
-- (namespace), family root (int_model_lineage, through int_models) and relation to its first parent. It reads
-- int_models only (not the ancestors, nor the licence conflicts, which mart_family_adoption looks up itself),
-- so that the adoption marts can be built while the lineage's longer steps run.
-- author_key and root_key number the authors and roots, so that the marts group the history's hundreds of
-- millions of rows by integers and look the names up afterwards.
-- The lineage as known at build time: a past day of an incremental mart keeps the lineage known when that
-- day was built (`dbt build --full-refresh` recomputes every day with today's).
with model_keys as (
    select * from {{ ref('stg_hub__model_keys') }}
),

models as (
    select model_id, author, root_model_id, relation_to_parent from {{ ref('int_models') }}
),

keyed as (
    select
        k.model_key,
        k.model_id,
        coalesce(m.author, split_part(k.model_id, '/', 1)) as author,
        coalesce(m.root_model_id, k.model_id) as root_model_id,
        m.relation_to_parent
    from model_keys as k
    left join models as m using (model_id)
),

-- numbered once per name, not per model: ranking the 2M models' names took two sorts of 2M strings
authors as (
    select author, dense_rank() over (order by author) as author_key
    from (select distinct author from keyed)
),

roots as (
    select root_model_id, dense_rank() over (order by root_model_id) as root_key
    from (select distinct root_model_id from keyed)
)

select
    keyed.*,
    authors.author_key,
    roots.root_key,
    keyed.model_id = keyed.root_model_id as is_root
from keyed
join authors using (author)
join roots using (root_model_id)
