-- Every outage window of a national or external link (int_links__outages), with the Vietnam day it began.
select
    system,
    (started_at at time zone 'Asia/Ho_Chi_Minh')::date as started_on,
    started_at,
    ended_at,
    still_down,
    round(duration_seconds::numeric, 3) as duration_seconds,
    failed_attempts,
    breaker_refusals
from {{ ref('int_links__outages') }}
