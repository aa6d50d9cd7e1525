-- The rules each record broke in its latest version: errors (the row is quarantined) and warnings (recorded only).
select
    v.source,
    v.stream,
    v.suite,
    v.record_id,
    v.record_key,
    v.unit_code,
    v.period_month,
    v.record_date,
    f.rule,
    f.severity
from {{ ref('int_dq__record_versions') }} as v
inner join {{ ref('stg_dq__rule_failures') }} as f on f.batch_id = v.batch_id and f.row_num = v.row_num and f.run_id = v.run_id
