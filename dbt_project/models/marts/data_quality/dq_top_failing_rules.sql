-- The five rules each unit breaks most in a month, with up to five example records to look at (keys as the
-- source system knows them, anything shaped like a citizen ID masked).
with ranked as (
    select
        *,
        row_number() over (partition by unit_code, period_month order by failed desc, severity, suite, rule)
            as failure_rank
    from {{ ref('dq_rule_results') }}
    where failed > 0
),

examples as (
    select unit_code, period_month, suite, rule, example_record_keys
    from {{ ref('int_dq__unit_month_rule_failures') }}
)

select
    r.unit_code,
    r.unit_name,
    r.period_month,
    r.failure_rank,
    r.source,
    r.suite,
    r.rule,
    r.severity,
    r.message_vi,
    r.message_en,
    r.checked,
    r.failed,
    r.failure_rate,
    r.failure_rate_change,
    coalesce(e.example_record_keys, '{}') as example_record_keys
from ranked as r
left join examples as e
    on e.unit_code = r.unit_code and e.period_month = r.period_month and e.suite = r.suite and e.rule = r.rule
where r.failure_rank <= 5
