-- The Vietnamese working-day calendar for 2020-2030 (see int_dates__calendar): one row per day.
select * from {{ ref('int_dates__calendar') }}
