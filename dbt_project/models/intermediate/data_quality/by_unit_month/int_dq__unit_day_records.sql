-- The records each validation suite holds per unit and business day, in their latest version: how many, how many
-- break an error rule, how many break warning rules only, and the latest extraction among them. What the
-- data-quality marts count, a day's records in one row instead of a million rows a year. Built by difference per
-- unit and month (macro file dq_by_unit_month).
-- depends_on: {{ ref('base_onestop__latest_dossiers') }} (record_model_build)
select
    v.source,
    v.suite,
    v.unit_code,
    v.period_month,
    v.record_date,
    count(*) as records,
    count(*) filter (where 'error' = any(v.failed_severities)) as records_with_errors,
    count(*) filter (where v.failed_rules is not null and not 'error' = any(v.failed_severities))
        as records_with_warnings_only,
    max(v.extracted_at) as last_extracted_at
from {{ ref('int_dq__record_versions') }} as v
{{ dq_unit_months_in_scope('v') }}
group by 1, 2, 3, 4, 5
