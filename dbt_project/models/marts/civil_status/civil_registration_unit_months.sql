-- Civil status per commune, month and record type: registrations, late and corrected ones, citizen-ID check
-- outcomes, and the reconciliation with the one-stop (dossiers finished with no register entry, entries with no
-- dossier). Month = registration month (for a dossier with no entry: its finish month).
with registrations as (
    select * from {{ ref('fct_civil_registrations') }}
),

by_registration as (
    select
        unit_code, registration_month as month, record_type,
        count(*) as registrations,
        count(*) filter (where is_late_registration) as late_registrations,
        count(*) filter (where is_corrected) as corrected,
        count(*) filter (where verified_status = 'verified') as verified,
        count(*) filter (where verified_status = 'mismatch') as id_mismatch,
        count(*) filter (where verified_status = 'not_found') as id_not_found,
        count(*) filter (where verified_status = 'pending') as verification_pending,
        count(*) filter (where verified_status = 'not_checkable') as not_checkable,
        count(*) filter (where has_dossier) as with_dossier
    from registrations
    group by 1, 2, 3
),

by_link as (
    select unit_code, month, record_type,
        count(*) filter (where match_status = 'dossier_only') as dossiers_without_registration,
        count(*) filter (where match_status = 'registration_only') as registrations_without_dossier
    from {{ ref('civil_registration_dossier_links') }}
    group by 1, 2, 3
)

select
    k.unit_code,
    u.unit_full_name as unit_name,
    k.month,
    k.record_type,
    coalesce(b.registrations, 0) as registrations,
    coalesce(b.late_registrations, 0) as late_registrations,
    coalesce(b.corrected, 0) as corrected,
    coalesce(b.verified, 0) as verified,
    coalesce(b.id_mismatch, 0) as id_mismatch,
    coalesce(b.id_not_found, 0) as id_not_found,
    coalesce(b.verification_pending, 0) as verification_pending,
    coalesce(b.not_checkable, 0) as not_checkable,
    round(b.verified::numeric / nullif(b.registrations - b.not_checkable, 0), 4) as verified_share,
    coalesce(b.with_dossier, 0) as with_dossier,
    coalesce(l.registrations_without_dossier, 0) as registrations_without_dossier,
    coalesce(l.dossiers_without_registration, 0) as dossiers_without_registration
from (select unit_code, month, record_type from by_registration
      union select unit_code, month, record_type from by_link) as k
left join by_registration as b using (unit_code, month, record_type)
left join by_link as l using (unit_code, month, record_type)
left join {{ ref('admin_units') }} as u using (unit_code)
