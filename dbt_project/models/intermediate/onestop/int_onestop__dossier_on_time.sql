-- Each dossier judged on time or late at the end of each reporting period holding its reception (one row per period
-- type: month, quarter, half-year, year; macro file periods), cut at the newest as-of time while the period runs,
-- twice:
--
-- on_time_766 - the Decision 766 / DVCQG rule (domain.md §2.3 item 1):
--   * the end is the first terminal status, by priority: processed (9) > returned (10) > stopped (8) or refused
--     (3), whichever came first > withdrawn (7), the last only if the dossier had been accepted (a dossier
--     withdrawn before acceptance is not_counted);
--   * with no terminal status and exactly one open supplement request, the request's time is the end;
--   * more than one supplement request is late, whatever the dates;
--   * the time the applicant spent completing supplements is subtracted from the end;
--   * the end is compared with the due date sent (NgayHenTra) or, when none was sent, with the procedure's
--     statutory working days from reception (effective_due_at);
--   * still open: the period end (minus supplement time) is compared instead: open_within / open_overdue.
-- on_time_local - the date-granularity local report rule (domain.md §2.3 item 2): processed or returned dossiers
--   are early / on_time / late by calendar date against the due date; open ones are open_within if due on or after
--   the period's last day, else open_overdue; stopped, refused and withdrawn dossiers are not_applicable.
-- Both read the processing history; when it shows no end by the period end (not synced yet, never synced, or a
-- stale history), the dossier's own fields are read instead (judged_from = 'dossier_fields'): status 9/10 with
-- NgayKetThucXuLy ends at it (processed), status 10 with NgayTra only at the hand-over, status 3 at NgayTuChoi
-- (else reception), status 8 with NgayKetThucXuLy at it; status 7 without a withdrawal step is not_counted (the
-- fields say neither when nor whether it had been accepted). An end after the period end leaves the dossier open.
with dossiers as (
    select
        dossier_code, received_at, effective_due_at, due_source, status_code, finished_at, returned_at, refused_at,
        source_updated_at
    from {{ ref('int_onestop__dossiers_resolved') }}
),

-- the newest as-of time: a row summed up to an older one shows what its dossier's history shows up to this one
-- (int_onestop__dossier_milestones), so only its period end moves
as_of as (
    select max(as_of_at) as as_of_at from {{ ref('int_onestop__dossier_milestones') }}
),

milestones as (
    select
        m.*,
        {{ kho_period_cut(kho_period_end('m.period_type', 'm.period_start'), 'a.as_of_at') }}
            as period_cut_at,
        a.as_of_at as newest_as_of_at
    from {{ ref('int_onestop__dossier_milestones') }} as m
    cross join as_of as a
),

ends as (
    select
        d.dossier_code,
        d.received_at,
        d.effective_due_at,
        d.due_source,
        m.period_type,
        m.period_start,
        m.period_month,
        m.period_cut_at as period_end_at,
        m.newest_as_of_at as as_of_at,
        m.was_accepted,
        m.first_processed_at,
        m.first_returned_at,
        m.first_stopped_at,
        m.first_refused_at,
        m.first_withdrawn_at,
        m.status_at_period_end,
        m.supplement_requests_in_period,
        m.supplement_seconds,
        m.open_supplement_requested_at,
        m.history_steps_in_period,
        d.status_code,
        d.source_updated_at,
        case
            when m.first_processed_at is not null then 9
            when m.first_returned_at is not null then 10
            when coalesce(m.first_stopped_at, m.first_refused_at) is not null then
                case when m.first_refused_at <= coalesce(m.first_stopped_at, m.first_refused_at) then 3 else 8 end
            when m.first_withdrawn_at is not null and m.was_accepted then 7
        end as history_terminal_status,
        -- what the dossier's own fields say ended it, when its history shows no end (not synced, or stale)
        case
            when d.status_code in (9, 10) and d.finished_at is not null then 9
            when d.status_code = 10 and d.returned_at is not null then 10
            when d.status_code = 3 then 3
            when d.status_code = 8 and d.finished_at is not null then 8
        end as fields_terminal_status,
        case
            when d.status_code in (9, 10) and d.finished_at is not null then d.finished_at
            when d.status_code = 10 and d.returned_at is not null then d.returned_at
            when d.status_code = 3 then coalesce(d.refused_at, d.received_at)
            when d.status_code = 8 and d.finished_at is not null then d.finished_at
        end as fields_end_at,
        -- withdrawn by the fields only: neither when nor whether it had been accepted is known
        d.status_code = 7 and m.first_withdrawn_at is null as is_withdrawn_by_fields_only
    from dossiers as d
    inner join milestones as m on m.dossier_code = d.dossier_code
),

terminal as (
    select
        e.*,
        case
            when e.history_terminal_status is not null then e.history_terminal_status
            when e.fields_end_at < e.period_end_at then e.fields_terminal_status
        end as terminal_status_766,
        case
            when e.history_terminal_status is not null then 'history'
            when e.fields_end_at < e.period_end_at or e.is_withdrawn_by_fields_only then 'dossier_fields'
            when e.history_steps_in_period > 0 then 'history'
            else 'no_history'
        end as judged_from
    from ends as e
),

with_end as (
    select
        t.*,
        case
            when t.history_terminal_status is null and t.terminal_status_766 is not null then t.fields_end_at
            when t.terminal_status_766 = 9 then t.first_processed_at
            when t.terminal_status_766 = 10 then t.first_returned_at
            when t.terminal_status_766 = 3 then t.first_refused_at
            when t.terminal_status_766 = 8 then t.first_stopped_at
            when t.terminal_status_766 = 7 then t.first_withdrawn_at
            when t.supplement_requests_in_period = 1 then t.open_supplement_requested_at
        end as end_at_766
    from terminal as t
)

select
    w.dossier_code,
    w.period_type,
    w.period_start,
    w.period_month,
    w.period_end_at,
    w.as_of_at,
    -- the history's last status by the period end; without one, the dossier's own status when it has not changed
    -- since (else what ended it within the period, if anything did)
    coalesce(
        w.status_at_period_end,
        case when w.source_updated_at < w.period_end_at then w.status_code end,
        case when w.judged_from = 'dossier_fields' then w.terminal_status_766 end
    ) as status_at_period_end,
    w.terminal_status_766,
    w.judged_from,
    w.end_at_766,
    case
        when w.terminal_status_766 is not null then 'terminal_status'
        when w.end_at_766 is not null then 'single_supplement_request'
    end as end_source_766,
    w.supplement_requests_in_period,
    w.supplement_seconds,
    case
        when w.terminal_status_766 is null and (w.first_withdrawn_at is not null or w.is_withdrawn_by_fields_only)
            then 'not_counted'
        when w.supplement_requests_in_period > 1 then 'late'
        when w.effective_due_at is null then 'no_due_date'
        when w.end_at_766 is not null then
            case when w.end_at_766 - make_interval(secs => w.supplement_seconds) <= w.effective_due_at
                then 'on_time' else 'late' end
        else
            case when w.period_end_at - make_interval(secs => w.supplement_seconds) <= w.effective_due_at
                then 'open_within' else 'open_overdue' end
    end as on_time_766,
    case
        when w.effective_due_at is null then 'no_due_date'
        when w.terminal_status_766 in (9, 10) then
            case
                when w.end_at_766::date < w.effective_due_at::date then 'early'
                when w.end_at_766::date = w.effective_due_at::date then 'on_time'
                else 'late'
            end
        when w.terminal_status_766 is not null or w.first_withdrawn_at is not null or w.is_withdrawn_by_fields_only
            then 'not_applicable'
        when w.effective_due_at::date >= (w.period_end_at - interval '1 second')::date then 'open_within'
        else 'open_overdue'
    end as on_time_local,
    -- working_days_between's arithmetic as two hash joins on the calendar: its scalar subqueries would run twice
    -- per finished row (millions of index probes, ~3 s of a 1M-dossier build)
    case when w.terminal_status_766 in (9, 10)
        then ended_on.working_day_seq - received_on.working_day_seq end as processing_working_days,
    -- The latest cut this judgement holds to while the dossier does not change: past it, a later period end can
    -- judge an open dossier otherwise (every term above that reads period_end_at, each taken as soon as it can
    -- turn, so sooner rather than later): its own fields' end reached (terminal_status_766, judged_from,
    -- end_at_766, processing_working_days), its due date plus supplement time passed (on_time_766), the day
    -- after its due day begun (on_time_local), its latest change before the cut (status_at_period_end: always, as
    -- the data's as-of time is its newest change). Null once it ended: nothing later moves a terminal judgement.
    -- An incremental run judges again only the open rows whose time the new cut passes (onestop_incremental).
    case when w.terminal_status_766 is null then least(
        case when w.fields_end_at >= w.period_end_at then w.fields_end_at end,
        case when w.effective_due_at + make_interval(secs => w.supplement_seconds) >= w.period_end_at
            then w.effective_due_at + make_interval(secs => w.supplement_seconds) end,
        case when w.effective_due_at::date + interval '1 day' >= w.period_end_at
            then w.effective_due_at::date + interval '1 day' end,
        case when w.source_updated_at >= w.period_end_at then w.source_updated_at end
    ) end as judgement_holds_until
from with_end as w
left join {{ ref('int_dates__calendar') }} as ended_on on ended_on.date_day = w.end_at_766::date
left join {{ ref('int_dates__calendar') }} as received_on on received_on.date_day = w.received_at::date
