-- 0007: every call Kho makes to a national or external system, one row per attempt (kho.core.link_calls): the
-- evidence behind "the link is unstable". No personal data: the system, the endpoint's path (never its query), the
-- time, how it ended, how long it took, which attempt of the call it was and the circuit breaker's state.
create table if not exists kho.link_calls (
    system          text not null,            -- onestop | documents | population | judicial | land | ...
    endpoint        text not null,            -- the request path, without its query string
    called_at       timestamptz not null,
    outcome         text not null,            -- ok | timeout | transport | http_5xx | http_429 | http_4xx | auth
                                              -- | protocol | breaker_open
    http_status     integer,
    latency_ms      double precision not null,
    attempt         integer not null,         -- 1 = the first try of a call, 2.. = its retries
    breaker_state   text,                     -- closed | open | half_open, where the caller uses a breaker
    run_id          text not null,            -- the run that made the call (an extract batch run, a check run)
    recorded_at     timestamptz not null default now()
);
create index if not exists link_calls_system_time_idx on kho.link_calls (system, called_at);
