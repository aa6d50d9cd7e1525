-- Cases across the two platforms, per administrative unit and month (the dossier's competent unit and month of
-- reception; for a document-only case, the sending agency's unit and the document's month):
--   on_both_platforms  dossiers with at least one matched document (dossier_document_links)
--   onestop_only       dossiers with none
--   document_only      case documents that match no dossier (counted once per applicant, procedure and sender)
--   duplicate_cases    cases keyed twice: a dossier with two documents of the same type from the same sender, or
--                      a document-only case sent more than once
with dossiers as (
    select dossier_code, unit_code, date_trunc('month', received_at)::date as month
    from {{ ref('int_onestop__dossiers_resolved') }}
    where received_at is not null
),

links as (
    select
        dossier_code,
        count(*) as documents,
        count(*) filter (where match_method = 'structured_code') as by_structured_code,
        count(*) filter (where match_method = 'code_in_text') as by_code_in_text,
        count(*) filter (where match_method = 'applicant_procedure') as by_applicant_procedure,
        bool_or(is_repeat_keying) as keyed_twice
    from {{ ref('dossier_document_links') }}
    group by dossier_code
),

onestop_side as (
    select
        coalesce(d.unit_code, '?') as unit_code,
        d.month,
        count(*) as dossiers,
        count(l.dossier_code) as on_both_platforms,
        count(*) - count(l.dossier_code) as onestop_only,
        count(*) filter (where l.keyed_twice) as dossiers_keyed_twice,
        coalesce(sum(l.documents), 0) as documents_matched,
        coalesce(sum(l.by_structured_code), 0) as matched_by_structured_code,
        coalesce(sum(l.by_code_in_text), 0) as matched_by_code_in_text,
        coalesce(sum(l.by_applicant_procedure), 0) as matched_by_applicant_procedure
    from dossiers as d
    left join links as l on l.dossier_code = d.dossier_code
    group by 1, 2
),

unmatched as (
    select c.*
    from {{ ref('int_reconciliation__case_documents') }} as c
    where not exists (select 1 from {{ ref('dossier_document_links') }} as l where l.document_id = c.document_id)
),

document_only_cases as (
    select
        coalesce(min(sender_unit_code), '?') as unit_code,
        date_trunc('month', min(promulgation_date))::date as month,
        count(*) as documents
    from unmatched
    group by sender_agency_code, coalesce(applicant_name_pseudonym, document_id), coalesce(procedure_code, ''),
        coalesce(dossier_code_structured, dossier_code_in_text, '')
),

document_side as (
    select unit_code, month, count(*) as document_only, count(*) filter (where documents > 1) as keyed_twice,
        sum(documents) as documents_unmatched
    from document_only_cases
    group by 1, 2
)

select
    coalesce(o.unit_code, s.unit_code) as unit_code,
    u.unit_full_name as unit_name,
    coalesce(o.month, s.month) as month,
    coalesce(o.dossiers, 0) as dossiers,
    coalesce(o.on_both_platforms, 0) as on_both_platforms,
    coalesce(o.onestop_only, 0) as onestop_only,
    coalesce(s.document_only, 0) as document_only,
    coalesce(o.dossiers_keyed_twice, 0) + coalesce(s.keyed_twice, 0) as duplicate_cases,
    coalesce(o.documents_matched, 0) as documents_matched,
    coalesce(s.documents_unmatched, 0) as documents_unmatched,
    coalesce(o.matched_by_structured_code, 0) as matched_by_structured_code,
    coalesce(o.matched_by_code_in_text, 0) as matched_by_code_in_text,
    coalesce(o.matched_by_applicant_procedure, 0) as matched_by_applicant_procedure,
    round(o.on_both_platforms::numeric / nullif(o.dossiers, 0), 4) as on_both_platforms_share
from onestop_side as o
full outer join document_side as s on s.unit_code = o.unit_code and s.month = o.month
left join {{ ref('dim_units') }} as u on u.unit_code = coalesce(o.unit_code, s.unit_code) and u.is_current
