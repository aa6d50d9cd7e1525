-- Per unit and month: the records that break a rule in their latest version, one row per record and rule, keys as
-- the source system knows them (anything shaped like a citizen ID masked; record_id, as int_dq__record_versions
-- holds it, stays in this schema). dq_records_to_fix adds the rules' wording as it is now. Built by difference per
-- unit and month (macro file dq_by_unit_month): a run that validates 1% of the dossiers rewrites the groups they
-- are in, not every month's records.
-- depends_on: {{ ref('base_onestop__latest_dossiers') }} (record_model_build)
select
    f.unit_code,
    f.period_month,
    f.source,
    f.stream,
    f.suite,
    f.record_id,
    {{ dq_safe_key('f.record_key') }} as record_key,
    f.record_key is null as is_keyless,
    f.record_date,
    f.rule,
    f.severity
from {{ ref('int_dq__record_failures') }} as f
{{ dq_unit_months_in_scope('f') }}
