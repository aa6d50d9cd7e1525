-- One row per received document message that passed validation (revocations, updates and replacements are
-- messages too: business_type says which), typed. The subject is kept with the applicant's name masked; the name
-- itself only leaves this model as a keyed pseudonym, for matching documents to dossiers.
with messages as (
    {{ validated_messages(source('documents', 'edocs')) }}
),

parsed as (
    select
        *,
        substring(subject from '(?:của|cho)\s+(?:ông\s+|bà\s+)?([^,;()]+)$') as applicant_name
    from messages
)

select
    message_id,
    document_id,
    coalesce(nullif(business_doc_type, '')::int, 0) as business_type_code,
    case business_doc_type when '1' then 'revoke' when '2' then 'update' when '3' then 'replace' else 'new' end
        as business_type,
    from_organ_id as sender_agency_code,
    from_organ_name as sender_agency_name,
    array(select t ->> 'OrganId' from json_array_elements(to_organs::json) as t) as receiver_agency_codes,
    code_number::int as code_number,
    code_notation,
    split_part(code_notation, '-', 1) as notation_prefix,
    nullif(type_name, '') as type_name,
    {{ edxml_date('promulgation_date') }} as promulgation_date,
    {{ edxml_date('due_date') }} as due_date,
    regexp_replace(subject, '(của|cho)\s+(ông\s+|bà\s+)?[^,;()]+$', '\1 \2***') as subject_redacted,
    has_signature = '1' as is_signed,
    (
        select rf ->> 'Code' from json_array_elements(response_for::json) as rf
        where rf ->> 'Code' ~ '^{{ dossier_code_pattern() }}$'
        limit 1
    ) as dossier_code_structured,
    substring(subject from '({{ dossier_code_pattern() }})') as dossier_code_in_text,
    {{ pseudonymize(person_name_key('applicant_name')) }} as applicant_name_pseudonym,
    array(select x #>> '{}' from json_array_elements(replaced_document_ids::json) as x) as replaced_document_ids,
    json_array_length(attachments::json) as attachments,
    (select sum((a ->> 'size')::bigint) from json_array_elements(attachments::json) as a) as attachments_bytes,
    namespace as edxml_namespace,
    message_bytes::bigint as message_bytes,
    {{ kho_ts('trace_timestamp') }} as sent_at,
    received_at::timestamp as received_at,
    _batch_id as batch_id,
    _extracted_at as extracted_at
from parsed
