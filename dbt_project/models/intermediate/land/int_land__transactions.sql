-- Land-registration transactions with the parcel's commune resolved to a unit in force (by the era of the
-- reception date) and their state at the source's latest change (as_of_at: the newest NgayCapNhat the warehouse
-- holds). Deadline: NgayHenTra as the land system set it (no statutory fallback: a transaction without one is
-- not judged on time or late).
with transactions as (
    select t.*,
        case when t.received_at < '{{ var("reform_date") }}'::date then 'pre_reform' else 'post_reform' end
            as unit_era
    from {{ ref('stg_land__transactions') }} as t
),

as_of as (
    select max(source_updated_at) as as_of_at from transactions
)

select
    t.transaction_id,
    t.dossier_code,
    t.dossier_code is not null as via_onestop,
    t.transaction_kind,
    u.unit_code,
    t.commune_code_as_sent,
    u.resolution as unit_code_resolution,
    t.map_sheet,
    t.parcel_number,
    t.area_m2,
    t.received_at,
    date_trunc('month', t.received_at)::date as month,
    t.due_at,
    t.status,
    t.done_at,
    t.done_at is not null as is_done,
    t.done_at is null and t.status <> 'TRA_LAI' as is_open,
    t.status = 'TRA_LAI' and t.done_at is null as is_returned,
    t.obligation_vnd,
    t.obligation_vnd > 0 as has_obligation,
    t.tax_notice_at,
    t.tax_paid_at,
    t.tax_paid_at is not null and t.paid_online as paid_online,
    t.done_at is null and t.tax_notice_at is not null and t.tax_paid_at is null as waiting_for_tax,
    t.arrived_by,
    a.as_of_at
from transactions as t
cross join as_of as a
left join {{ ref('int_unit_codes__resolved') }} as u
    on u.source_unit_code = t.commune_code_as_sent and u.era = t.unit_era
