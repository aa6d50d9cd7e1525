-- The health of every national or external link per system and day (Vietnam time): the calls Kho sent (each
-- attempt, retries included), failures by class, the calls the circuit breaker refused without sending (apart:
-- they are not calls to the link, and a breaker holding a queue back refuses many), p50/p95 latency of the attempts actually sent, outage windows, and
-- the work still waiting on the link from that day. The evidence the provinces lack when they say a link is
-- unstable. Two kinds of rows:
-- * systems Kho calls (population, judicial, land, onestop, documents): from kho.link_calls;
-- * 'dvcqg_sync': the one-stop's own sync to the National Public Service Portal, which Kho does not call but reads
--   from the dossiers (TrangThaiDongBoDVC / NgayDongBoDVC): a "call" is a dossier received that day, a failure is
--   one never synced, latency is reception to first sync.
-- items_pending: population checks first filed that day still pending; judicial requests received that day still
-- waiting on an agency's answer; land transactions received that day waiting for their tax to be paid; dossiers
-- received that day not yet synced.
with calls as (
    select * from {{ ref('stg_links__calls') }}
),

by_day as (
    select
        system, called_on as day,
        count(*) filter (where was_sent) as calls,
        count(*) filter (where was_sent and is_retry) as retries,
        count(*) filter (where was_sent and is_failure) as failures,
        count(*) filter (where outcome = 'timeout') as timeouts,
        count(*) filter (where outcome = 'transport') as connection_errors,
        count(*) filter (where outcome = 'http_5xx') as server_errors,
        count(*) filter (where outcome = 'http_429') as throttled,
        count(*) filter (where outcome in ('auth', 'http_4xx')) as refused_requests,
        count(*) filter (where outcome = 'protocol') as protocol_errors,
        count(*) filter (where outcome = 'breaker_open') as breaker_refusals,
        percentile_cont(0.5) within group (order by latency_ms) filter (where was_sent) as p50_latency_ms,
        percentile_cont(0.95) within group (order by latency_ms) filter (where was_sent) as p95_latency_ms,
        max(latency_ms) filter (where was_sent) as max_latency_ms
    from calls
    group by system, called_on
),

dvcqg as (
    select
        'dvcqg_sync'::text as system, received_at::date as day,
        count(*) as calls, 0::bigint as retries,
        count(*) filter (where synced_at is null) as failures,
        0::bigint as timeouts, 0::bigint as connection_errors, 0::bigint as server_errors, 0::bigint as throttled,
        0::bigint as refused_requests, 0::bigint as protocol_errors, 0::bigint as breaker_refusals,
        percentile_cont(0.5) within group (order by sync_lag_minutes * 60000.0) as p50_latency_ms,
        percentile_cont(0.95) within group (order by sync_lag_minutes * 60000.0) as p95_latency_ms,
        max(sync_lag_minutes * 60000.0) as max_latency_ms,
        count(*) filter (where synced_at is null) as items_pending
    from {{ ref('fct_dossiers') }}
    where received_at is not null
    group by received_at::date
),

outages as (
    select system, (started_at at time zone 'Asia/Ho_Chi_Minh')::date as day,
        count(*) as outage_windows, sum(duration_seconds) as outage_seconds,
        max(duration_seconds) as longest_outage_seconds
    from {{ ref('int_links__outages') }}
    group by 1, 2
),

pending as (
    select 'population'::text as system, (first_seen_at at time zone 'Asia/Ho_Chi_Minh')::date as day,
        count(*) as items_pending
    from {{ source('population', 'checks') }}
    where status = 'pending'
    group by 2
    union all
    select 'judicial', received_at::date,
        count(*) filter (where waiting_police or waiting_national_centre or waiting_court)
    from {{ ref('int_judicial__requests') }}
    group by 2
    union all
    select 'land', received_at::date, count(*) filter (where waiting_for_tax)
    from {{ ref('int_land__transactions') }}
    group by 2
),

days as (
    select system, day from by_day
    union select system, day from pending where items_pending > 0
),

called as (
    select d.system, d.day,
        coalesce(b.calls, 0) as calls, coalesce(b.retries, 0) as retries, coalesce(b.failures, 0) as failures,
        coalesce(b.timeouts, 0) as timeouts, coalesce(b.connection_errors, 0) as connection_errors,
        coalesce(b.server_errors, 0) as server_errors, coalesce(b.throttled, 0) as throttled,
        coalesce(b.refused_requests, 0) as refused_requests, coalesce(b.protocol_errors, 0) as protocol_errors,
        coalesce(b.breaker_refusals, 0) as breaker_refusals,
        b.p50_latency_ms, b.p95_latency_ms, b.max_latency_ms,
        coalesce(p.items_pending, 0) as items_pending
    from days as d
    left join by_day as b using (system, day)
    left join pending as p using (system, day)
),

all_days as (
    select * from called
    union all
    select * from dvcqg
)

select
    a.system,
    a.day,
    a.calls,
    a.retries,
    a.failures,
    round(a.failures::numeric / nullif(a.calls, 0), 4) as failure_share,
    a.timeouts,
    a.connection_errors,
    a.server_errors,
    a.throttled,
    a.refused_requests,
    a.protocol_errors,
    a.breaker_refusals,
    round(a.p50_latency_ms::numeric, 1) as p50_latency_ms,
    round(a.p95_latency_ms::numeric, 1) as p95_latency_ms,
    round(a.max_latency_ms::numeric, 1) as max_latency_ms,
    coalesce(o.outage_windows, 0) as outage_windows,
    round(coalesce(o.outage_seconds, 0)::numeric, 1) as outage_seconds,
    round(o.longest_outage_seconds::numeric, 1) as longest_outage_seconds,
    a.items_pending
from all_days as a
left join outages as o using (system, day)
