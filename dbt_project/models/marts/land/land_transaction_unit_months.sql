-- Land registration per parcel commune and month of reception: transactions received (by kind, via the one-stop
-- or directly), completed, completed by their deadline, open (and overdue at the source's latest change), waiting
-- for the tax notice to be paid, and the financial obligations paid and paid online through the tax/finance link.
with transactions as (
    select * from {{ ref('int_land__transactions') }}
    where unit_code is not null
)

select
    t.unit_code,
    u.unit_full_name as unit_name,
    t.month,
    count(*) as received,
    count(*) filter (where t.via_onestop) as received_via_onestop,
    count(*) filter (where t.transaction_kind = 'DANG_KY_LAN_DAU') as first_registrations,
    count(*) filter (where t.transaction_kind = 'CHUYEN_NHUONG') as transfers,
    count(*) filter (where t.transaction_kind = 'THE_CHAP') as mortgages,
    count(*) filter (where t.transaction_kind = 'BIEN_DONG') as other_changes,
    count(*) filter (where t.is_done) as done,
    count(*) filter (where t.is_done and t.done_at <= t.due_at) as done_on_time,
    count(*) filter (where t.is_done and t.done_at > t.due_at) as done_late,
    round(count(*) filter (where t.is_done and t.done_at <= t.due_at)::numeric
          / nullif(count(*) filter (where t.is_done and t.due_at is not null), 0), 4) as on_time_share,
    count(*) filter (where t.is_open) as open,
    count(*) filter (where t.is_open and t.due_at < t.as_of_at) as open_overdue,
    count(*) filter (where t.waiting_for_tax) as waiting_for_tax,
    count(*) filter (where t.has_obligation) as with_financial_obligation,
    count(*) filter (where t.tax_paid_at is not null) as paid,
    count(*) filter (where t.paid_online) as paid_online,
    round(count(*) filter (where t.paid_online)::numeric
          / nullif(count(*) filter (where t.tax_paid_at is not null), 0), 4) as paid_online_share,
    coalesce(sum(t.obligation_vnd) filter (where t.tax_paid_at is not null), 0) as obligations_paid_vnd,
    max(t.as_of_at) as as_of_at
from transactions as t
left join {{ ref('admin_units') }} as u using (unit_code)
group by t.unit_code, u.unit_full_name, t.month
