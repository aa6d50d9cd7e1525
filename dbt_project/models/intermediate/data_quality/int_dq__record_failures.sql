-- The rules each record broke in its latest version: errors (the row is quarantined) and warnings (recorded only),
-- one row per record and rule, unnested from the version's own list (int_dq__record_versions.failed_rules).
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
cross join lateral unnest(v.failed_rules, v.failed_severities) as f (rule, severity)
where v.failed_rules is not null
