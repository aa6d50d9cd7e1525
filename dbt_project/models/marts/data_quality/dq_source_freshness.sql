-- Freshness and completeness per source, unit and month. Working days in the month (up to the last day the source
-- has any record for, province-wide) on which the unit has no record; the unit's last record and how far it trails
-- the source's latest; for the one-stop, dossiers not synced to DVCQG within a day of reception (late syncs, the
-- "real-time status sync" 766 measures). A unit with records in a source but none in a month has a row with 0.
with daily as (  -- per source, unit and day (int_dq__unit_day_records: one row per suite and day)
    select source, unit_code, period_month, record_date, sum(records)::bigint as records,
        max(last_extracted_at) as last_extracted_at
    from {{ ref('int_dq__unit_day_records') }}
    where unit_code <> '?'
    group by 1, 2, 3, 4
),

source_as_of as (
    select source, max(record_date) as source_last_record_on from daily group by 1
),

spine as (  -- every month from a unit's first record in a source to the source's last month
    select u.source, u.unit_code, m::date as period_month
    from (select source, unit_code, min(period_month) as first_month from daily group by 1, 2) as u
    inner join source_as_of as s on s.source = u.source
    cross join lateral generate_series(u.first_month, date_trunc('month', s.source_last_record_on), interval '1 month')
        as m
),

calendar as (
    select date_day, month_start, is_working_day from {{ ref('int_dates__calendar') }}
),

active_days as (
    select distinct source, unit_code, record_date from daily where record_date is not null
),

working_days as (
    select sp.source, sp.unit_code, sp.period_month,
        count(*) filter (where c.is_working_day) as working_days,
        count(*) filter (where c.is_working_day and a.record_date is null) as missing_working_days
    from spine as sp
    inner join source_as_of as s on s.source = sp.source
    inner join calendar as c on c.month_start = sp.period_month and c.date_day <= s.source_last_record_on
    left join active_days as a
        on a.source = sp.source and a.unit_code = sp.unit_code and a.record_date = c.date_day
    group by 1, 2, 3
),

per_month as (  -- a day is one row of daily: its dates are distinct, the null one (no date) not counted
    select source, unit_code, period_month, sum(records)::bigint as records, count(record_date) as active_days,
        max(record_date) as last_record_on, max(last_extracted_at) as last_extracted_at
    from daily
    group by 1, 2, 3
),

last_seen as (  -- the unit's latest record up to the end of each month
    select sp.source, sp.unit_code, sp.period_month,
        max(m.last_record_on) over (partition by sp.source, sp.unit_code order by sp.period_month)
            as last_record_on
    from spine as sp
    left join per_month as m
        on m.source = sp.source and m.unit_code = sp.unit_code and m.period_month = sp.period_month
),

syncs as (
    select unit_code, date_trunc('month', received_at)::date as period_month,
        count(*) filter (where synced_at is null or sync_lag_minutes > 1440) as late_syncs,
        count(*) filter (where synced_at is null) as never_synced,
        count(*) as dossiers
    from {{ ref('fct_dossiers') }}
    where received_at is not null
    group by 1, 2
),

units as (
    select unit_code, unit_full_name from {{ ref('dim_units') }} where is_current
)

select
    sp.source,
    sp.unit_code,
    u.unit_full_name as unit_name,
    sp.period_month,
    coalesce(m.records, 0) as records,
    coalesce(m.active_days, 0) as active_days,
    coalesce(w.working_days, 0) as working_days,
    coalesce(w.missing_working_days, 0) as missing_working_days,
    ls.last_record_on,
    m.last_extracted_at,
    least(s.source_last_record_on, (sp.period_month + interval '1 month - 1 day')::date) - ls.last_record_on
        as days_behind_source,
    case when sp.source = 'onestop' then coalesce(y.late_syncs, 0) end as late_syncs,
    case when sp.source = 'onestop' then coalesce(y.never_synced, 0) end as never_synced,
    case when sp.source = 'onestop' and y.dossiers > 0 then round(y.late_syncs::numeric / y.dossiers, 4) end
        as late_sync_rate
from spine as sp
inner join source_as_of as s on s.source = sp.source
left join per_month as m on m.source = sp.source and m.unit_code = sp.unit_code and m.period_month = sp.period_month
left join working_days as w
    on w.source = sp.source and w.unit_code = sp.unit_code and w.period_month = sp.period_month
left join last_seen as ls
    on ls.source = sp.source and ls.unit_code = sp.unit_code and ls.period_month = sp.period_month
left join syncs as y on sp.source = 'onestop' and y.unit_code = sp.unit_code and y.period_month = sp.period_month
left join units as u on u.unit_code = sp.unit_code
