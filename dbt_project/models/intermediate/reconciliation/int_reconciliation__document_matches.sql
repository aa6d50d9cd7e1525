-- Each case document matched to the one-stop dossier it concerns (one row per matched document), deterministically:
--   1. structured_code   the dossier code in ResponseFor/Code                                  confidence 1.00
--   2. code_in_text      a dossier code in the subject                                         confidence 0.95
--   3. applicant_procedure  the same applicant (keyed name pseudonym) and procedure, the document dated from the
--      dossier's reception to 7 days after its end (90 days while open): 0.85 when the document's sender is the
--      dossier's competent unit, 0.60 otherwise, divided by the number of dossiers that fit.
-- The best candidate wins (method, then confidence, then the fewest days between reception and document, then
-- the dossier code). A document that fits no dossier is a document-only case (case_reconciliation).
with docs as (
    select * from {{ ref('int_reconciliation__case_documents') }}
),

dossiers as (
    select dossier_code, unit_code, procedure_code, owner_name_pseudonym, received_at, finished_at
    from {{ ref('int_onestop__dossiers_resolved') }}
),

structured as (
    select d.document_id, o.dossier_code, 'structured_code' as match_method, 1 as method_rank,
        1.00::numeric as confidence, 1 as candidates
    from docs as d
    inner join dossiers as o on o.dossier_code = d.dossier_code_structured
),

in_text as (
    select d.document_id, o.dossier_code, 'code_in_text' as match_method, 2 as method_rank,
        0.95::numeric as confidence, 1 as candidates
    from docs as d
    inner join dossiers as o on o.dossier_code = d.dossier_code_in_text
),

applicant_pairs as (
    select
        d.document_id,
        o.dossier_code,
        d.sender_unit_code is not distinct from o.unit_code as same_unit,
        abs(d.promulgation_date - o.received_at::date) as day_gap
    from docs as d
    inner join dossiers as o
        on o.owner_name_pseudonym = d.applicant_name_pseudonym
        and o.procedure_code = d.procedure_code
        and d.promulgation_date between o.received_at::date
            and coalesce(o.finished_at::date, o.received_at::date + 90) + 7
),

applicant as (
    select
        document_id,
        dossier_code,
        'applicant_procedure' as match_method,
        3 as method_rank,
        round((case when same_unit then 0.85 else 0.60 end) / count(*) over (partition by document_id), 2)
            as confidence,
        (count(*) over (partition by document_id))::int as candidates,
        day_gap
    from applicant_pairs
),

candidates as (
    select document_id, dossier_code, match_method, method_rank, confidence, candidates, 0 as day_gap
    from structured
    union all
    select document_id, dossier_code, match_method, method_rank, confidence, candidates, 0 from in_text
    union all
    select document_id, dossier_code, match_method, method_rank, confidence, candidates, day_gap from applicant
),

best as (
    select distinct on (document_id) *
    from candidates
    order by document_id, method_rank, confidence desc, day_gap, dossier_code
)

select document_id, dossier_code, match_method, confidence, candidates
from best
