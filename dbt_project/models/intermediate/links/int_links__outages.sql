-- Outage windows of each national or external link, from its calls: a run of consecutive attempts (in time order)
-- that all show the link down (timeout, refused connection, 5xx, breaker refusal), of at least
-- var('link_outage_min_failures') attempts. It starts at the first failing attempt and ends at the next attempt
-- that succeeded (or, when none has yet, at the last failing one: still_down). Isolated failures are not outages:
-- they count in national_link_health's failures.
with calls as (
    select system, called_at, latency_ms, is_down_sign, outcome,
        sum(case when is_down_sign then 0 else 1 end) over (
            partition by system order by called_at, is_down_sign rows unbounded preceding
        ) as run_no
    from {{ ref('stg_links__calls') }}
),

runs as (
    select system, run_no,
        min(called_at) filter (where is_down_sign) as started_at,
        max(called_at + latency_ms * interval '1 millisecond') filter (where is_down_sign) as last_failure_at,
        count(*) filter (where is_down_sign) as failed_attempts,
        count(*) filter (where outcome = 'breaker_open') as breaker_refusals
    from calls
    group by system, run_no
),

-- the first attempt of the next run is the success that ended this one
recoveries as (
    select system, run_no - 1 as run_no, min(called_at) as recovered_at
    from calls
    where not is_down_sign
    group by system, run_no
)

select
    r.system,
    r.started_at,
    coalesce(v.recovered_at, r.last_failure_at) as ended_at,
    v.recovered_at is null as still_down,
    extract(epoch from coalesce(v.recovered_at, r.last_failure_at) - r.started_at) as duration_seconds,
    r.failed_attempts,
    r.breaker_refusals
from runs as r
left join recoveries as v using (system, run_no)
where r.failed_attempts >= {{ var('link_outage_min_failures') }}
