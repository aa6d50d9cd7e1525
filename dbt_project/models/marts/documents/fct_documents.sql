{{ config(indexes=[{"columns": ["document_id"], "unique": True}, {"columns": ["sender_unit_code", "promulgation_month"]}]) }}
-- One row per official document exchanged on the province's document axis: sender, receivers, type, number and
-- notation, promulgation and due dates, digital signature, revocation/replacement, and its handling by the
-- receivers (current status, processing time, on-time class over all receivers).
with documents as (
    select * from {{ ref('int_documents__documents') }}
),

receipts as (
    select
        document_id,
        count(*) as receipts,
        count(*) filter (where finished_at is not null) as receipts_finished,
        min(arrived_at) as first_arrived_at,
        max(finished_at) as last_finished_at,
        max(processing_working_days) as processing_working_days,
        count(*) filter (where handling = 'on_time') as receipts_on_time,
        count(*) filter (where handling = 'late') as receipts_late,
        count(*) filter (where handling = 'open_overdue') as receipts_open_overdue,
        count(*) filter (where handling = 'open_within') as receipts_open_within,
        count(*) filter (where handling = 'rejected') as receipts_rejected
    from {{ ref('int_documents__receipts') }}
    group by document_id
),

latest_status as (
    select distinct on (document_id) document_id, status_code, status, status_at
    from {{ ref('stg_documents__status_events') }}
    order by document_id, status_at desc, message_id desc
)

select
    d.document_id,
    d.message_id,
    d.business_type,
    d.sender_agency_code,
    d.sender_agency_name,
    d.sender_unit_code,
    d.receivers,
    d.receiver_agency_codes,
    d.type_name,
    d.type_abbreviation,
    d.code_number,
    d.code_notation,
    d.promulgation_date,
    date_trunc('month', d.promulgation_date)::date as promulgation_month,
    d.due_date,
    d.subject_redacted,
    d.is_signed,
    d.versions,
    d.is_revoked,
    d.revoked_at,
    d.replaced_by_document_id,
    d.replaces_document_id,
    coalesce(s.status_code, '00') as current_status_code,
    coalesce(s.status, 'not_acknowledged') as current_status,
    s.status_at as current_status_at,
    r.first_arrived_at,
    case when r.receipts_finished = r.receipts then r.last_finished_at end as finished_at,
    case when r.receipts_finished = r.receipts then r.processing_working_days end as processing_working_days,
    case
        when d.is_revoked then 'revoked'
        when r.receipts_late > 0 then 'late'
        when r.receipts_open_overdue > 0 then 'open_overdue'
        when r.receipts_open_within > 0 then 'open_within'
        when r.receipts_on_time > 0 then 'on_time'
        when r.receipts_rejected = r.receipts then 'rejected'
        else 'no_due_date'
    end as handling,
    d.attachments,
    d.attachments_bytes,
    d.edxml_namespace,
    d.batch_id
from documents as d
left join receipts as r on r.document_id = d.document_id
left join latest_status as s on s.document_id = d.document_id
