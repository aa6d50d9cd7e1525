{{ config(materialized="table") }}
-- One row per document and receiving agency: what the receiver's status messages say about its handling, and
-- the on-time class against the document's due date (DueDate), judged at the date of the latest status message
-- received (the data's as-of): finished by the due date = on_time, after it = late; not finished = open_within
-- until the due date passes, then open_overdue. A receipt turned away (02) is rejected; no due date = no_due_date.
with documents as (
    select
        d.document_id,
        r.receiver_agency_code,
        d.due_date,
        d.first_sent_at,
        d.is_revoked
    from {{ ref('int_documents__documents') }} as d
    cross join unnest(d.receiver_agency_codes) as r (receiver_agency_code)
),

events as (
    select
        document_id,
        agency_code,
        min(status_at) filter (where status_code = '01') as arrived_at,
        min(status_at) filter (where status_code = '02') as rejected_at,
        min(status_at) filter (where status_code = '03') as registered_at,
        min(status_at) filter (where status_code = '04') as assigned_at,
        max(status_at) filter (where status_code = '06') as finished_at,
        (array_agg(status_code order by status_at desc, message_id desc))[1] as current_status_code,
        count(*) as status_messages
    from {{ ref('stg_documents__status_events') }}
    group by document_id, agency_code
),

as_of as (
    select max(status_at) as as_of_at from {{ ref('stg_documents__status_events') }}
),

receipts as (
    select
        d.document_id,
        d.receiver_agency_code,
        u.unit_code as receiver_unit_code,
        d.due_date,
        d.is_revoked,
        coalesce(e.arrived_at, d.first_sent_at) as arrived_at,
        e.rejected_at,
        e.registered_at,
        e.assigned_at,
        e.finished_at,
        coalesce(e.current_status_code, '00') as current_status_code,
        coalesce(e.status_messages, 0) as status_messages,
        a.as_of_at
    from documents as d
    left join events as e on e.document_id = d.document_id and e.agency_code = d.receiver_agency_code
    left join {{ ref('int_documents__agency_units') }} as u on u.agency_code = d.receiver_agency_code
    cross join as_of as a
)

select
    *,
    date_trunc('month', arrived_at)::date as arrival_month,
    case
        when rejected_at is not null then 'rejected'
        when due_date is null then 'no_due_date'
        when finished_at is not null and finished_at::date <= due_date then 'on_time'
        when finished_at is not null then 'late'
        when as_of_at::date > due_date then 'open_overdue'
        else 'open_within'
    end as handling,
    case when finished_at is not null then {{ working_days_between('arrived_at', 'finished_at') }} end
        as processing_working_days
from receipts
