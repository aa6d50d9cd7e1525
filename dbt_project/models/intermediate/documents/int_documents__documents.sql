{{ config(materialized="table") }}
-- One row per document (DocumentId): its latest version (a new document, an update or a replacement, whichever
-- was sent last), how many versions were received, and whether it was later revoked or replaced by another.
-- A revocation or update repeats the original's DocumentId; a replacement is a new document naming the old one.
with edocs as (
    select * from {{ ref('stg_documents__edocs') }}
),

versions as (
    select * from edocs where business_type_code in (0, 2, 3)
),

latest as (
    select distinct on (document_id) *
    from versions
    order by document_id, coalesce(sent_at, received_at) desc, message_id desc
),

history as (
    select document_id, count(*) as versions, min(coalesce(sent_at, received_at)) as first_sent_at
    from versions
    group by document_id
),

revoked as (
    select document_id, min(coalesce(sent_at, received_at)) as revoked_at
    from edocs
    where business_type_code = 1
    group by document_id
),

replaced as (
    select r.replaced_id as document_id, min(e.document_id) as replaced_by_document_id
    from edocs as e
    cross join unnest(e.replaced_document_ids) as r (replaced_id)
    where e.business_type_code = 3
    group by r.replaced_id
)

select
    l.document_id,
    l.message_id,
    l.business_type,
    l.sender_agency_code,
    l.sender_agency_name,
    su.unit_code as sender_unit_code,
    l.receiver_agency_codes,
    cardinality(l.receiver_agency_codes) as receivers,
    l.type_name,
    t.type_abbreviation,
    l.code_number,
    l.code_notation,
    l.notation_prefix,
    l.promulgation_date,
    l.due_date,
    l.subject_redacted,
    l.is_signed,
    l.dossier_code_structured,
    l.dossier_code_in_text,
    l.applicant_name_pseudonym,
    l.replaced_document_ids[1] as replaces_document_id,
    h.versions,
    h.first_sent_at,
    rv.revoked_at,
    rv.revoked_at is not null as is_revoked,
    rp.replaced_by_document_id,
    l.attachments,
    l.attachments_bytes,
    l.edxml_namespace,
    l.batch_id
from latest as l
inner join history as h on h.document_id = l.document_id
left join revoked as rv on rv.document_id = l.document_id
left join replaced as rp on rp.document_id = l.document_id
left join {{ ref('int_documents__agency_units') }} as su on su.agency_code = l.sender_agency_code
left join {{ ref('document_types') }} as t on t.type_name = l.type_name
