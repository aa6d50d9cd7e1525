-- Sync to the National Public Service Portal per competent unit and day of reception (the national monitor's
-- "synced records commune -> DVCQG" chart): dossiers received, synced, never synced as of the data's as-of time,
-- the synced share, and the lag from reception to first sync.
-- Aggregated per unit and day first, named after: the percentiles sort each group's lags, and a million dossiers
-- sorted by the unit's name and province as well took ~40% longer.
with per_day as (
    select
        unit_code,
        received_at::date as received_on,
        count(*) as received,
        count(*) filter (where synced_at is not null) as synced,
        count(*) filter (where synced_at is null) as never_synced,
        count(*) filter (where synced_at < received_at::date + 1) as synced_same_day,
        round(count(*) filter (where synced_at is not null)::numeric / count(*), 4) as synced_share,
        round(avg(sync_lag_minutes), 1) as avg_sync_lag_minutes,
        round((percentile_cont(0.5) within group (order by sync_lag_minutes))::numeric, 1) as median_sync_lag_minutes,
        round((percentile_cont(0.95) within group (order by sync_lag_minutes))::numeric, 1) as p95_sync_lag_minutes,
        max(sync_lag_minutes) as max_sync_lag_minutes,
        max(as_of_at) as as_of_at
    from {{ ref('fct_dossiers') }}
    group by 1, 2
),

units as (
    select unit_code, unit_full_name, province_code from {{ ref('dim_units') }} where is_current
)

select
    d.unit_code,
    u.unit_full_name as unit_name,
    u.province_code,
    d.received_on,
    d.received,
    d.synced,
    d.never_synced,
    d.synced_same_day,
    d.synced_share,
    d.avg_sync_lag_minutes,
    d.median_sync_lag_minutes,
    d.p95_sync_lag_minutes,
    d.max_sync_lag_minutes,
    d.as_of_at
from per_day as d
left join units as u on u.unit_code = d.unit_code
