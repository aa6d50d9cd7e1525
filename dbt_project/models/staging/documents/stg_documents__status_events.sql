-- One row per received status message that passed validation: a receiving agency's handling of a document
-- (domain.md §3.3: 01 arrived … 06 finished, 13/15/16 recall requests and answers).
with messages as (
    {{ validated_messages(source('documents', 'status_events')) }}
)

select
    message_id,
    document_id,
    from_organ_id as agency_code,
    from_organ_name as agency_name,
    status_code,
    case status_code
        when '01' then 'arrived'
        when '02' then 'rejected'
        when '03' then 'registered'
        when '04' then 'assigned'
        when '05' then 'processing'
        when '06' then 'finished'
        when '13' then 'recall_requested'
        when '15' then 'recall_accepted'
        when '16' then 'recall_refused'
        else 'unknown'
    end as status,
    to_timestamp(status_timestamp, 'YYYY/MM/DD HH24:MI:SS')::timestamp as status_at,
    received_at::timestamp as received_at,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from messages
