{#- Generic tests written here because dbt packages (dbt_utils) cannot be fetched offline. -#}

{#- The combination of columns is unique. Counted first on one hash of each row's combination (one integer
    groups several times faster than two repo ids at Hub scale); only the rows whose hash is held twice are
    then grouped by their values, so a failing row names the combination and how many rows hold it. -#}
{% test unique_combination(model, columns) %}
{%- set combination = columns | join(', ') %}
with held_twice as (
    select hash({{ combination }}) as combination_hash
    from {{ model }}
    group by combination_hash
    having count(*) > 1
)

select {{ combination }}, count(*) as n_rows
from {{ model }}
where hash({{ combination }}) in (select combination_hash from held_twice)
group by {{ combination }}
having count(*) > 1
{% endtest %}

{#- A model's row-level rules in one query, one dbt node and one Dagster check (a test per rule cost a query, a
    node and three Dagster events each: 96 tests where 52 do the work):
      not_null: columns that must hold a value                      rule <column>_not_null
      in_range: {column: {min: x, max: y, allow_null: bool}}       rule <column>_in_range (a null fails unless allowed)
      one_of:   {column: [values]}                                  rule <column>_one_of (a null passes, as dbt's
                                                                    accepted_values lets it)
    A failing row carries the rules it breaks (broken_rules), then the row itself. -#}
{% test row_rules(model, not_null=[], in_range={}, one_of={}) %}
{%- set rules = [] -%}
{%- for column in not_null -%}
    {%- do rules.append((column ~ '_not_null', column ~ ' is null')) -%}
{%- endfor -%}
{%- for column, bounds in in_range.items() -%}
    {%- set outside = column ~ ' < ' ~ bounds['min'] ~ ' or ' ~ column ~ ' > ' ~ bounds['max'] -%}
    {%- if not bounds.get('allow_null', false) %}{% set outside = outside ~ ' or ' ~ column ~ ' is null' %}{% endif -%}
    {%- do rules.append((column ~ '_in_range', outside)) -%}
{%- endfor -%}
{%- for column, values in one_of.items() -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- do quoted.append(value if value is number or value is boolean else "'" ~ (value | replace("'", "''")) ~ "'") -%}
    {%- endfor -%}
    {%- do rules.append((column ~ '_one_of', column ~ ' not in (' ~ quoted | join(', ') ~ ')')) -%}
{%- endfor %}
select
    list_filter([
        {%- for name, broken in rules %}
        case when {{ broken }} then '{{ name }}' end{{ "," if not loop.last }}
        {%- endfor %}
    ], lambda name: name is not null) as broken_rules,
    *
from {{ model }}
where {% for name, broken in rules %}({{ broken }}){{ " or " if not loop.last }}{% endfor %}
{% endtest %}

{#- A column sums to 1 (within tolerance) within each group, and no value in it is null. -#}
{% test sums_to_one(model, column_name, group_by, tolerance=0.000001) %}
select {{ group_by | join(', ') }}, sum({{ column_name }}) as total, count(*) - count({{ column_name }}) as nulls
from {{ model }}
group by {{ group_by | join(', ') }}
having abs(sum({{ column_name }}) - 1) > {{ tolerance }} or count(*) > count({{ column_name }})
{% endtest %}

{#- A cumulative column never decreases along order_by within each group. -#}
{% test never_decreases(model, column_name, order_by, group_by) %}
select *
from (
    select {{ column_name }} as value,
           lag({{ column_name }}) over (partition by {{ group_by | join(', ') }} order by {{ order_by }}) as previous
    from {{ model }}
)
where value < previous
{% endtest %}

{#- Every row has the column true (a null fails too); the failing rows are counted, one each. -#}
{% test is_true(model, column_name) %}
select *
from {{ model }}
where {{ column_name }} is distinct from true
{% endtest %}

{#- An HHI lies between 1/n_groups (equal shares) and 1; a row without downloads has none. -#}
{% test hhi_at_least_one_over_n(model) %}
select *
from {{ model }}
where hhi < 1.0 / n_groups - 1e-9 or hhi > 1 + 1e-9
{% endtest %}

{#- Every id of the column appears once, and no two ids share a model key (macros/keys.sql): the unique test and
    the collision guard in one pass, counted on the keys alone (integers group fast at Hub scale); only a key
    held twice is looked at by its ids. A failing row names the key, two of its ids (the same id twice when
    one is repeated) and the problem. -#}
{% test unique_model_keys(model, column_name) %}
with keyed as (
    select {{ column_name }} as id, {{ model_key(column_name) }} as model_key
    from {{ model }}
    where {{ column_name }} is not null
),

held_twice as (
    select model_key from keyed group by model_key having count(*) > 1
)

select
    model_key,
    min(id) as one_id,
    max(id) as other_id,
    count(*) as n_rows,
    case when min(id) = max(id) then 'repeated id' else 'two ids share a key' end as problem
from keyed
semi join held_twice using (model_key)
group by model_key
{% endtest %}
