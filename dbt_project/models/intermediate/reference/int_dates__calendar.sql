{{ config(materialized="table", indexes=[{"columns": ["date_day"], "unique": True}, {"columns": ["working_day_seq"]}]) }}
-- The Vietnamese working-day calendar, one row per day of 2020-2030: weekends, public holidays (from the maintained
-- `holidays` package, Tết by the lunar calendar) and weekend days worked to make up for a bridged holiday.
-- working_day_seq counts working days since the start, so the working days between two dates is a difference.
with days as (
    select d::date as date_day
    from generate_series(date '2020-01-01', date '2030-12-31', interval '1 day') as d
),

exceptions as (
    select
        calendar_date,
        bool_or(day_kind = 'holiday') as is_holiday,
        bool_or(day_kind = 'makeup_workday') as is_makeup_workday,
        string_agg(name_vi, '; ' order by name_vi) filter (where day_kind = 'holiday') as holiday_name_vi,
        string_agg(name_en, '; ' order by name_en) filter (where day_kind = 'holiday') as holiday_name_en
    from {{ ref('calendar_exceptions') }}
    group by calendar_date
),

flagged as (
    select
        d.date_day,
        extract(year from d.date_day)::int as year,
        extract(month from d.date_day)::int as month,
        date_trunc('month', d.date_day)::date as month_start,
        extract(isodow from d.date_day)::int as iso_day_of_week,
        extract(isodow from d.date_day) in (6, 7) as is_weekend,
        coalesce(e.is_holiday, false) as is_holiday,
        coalesce(e.is_makeup_workday, false) as is_makeup_workday,
        e.holiday_name_vi,
        e.holiday_name_en
    from days as d
    left join exceptions as e on e.calendar_date = d.date_day
)

select
    *,
    (not is_holiday and (not is_weekend or is_makeup_workday)) as is_working_day,
    sum(case when not is_holiday and (not is_weekend or is_makeup_workday) then 1 else 0 end)
        over (order by date_day)::int as working_day_seq
from flagged
