-- Per unit, month, suite and rule: the records that break the rule in their latest version, and up to five of
-- their keys to look at (the earliest by business date; keys as the source system knows them, anything shaped like
-- a citizen ID masked). Built by difference per unit and month (macro file dq_by_unit_month).
-- depends_on: {{ ref('base_onestop__latest_dossiers') }} (record_model_build)
select
    f.unit_code,
    f.period_month,
    f.suite,
    f.rule,
    count(distinct f.record_id) as failed,
    (array_agg({{ dq_safe_key('f.record_key') }} order by f.record_date nulls last, f.record_key)
        filter (where f.record_key is not null))[1:5] as example_record_keys
from {{ ref('int_dq__record_failures') }} as f
{{ dq_unit_months_in_scope('f') }}
group by 1, 2, 3, 4
