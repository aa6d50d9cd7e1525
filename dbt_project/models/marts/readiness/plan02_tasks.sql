-- The Plan 02 task register per task and status date: the deadline, the status reported that day, whether the task
-- was overdue then (not done, deadline passed), and for a task with a measurable output, the warehouse's measure of
-- it for the province in the last month ended before the status date, against the task's target: a task reported
-- done whose measure falls short of its target is done on paper only (done_but_target_not_met).
with tasks as (
    select
        t.*,
        t.status_at::date as status_on,
        (date_trunc('month', t.status_at) - interval '1 month')::date as measured_month,
        coalesce(u.province_code, t.owner_unit_code) as province_code
    from {{ ref('stg_readiness__tasks') }} as t
    left join {{ ref('int_units__history') }} as u on u.unit_code = t.owner_unit_code and u.is_current
),

measures as (
    select 'plan02_green_share'::text as measured_from, province_code, period_month, green_share as measured_value
    from {{ ref('plan02_province_coverage') }}
    union all
    select indicator_id, unit_code, period_start, numerator / nullif(denominator, 0)
    from {{ ref('service_index_766_indicators') }}
    where period_type = 'month' and scope = 'province' and unit_role = 'competent'
),

latest as (
    select task_code, max(status_at) as latest_status_at from tasks group by task_code
)

select
    t.task_code,
    t.task_group,
    t.task_name,
    t.owner_unit_code,
    t.owner_name,
    t.province_code,
    t.deadline,
    t.expected_output,
    t.status_on,
    t.status_at = l.latest_status_at as is_latest_status,
    t.status,
    t.reported_done_on,
    t.status <> 'HOAN_THANH' and t.deadline < t.status_on as is_overdue,
    case when t.status <> 'HOAN_THANH' and t.deadline < t.status_on then t.status_on - t.deadline end
        as days_overdue,
    t.reported_done_on > t.deadline as done_late,
    t.output_indicator,
    t.output_target,
    case when t.output_indicator is not null then t.measured_month end as measured_month,
    round(m.measured_value, 4) as measured_value,
    m.measured_value >= t.output_target as measured_meets_target,
    case when t.output_indicator is not null
        then t.status = 'HOAN_THANH' and m.measured_value < t.output_target end as done_but_target_not_met
from tasks as t
inner join latest as l using (task_code)
left join {{ ref('plan02_output_indicators') }} as o on o.indicator_code = t.output_indicator
left join measures as m
    on m.measured_from = o.measured_from and m.province_code = t.province_code and m.period_month = t.measured_month
