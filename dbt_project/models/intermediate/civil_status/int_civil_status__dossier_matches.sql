{{ config(materialized="table") }}
-- Finished one-stop registration dossiers (birth, death, marriage procedures) paired with the register entry they
-- produced. A candidate pair has the same record type and commune, a registration within 7 days of the dossier's
-- finish, and the same requester: by ID pseudonym, else by name pseudonym (a mis-keyed ID on one side). Pairs are
-- kept one-to-one: each side's best candidate (ID before name, then fewest days apart, then the key), mutually.
with dossiers as (
    select * from {{ ref('int_civil_status__registration_dossiers') }}
),

registrations as (
    select registration_key, unit_code, record_type, registered_on, requester_id_pseudonym, requester_name_pseudonym
    from {{ ref('int_civil_status__registrations') }}
),

candidates as (
    select d.dossier_code, r.registration_key,
        case when r.requester_id_pseudonym = d.owner_id_pseudonym then 'requester_id' else 'requester_name' end
            as match_method,
        abs(r.registered_on - d.finished_on) as days_apart
    from dossiers as d
    inner join registrations as r
        on r.record_type = d.record_type and r.unit_code = d.unit_code
        and r.registered_on between d.finished_on - 7 and d.finished_on + 7
        and (r.requester_id_pseudonym = d.owner_id_pseudonym or r.requester_name_pseudonym = d.owner_name_pseudonym)
),

ranked as (
    select *,
        row_number() over (partition by dossier_code
                           order by match_method, days_apart, registration_key) as dossier_rank,
        row_number() over (partition by registration_key
                           order by match_method, days_apart, dossier_code) as registration_rank
    from candidates
)

select dossier_code, registration_key, match_method, days_apart
from ranked
where dossier_rank = 1 and registration_rank = 1
