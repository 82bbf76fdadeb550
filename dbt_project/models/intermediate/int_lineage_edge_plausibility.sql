-- Every parent edge of int_model_parents, judged plausible or not (one row per edge):
--   size_mismatch:          a finetune whose size differs from its parent's by more than the factor
--                           `lineage_size_ratio_max` either way, or an adapter larger than its parent
--                           by that factor (an adapter repo is usually far smaller than its base);
--   released_before_parent: the child was released before its parent.
-- Real lineage tags contain such edges (a 70B model tagged as a finetune of an 8B base). They stay
-- in the lineage and the popularity counts; the improvement analyses leave them out, and the test
-- on `is_plausible` counts them into the quality history.
{% set ratio = var('lineage_size_ratio_max') %}
-- The edges meet their models on model keys (macros/keys.sql), cheaper to join than repo ids at Hub scale.
with parents as (
    select
        *,
        {{ model_key('model_id') }} as model_key,
        {{ model_key('parent_model_id') }} as parent_key
    from {{ ref('int_model_parents') }}
),

models as (
    select {{ model_key('model_id') }} as model_key, params_b, release_date from {{ ref('int_models') }}
),

joined as (
    select
        p.model_id,
        p.parent_model_id,
        p.relation,
        p.edge_source,
        child.params_b as child_params_b,
        parent.params_b as parent_params_b,
        child.release_date as child_release_date,
        parent.release_date as parent_release_date
    from parents as p
    left join models as child on child.model_key = p.model_key
    left join models as parent on parent.model_key = p.parent_key
),

judged as (
    select
        *,
        case
            when relation = 'finetune' and child_params_b > 0 and parent_params_b > 0
                 and greatest(child_params_b, parent_params_b) > {{ ratio }} * least(child_params_b, parent_params_b)
                then 'size_mismatch'
            when relation = 'adapter' and child_params_b > {{ ratio }} * parent_params_b and parent_params_b > 0
                then 'size_mismatch'
            when child_release_date < parent_release_date
                then 'released_before_parent'
        end as implausibility
    from joined
)

select *, implausibility is null as is_plausible
from judged
