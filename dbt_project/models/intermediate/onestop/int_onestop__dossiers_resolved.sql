{{ config(materialized="table") }}
-- Dossiers with their unit codes resolved to the units in force today (by the era of the reception date), the
-- applicant's birth-registration province read from the personal ID, and a due date: the one sent, else the
-- procedure's statutory time in working days counted from reception (domain.md §2.3: missing due date).
with dossiers as (
    select
        d.*,
        case when coalesce(d.received_at, d.submitted_at) < '{{ var("reform_date") }}'::date
            then 'pre_reform' else 'post_reform' end as unit_era
    from {{ ref('stg_onestop__dossiers') }} as d
),

resolved_codes as (
    select * from {{ ref('int_unit_codes__resolved') }}
)

select
    d.*,
    u.unit_code,
    u.resolution as unit_code_resolution,
    u.is_ambiguous as is_unit_ambiguous,
    r.unit_code as receiving_unit_code,
    cp.legacy_province_code as owner_birth_legacy_province_code,
    cp.province_code as owner_birth_province_code,
    p.statutory_working_days,
    case
        when d.due_at is not null then 'sent'
        when p.statutory_working_days is not null and d.received_at is not null then 'statutory'
    end as due_source,
    coalesce(
        d.due_at,
        {{ add_working_days('d.received_at', 'p.statutory_working_days') }} + d.received_at::time
    ) as effective_due_at
from dossiers as d
left join resolved_codes as u on u.source_unit_code = d.unit_code_as_sent and u.era = d.unit_era
left join resolved_codes as r on r.source_unit_code = d.receiving_unit_code_as_sent and r.era = d.unit_era
left join {{ ref('citizen_id_provinces') }} as cp on cp.id_prefix = d.owner_id_province_prefix
left join {{ ref('procedures') }} as p on p.procedure_code = d.procedure_code
