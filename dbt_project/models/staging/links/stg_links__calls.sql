-- Calls to national and external systems, one row per attempt, with the day they fall on in Vietnam and whether
-- the attempt is a sign of the link being down (timeout, refused connection, 5xx, or refused by the breaker, which
-- only opens after such failures). 429 (the system pacing us) and 4xx/auth/protocol (our request or the contract)
-- are failures but not outages.
select
    system,
    endpoint,
    called_at,
    (called_at at time zone 'Asia/Ho_Chi_Minh')::date as called_on,
    outcome,
    outcome <> 'ok' as is_failure,
    outcome in ('timeout', 'transport', 'http_5xx', 'breaker_open') as is_down_sign,
    outcome <> 'breaker_open' as was_sent,
    http_status,
    latency_ms,
    attempt,
    attempt > 1 as is_retry,
    breaker_state,
    run_id
from {{ source('links', 'link_calls') }}
