-- Rows the blocking quality checks quarantined (row-level rules), as the checks wrote them.
-- Grain: one row per quarantined row and rule.
with source as (
    select * from {{ source('quality', 'quarantine') }}
)

select
    asset,
    check_name,
    rule,
    reason,
    model_id,
    crawl_id,
    source_name,
    row_number,
    value as offending_value,
    quarantined_at,
    run_id
from source
