-- The one-stop and the register side by side: one row per finished registration dossier and per register entry
-- of the same record types, matched when both exist. 'dossier_only' = a finished dossier with no register entry
-- (the result was never entered, or entered elsewhere); 'registration_only' = an entry with no dossier (a walk-in
-- registration, or a dossier on paper).
with dossiers as (
    select dossier_code, unit_code, record_type, finished_on
    from {{ ref('int_civil_status__registration_dossiers') }}
),

registrations as (
    select registration_key, unit_code, record_type, registered_on
    from {{ ref('int_civil_status__registrations') }}
),

links as (
    select * from {{ ref('int_civil_status__dossier_matches') }}
)

select
    coalesce(l.dossier_code, d.dossier_code) as dossier_code,
    coalesce(l.registration_key, r.registration_key) as registration_key,
    coalesce(r.record_type, d.record_type) as record_type,
    coalesce(r.unit_code, d.unit_code) as unit_code,
    date_trunc('month', coalesce(r.registered_on, d.finished_on))::date as month,
    d.finished_on as dossier_finished_on,
    r.registered_on,
    case
        when d.dossier_code is not null and r.registration_key is not null then 'matched'
        when d.dossier_code is not null then 'dossier_only'
        else 'registration_only'
    end as match_status,
    l.match_method,
    l.days_apart
from links as l
full join dossiers as d on d.dossier_code = l.dossier_code
full join registrations as r on r.registration_key = l.registration_key
where d.dossier_code is not null or r.registration_key is not null
