-- Data quality per unit, source, rule and month: records checked (latest version of each record whose business
-- date falls in the month), records failing the rule, the failure rate and its change against the previous month.
-- Every rule of a suite has a row for every unit-month the suite saw records in, so a rule that stopped failing
-- shows as 0, not as a gap.
with records as (
    select unit_code, source, suite, period_month, sum(records)::bigint as checked
    from {{ ref('int_dq__unit_day_records') }}
    group by 1, 2, 3, 4
),

failures as (
    select unit_code, suite, period_month, rule, failed from {{ ref('int_dq__unit_month_rule_failures') }}
),

results as (
    select
        r.unit_code,
        r.source,
        r.suite,
        q.rule,
        q.severity,
        q.message_vi,
        q.message_en,
        r.period_month,
        r.checked,
        coalesce(f.failed, 0) as failed
    from records as r
    inner join {{ ref('stg_dq__rules') }} as q on q.suite = r.suite
    left join failures as f
        on f.unit_code = r.unit_code and f.suite = r.suite and f.period_month = r.period_month and f.rule = q.rule
),

units as (
    select unit_code, unit_full_name from {{ ref('dim_units') }} where is_current
)

select
    c.unit_code,
    u.unit_full_name as unit_name,
    c.source,
    c.suite,
    c.rule,
    c.severity,
    c.message_vi,
    c.message_en,
    c.period_month,
    c.checked,
    c.failed,
    round(c.failed::numeric / c.checked, 4) as failure_rate,
    p.failed as previous_failed,
    round(p.failed::numeric / p.checked, 4) as previous_failure_rate,
    round(c.failed::numeric / c.checked - p.failed::numeric / p.checked, 4) as failure_rate_change
from results as c
left join results as p
    on p.unit_code = c.unit_code and p.suite = c.suite and p.rule = c.rule
    and p.period_month = (c.period_month - interval '1 month')::date
left join units as u on u.unit_code = c.unit_code
