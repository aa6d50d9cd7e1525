{{ config(
    materialized="incremental",
    meta={"rebuild_on_register_change": true},
    unique_key="dossier_code",
    incremental_strategy="delete+insert",
    on_schema_change="sync_all_columns",
    pre_hook=["set local enable_mergejoin = off", "{{ rebuild_if_project_changed() }}"],
    post_hook=["{{ ensure_index(['dossier_code'], unique=true) }}", "{{ record_model_build() }}"],
) }}
{#- The pre-hook turns merge joins off for this build's transaction: PostgreSQL prices the two joins to the unit
    codes (on the code and the era computed from the reception date) as merge joins and sorts a million wide rows to
    disk twice for them (1M dossiers: 18.1 s; as hash joins on the 20,000 codes, 10.8 s). -#}
-- Dossiers with their unit codes resolved to the units in force today (by the era of the reception date), the
-- applicant's birth-registration province read from the personal ID, and a due date: the one sent, else the
-- procedure's statutory time in working days counted from reception (domain.md §2.3: missing due date), and what
-- its list fields add up to. A dossier sent with the province's own code that was received under the agency
-- identifier of one of the province's departments (its register, int_units__departments) lands on that department,
-- as competent and as receiving unit; a change of the register rebuilds this model and the models after it
-- (rebuild_if_project_changed with the register's fingerprint). Incremental (macro file onestop_incremental): a run resolves the dossiers validated
-- since the last one.
with dossiers as (
    select
        d.*,
        case when coalesce(d.received_at, d.submitted_at) < '{{ var("reform_date") }}'::date
            then 'pre_reform' else 'post_reform' end as unit_era
    from {{ ref('stg_onestop__dossiers') }} as d
    {% if is_incremental() %}where {{ onestop_validated_since_build('d.validated_at') }}{% endif %}
),

resolved_codes as (
    select * from {{ ref('int_unit_codes__resolved') }}
),

lists as (
    select * from {{ ref('int_onestop__dossier_lists') }}
),

department_agencies as (
    select agency_code, unit_code, province_code from {{ ref('int_units__departments') }} where receives_under_agency
)

select
    d.*,
    -- what the list fields add up to (int_onestop__dossier_lists); a dossier without list items has none of it
    d.is_flagged_digitized or coalesce(l.has_component_marked_digitized, false) as is_digitized,
    coalesce(l.has_fee, false) as has_fee,
    coalesce(l.supplement_requests, 0) as supplement_requests,
    coalesce(l.has_electronic_result, false) as has_electronic_result,
    coalesce(l.uses_dvcqg_store, false) as uses_dvcqg_store,
    coalesce(l.uses_population_db, false) as uses_population_db,
    coalesce(l.has_result_link, false) as has_result_link,
    coalesce(l.has_digitized_component, false) as has_digitized_component,
    coalesce(l.fee_items, 0) as fee_items,
    coalesce(l.all_fees_zero, false) as all_fees_zero,
    l.fee_amount_vnd,
    case when da.province_code = u.unit_code then da.unit_code else u.unit_code end as unit_code,
    case when da.province_code = u.unit_code then 'department_register' else u.resolution end
        as unit_code_resolution,
    u.is_ambiguous as is_unit_ambiguous,
    case when da.province_code = r.unit_code then da.unit_code else r.unit_code end as receiving_unit_code,
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
left join {{ ref('stg_catalogue__procedures') }} as p on p.procedure_code = d.procedure_code
left join lists as l on l.dossier_code = d.dossier_code
left join department_agencies as da on da.agency_code = d.receiving_agency_code
