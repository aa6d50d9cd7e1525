-- Document handling per administrative unit and month, plus a province row per month (scope = 'province',
-- unit_code null): documents the unit's agencies issued and the share digitally signed (by promulgation month),
-- and documents they received and how many were handled by the due date (by month of arrival). Agencies whose
-- unit is unknown count under unit_code '?'. Revoked documents are left out.
with sent as (
    select
        unit_code,
        month,
        grouping(unit_code) = 1 as is_province,
        count(*) as documents_sent,
        count(*) filter (where is_signed) as documents_signed
    from (
        select coalesce(sender_unit_code, '?') as unit_code, promulgation_month as month, is_signed
        from {{ ref('fct_documents') }}
        where not is_revoked and promulgation_month is not null
    ) as d
    group by grouping sets ((unit_code, month), (month))
),

received as (
    select
        unit_code,
        month,
        grouping(unit_code) = 1 as is_province,
        count(*) as documents_received,
        count(*) filter (where due_date is not null and handling <> 'rejected') as received_with_due_date,
        count(*) filter (where handling = 'on_time') as handled_on_time,
        count(*) filter (where handling = 'late') as handled_late,
        count(*) filter (where handling = 'open_overdue') as open_overdue,
        count(*) filter (where handling = 'open_within') as open_within,
        count(*) filter (where handling = 'rejected') as rejected,
        percentile_cont(0.5) within group (order by processing_working_days) as median_processing_working_days
    from (
        select coalesce(receiver_unit_code, '?') as unit_code, arrival_month as month, due_date, handling,
            processing_working_days
        from {{ ref('int_documents__receipts') }}
        where not is_revoked and arrival_month is not null
    ) as r
    group by grouping sets ((unit_code, month), (month))
),

keys as (
    select is_province, case when not is_province then unit_code end as unit_code, month from sent
    union
    select is_province, case when not is_province then unit_code end, month from received
)

select
    case when k.is_province then 'province' else 'unit' end as scope,
    k.unit_code,
    case when k.is_province then 'Toàn tỉnh' else u.unit_full_name end as unit_name,
    k.month,
    coalesce(s.documents_sent, 0) as documents_sent,
    coalesce(s.documents_signed, 0) as documents_signed,
    round(s.documents_signed::numeric / nullif(s.documents_sent, 0), 4) as signature_rate,
    coalesce(r.documents_received, 0) as documents_received,
    coalesce(r.received_with_due_date, 0) as received_with_due_date,
    coalesce(r.handled_on_time, 0) as handled_on_time,
    coalesce(r.handled_late, 0) as handled_late,
    coalesce(r.open_overdue, 0) as open_overdue,
    coalesce(r.open_within, 0) as open_within,
    coalesce(r.rejected, 0) as rejected,
    round(r.handled_on_time::numeric / nullif(r.handled_on_time + r.handled_late + r.open_overdue, 0), 4)
        as on_time_rate,
    r.median_processing_working_days
from keys as k
left join sent as s
    on s.is_province = k.is_province and s.month = k.month and (k.is_province or s.unit_code = k.unit_code)
left join received as r
    on r.is_province = k.is_province and r.month = k.month and (k.is_province or r.unit_code = k.unit_code)
left join {{ ref('dim_units') }} as u on u.unit_code = k.unit_code and u.is_current
