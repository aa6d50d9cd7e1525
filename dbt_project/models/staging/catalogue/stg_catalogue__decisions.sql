-- The publishing decisions of the procedures in stg_catalogue__procedures (the same latest validated versions):
-- one row per procedure and decision (a decision publishing several procedures is one row for each), with the legal
-- basis it implements, when that takes effect and when the procedure was made public on the portal (null while not
-- yet).
with latest as (
    {{ latest_validated(source('catalogue', 'procedures'), 'code', changed='updatedat') }}
)

select
    l.code as procedure_code,
    e.ordinality::int as decision_seq,
    e.value ->> 'number' as decision_number,
    e.value ->> 'kind' as decision_kind,
    {{ kho_ts("e.value ->> 'decisionDate'") }} as decided_at,
    e.value ->> 'legalBasis' as legal_basis,
    {{ kho_ts("e.value ->> 'legalBasisEffectiveDate'") }} as legal_basis_effective_at,
    {{ kho_ts("e.value ->> 'publicDate'") }} as made_public_at
from latest as l
cross join lateral json_array_elements(l.decisions) with ordinality as e (value, ordinality)
