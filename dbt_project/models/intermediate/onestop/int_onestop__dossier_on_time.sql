-- Each dossier judged on time or late at the end of its reporting period, twice:
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
with dossiers as (
    select
        dossier_code, received_at, effective_due_at, due_source
    from {{ ref('int_onestop__dossiers_resolved') }}
),

milestones as (
    select * from {{ ref('int_onestop__dossier_milestones') }}
),

ends as (
    select
        d.dossier_code,
        d.received_at,
        d.effective_due_at,
        d.due_source,
        m.period_month,
        m.period_end_at,
        m.as_of_at,
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
        case
            when m.first_processed_at is not null then 9
            when m.first_returned_at is not null then 10
            when coalesce(m.first_stopped_at, m.first_refused_at) is not null then
                case when m.first_refused_at <= coalesce(m.first_stopped_at, m.first_refused_at) then 3 else 8 end
            when m.first_withdrawn_at is not null and m.was_accepted then 7
        end as terminal_status_766
    from dossiers as d
    inner join milestones as m on m.dossier_code = d.dossier_code
),

with_end as (
    select
        e.*,
        case e.terminal_status_766
            when 9 then e.first_processed_at
            when 10 then e.first_returned_at
            when 3 then e.first_refused_at
            when 8 then e.first_stopped_at
            when 7 then e.first_withdrawn_at
            else case when e.supplement_requests_in_period = 1 then e.open_supplement_requested_at end
        end as end_at_766
    from ends as e
)

select
    w.dossier_code,
    w.period_month,
    w.period_end_at,
    w.as_of_at,
    w.status_at_period_end,
    w.terminal_status_766,
    w.end_at_766,
    case
        when w.terminal_status_766 is not null then 'terminal_status'
        when w.end_at_766 is not null then 'single_supplement_request'
    end as end_source_766,
    w.supplement_requests_in_period,
    w.supplement_seconds,
    case
        when w.terminal_status_766 is null and w.first_withdrawn_at is not null then 'not_counted'
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
        when w.terminal_status_766 is not null or w.first_withdrawn_at is not null then 'not_applicable'
        when w.effective_due_at::date >= (w.period_end_at - interval '1 second')::date then 'open_within'
        else 'open_overdue'
    end as on_time_local,
    case when w.terminal_status_766 in (9, 10)
        then {{ working_days_between('w.received_at', 'w.end_at_766') }} end as processing_working_days
from with_end as w
