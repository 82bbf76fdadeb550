-- Data quality: raw architecture values no prefix of the seed maps, with how many models carry
-- them. Counted as family 'other' in the marts; add a prefix to architecture_families to map one.
with families as (
    select * from {{ ref('int_architecture_families') }}
),

models as (
    select * from {{ ref('int_models') }}
)

select
    f.raw_value,
    f.reduced_value,
    count(m.model_id) as n_models
from families as f
left join models as m on m.architecture_raw = f.raw_value
where not f.is_mapped
group by f.raw_value, f.reduced_value
