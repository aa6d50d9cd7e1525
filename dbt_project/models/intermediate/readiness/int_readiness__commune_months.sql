-- Every commune, ward and special zone of each province that has a readiness return, for every month from the first
-- month reported in the province to the last: a commune that sent nothing for a month is here too, without a
-- return (the monitoring counts it as not reporting).
with returns as (
    select r.*, u.province_code
    from {{ ref('int_readiness__returns') }} as r
    inner join {{ ref('admin_units') }} as u using (unit_code)
),

province_months as (
    select province_code, generate_series(min(period_month), max(period_month), interval '1 month')::date
        as period_month
    from returns
    group by province_code
)

select
    u.unit_code,
    u.unit_full_name as unit_name,
    u.unit_level,
    pm.province_code,
    pm.period_month,
    r.unit_code is not null as has_return,
    r.commune_code_as_sent,
    r.unit_code_resolution,
    r.sent_at,
    r.arrived_by,
    r.source_file,
    r.premises,
    r.staff,
    r.staff_full_time,
    r.staff_part_time,
    r.staff_trained,
    r.computers,
    r.scanners,
    r.online_meeting,
    r.staff_with_certificate,
    r.software,
    r.digitized_pct,
    r.online_applications_pct,
    r.online_results_pct
from province_months as pm
inner join {{ ref('admin_units') }} as u
    on u.province_code = pm.province_code and u.unit_level <> 'province'
left join returns as r on r.unit_code = u.unit_code and r.period_month = pm.period_month
