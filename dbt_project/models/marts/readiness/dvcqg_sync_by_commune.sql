-- DVCQG synchronization per commune and day, the chart the Plan 02 monitoring system shows: dossiers the commune
-- received that day and how many of them reached the National Public Service Portal (at all, and the same day), and
-- the dossiers synced that day whenever they were received. Departments (province-level units) are not communes
-- and are left out; dvcqg_sync_health has every unit by month.
with dossiers as (
    select d.receiving_unit_code as unit_code, d.received_at::date as received_on, d.synced_at
    from {{ ref('fct_dossiers') }} as d
    inner join {{ ref('admin_units') }} as u
        on u.unit_code = d.receiving_unit_code and u.unit_level <> 'province'
),

received as (
    select
        unit_code,
        received_on as day,
        count(*) as dossiers_received,
        count(*) filter (where synced_at is not null) as received_synced,
        count(*) filter (where synced_at::date = received_on) as received_synced_same_day
    from dossiers
    where received_on is not null
    group by unit_code, received_on
),

synced as (
    select unit_code, synced_at::date as day, count(*) as dossiers_synced
    from dossiers
    where synced_at is not null
    group by unit_code, synced_at::date
)

select
    coalesce(r.unit_code, s.unit_code) as unit_code,
    u.unit_full_name as unit_name,
    coalesce(r.day, s.day) as day,
    coalesce(r.dossiers_received, 0) as dossiers_received,
    coalesce(r.received_synced, 0) as received_synced,
    coalesce(r.received_synced_same_day, 0) as received_synced_same_day,
    round(r.received_synced::numeric / nullif(r.dossiers_received, 0), 4) as received_synced_share,
    coalesce(s.dossiers_synced, 0) as dossiers_synced
from received as r
full join synced as s on s.unit_code = r.unit_code and s.day = r.day
left join {{ ref('admin_units') }} as u on u.unit_code = coalesce(r.unit_code, s.unit_code)
