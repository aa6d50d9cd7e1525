-- Sync to the National Public Service Portal per competent unit and day of reception (the national monitor's
-- "synced records commune -> DVCQG" chart): dossiers received, synced, never synced as of the data's as-of time,
-- the synced share, and the lag from reception to first sync.
with dossiers as (
    select * from {{ ref('fct_dossiers') }}
),

units as (
    select unit_code, unit_full_name, province_code from {{ ref('dim_units') }} where is_current
)

select
    d.unit_code,
    u.unit_full_name as unit_name,
    u.province_code,
    d.received_at::date as received_on,
    count(*) as received,
    count(*) filter (where d.synced_at is not null) as synced,
    count(*) filter (where d.synced_at is null) as never_synced,
    count(*) filter (where d.synced_at < d.received_at::date + 1) as synced_same_day,
    round(count(*) filter (where d.synced_at is not null)::numeric / count(*), 4) as synced_share,
    round(avg(d.sync_lag_minutes), 1) as avg_sync_lag_minutes,
    round((percentile_cont(0.5) within group (order by d.sync_lag_minutes))::numeric, 1) as median_sync_lag_minutes,
    round((percentile_cont(0.95) within group (order by d.sync_lag_minutes))::numeric, 1) as p95_sync_lag_minutes,
    max(d.sync_lag_minutes) as max_sync_lag_minutes,
    max(d.as_of_at) as as_of_at
from dossiers as d
left join units as u on u.unit_code = d.unit_code
group by d.unit_code, u.unit_full_name, u.province_code, d.received_at::date
