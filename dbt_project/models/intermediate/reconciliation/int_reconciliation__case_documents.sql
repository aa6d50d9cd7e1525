{{ config(materialized="table") }}
-- Documents that concern an administrative-procedure case: they name a dossier code (in ResponseFor or in the
-- subject) or name an applicant together with a procedure of the catalogue. The procedure is the longest
-- catalogue name found in the subject. Revoked documents are left out.
with documents as (
    select * from {{ ref('int_documents__documents') }}
    where not is_revoked
),

procedure_match as (
    select distinct on (d.document_id) d.document_id, p.procedure_code
    from documents as d
    inner join {{ ref('stg_catalogue__procedures') }} as p on strpos(d.subject_redacted, p.procedure_name) > 0
    order by d.document_id, length(p.procedure_name) desc, p.procedure_code
)

select
    d.document_id,
    d.sender_agency_code,
    d.sender_unit_code,
    d.type_name,
    d.promulgation_date,
    d.dossier_code_structured,
    d.dossier_code_in_text,
    d.applicant_name_pseudonym,
    pm.procedure_code
from documents as d
left join procedure_match as pm on pm.document_id = d.document_id
where d.dossier_code_structured is not null
    or d.dossier_code_in_text is not null
    or (d.applicant_name_pseudonym is not null and pm.procedure_code is not null)
