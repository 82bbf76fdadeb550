{#- The days (snapshot_date, state_observed_at) of int_model_adoption_daily an incremental adoption mart must
    (re)build: on a full build every day; on an incremental one the days whose state changed since the mart
    built them (observed_through differs) or that it lacks. -#}
{% macro adoption_days_to_build(daily) %}
    {% if is_incremental() %}
    select d.snapshot_date, d.state_observed_at
    from (select distinct snapshot_date, state_observed_at from {{ daily }}) as d
    left join (select distinct snapshot_date, observed_through from {{ this }}) as m using (snapshot_date)
    where m.observed_through is distinct from d.state_observed_at
    {% else %}
    select distinct snapshot_date, state_observed_at from {{ daily }}
    {% endif %}
{% endmacro %}

{#- The rows of int_model_adoption_daily on the days in ``todo`` (a CTE of adoption_days_to_build); the
    range condition lets DuckDB skip the row groups of earlier days. -#}
{% macro adoption_rows_to_build(todo) %}
    select d.*
    from {{ ref('int_model_adoption_daily') }} as d
    where d.snapshot_date >= (select min(snapshot_date) from {{ todo }})
      and d.snapshot_date in (select snapshot_date from {{ todo }})
{% endmacro %}

{#- Incremental adoption marts drop the days the adoption history no longer has (retention thinned them). -#}
{% macro drop_days_gone_from(column) %}
{% if is_incremental() %}delete from {{ this }} where {{ column }} not in (select distinct snapshot_date from {{ ref('int_model_adoption_daily') }}){% endif %}
{% endmacro %}
