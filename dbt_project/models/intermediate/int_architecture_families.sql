-- Every raw architecture value seen (config model_type, config architecture class, leaderboard
-- architecture class) with its family: the longest matching prefix of the architecture_families
-- seed on the value reduced to lower-case letters and digits. Unmatched values are 'other' and
-- flagged (is_mapped = false) so that they are reported, never silently dropped.
with raw_values as (
    select config_model_type as raw_value from {{ ref('int_hub__models') }} where config_model_type is not null
    union
    select config_architecture from {{ ref('int_hub__models') }} where config_architecture is not null
    union
    select architecture from {{ ref('int_leaderboard__results') }} where architecture is not null
),

reduced as (
    select raw_value, regexp_replace(lower(raw_value), '[^a-z0-9]', '', 'g') as reduced_value
    from raw_values
),

matches as (
    select
        r.raw_value,
        r.reduced_value,
        arg_max(f.architecture_family, (length(f.raw_prefix), f.raw_prefix)) as architecture_family
    from reduced as r
    left join {{ ref('architecture_families') }} as f
        on starts_with(r.reduced_value, f.raw_prefix)
    group by r.raw_value, r.reduced_value
)

select
    raw_value,
    reduced_value,
    coalesce(architecture_family, 'other') as architecture_family,
    architecture_family is not null as is_mapped
from matches
