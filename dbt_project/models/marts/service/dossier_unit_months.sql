-- Service KPIs per competent unit and month of reception under the local report rule (date granularity,
-- domain.md §2.3 item 2), judged at the end of the month (or at the data's as-of time in the running month).
with dossiers as (
    select * from {{ ref('fct_dossiers') }}
),

counts as (
    select
        unit_code,
        period_month as month,
        count(*) as received,
        count(*) filter (where terminal_status_766 in (9, 10)) as finished,
        count(*) filter (where on_time_local = 'early') as finished_early,
        count(*) filter (where on_time_local = 'on_time') as finished_on_time,
        count(*) filter (where on_time_local = 'late') as finished_late,
        count(*) filter (where on_time_local = 'open_within') as open_within_deadline,
        count(*) filter (where on_time_local = 'open_overdue') as open_overdue,
        count(*) filter (where channel = 'online') as received_online,
        count(*) filter (where has_fee) as with_fee,
        count(*) filter (where has_fee and is_paid_online) as paid_online,
        count(*) filter (where is_digitized) as digitized
    from dossiers
    group by 1, 2
)

select
    c.unit_code,
    u.unit_full_name as unit_name,
    u.unit_level,
    c.month,
    c.received,
    c.finished,
    c.finished_early,
    c.finished_on_time,
    c.finished_late,
    c.open_within_deadline,
    c.open_overdue,
    round((c.finished_early + c.finished_on_time)::numeric / nullif(c.finished_early + c.finished_on_time
        + c.finished_late, 0), 4) as on_time_share,
    c.received_online,
    round(c.received_online::numeric / nullif(c.received, 0), 4) as online_share,
    c.with_fee,
    c.paid_online,
    round(c.paid_online::numeric / nullif(c.with_fee, 0), 4) as online_payment_share,
    c.digitized,
    round(c.digitized::numeric / nullif(c.received, 0), 4) as digitized_share
from counts as c
left join {{ ref('dim_units') }} as u on u.unit_code = c.unit_code and u.is_current
