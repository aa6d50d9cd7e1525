-- One row per civil-status registration (birth, death, marriage) in its current version: who registered it, when,
-- the subject's birth year and sex (never a name or ID), whether the citizen IDs on it checked out against the
-- national population database, and the one-stop dossier it came from, if any.
with registrations as (
    select * from {{ ref('int_civil_status__registrations') }}
),

links as (
    select * from {{ ref('int_civil_status__dossier_matches') }}
)

select
    r.registration_key,
    r.record_type,
    t.record_type_name,
    t.record_type_name_en,
    r.unit_code,
    u.unit_full_name as unit_name,
    r.book,
    r.registration_number,
    r.registered_on,
    date_trunc('month', r.registered_on)::date as registration_month,
    r.event_date,
    r.registered_on - r.event_date as days_from_event,
    coalesce(r.registered_on - r.event_date > t.registration_deadline_days, false) as is_late_registration,
    r.subject_birth_year,
    r.subject_sex,
    r.husband_birth_year,
    r.wife_birth_year,
    r.verified_status,
    r.people_checked,
    r.people_matched,
    r.version_count,
    r.version_count > 1 as is_corrected,
    l.dossier_code,
    l.match_method as dossier_match_method,
    l.dossier_code is not null as has_dossier
from registrations as r
inner join {{ ref('civil_status_record_types') }} as t using (record_type)
left join {{ ref('admin_units') }} as u using (unit_code)
left join links as l using (registration_key)
