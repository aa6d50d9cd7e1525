-- The records a unit should correct at the source, one row per record and rule it breaks in its latest version,
-- with the rule in plain words. Keys as the source system knows them (anything shaped like a citizen ID masked);
-- no names, no IDs. The records come kept by difference per unit and month (int_dq__unit_month_records_to_fix);
-- the wording is joined here, as the rules read now.
select
    f.unit_code,
    f.period_month,
    f.source,
    f.stream,
    f.record_key,
    f.is_keyless,
    f.record_date,
    f.rule,
    f.severity,
    q.message_vi,
    q.message_en
from {{ ref('int_dq__unit_month_records_to_fix') }} as f
inner join {{ ref('stg_dq__rules') }} as q on q.suite = f.suite and q.rule = f.rule
