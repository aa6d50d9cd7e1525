{{ config(
    materialized="incremental",
    meta={"rebuild_on_register_change": true},
    unique_key="dossier_code",
    incremental_strategy="delete+insert",
    on_schema_change="append_new_columns",
    indexes=[{"columns": ["dossier_code"], "unique": True}, {"columns": ["unit_code", "period_month"]}],
    pre_hook="{{ rebuild_if_project_changed() }}",
    post_hook=["{{ onestop_move_as_of() }}", "{{ ensure_index(['period_month']) }}",
               "{{ ensure_index(['synced_at']) }}",
               "{{ ensure_index(['as_of_at'], where='terminal_status_766 is null', label='open') }}",
               "{{ ensure_index(['judgement_holds_until'], where='terminal_status_766 is null', label='open') }}",
               "{{ record_model_build() }}"],
) }}
-- One row per one-stop dossier: the latest validated version, with units resolved to the ones in force today
-- (competent and receiving unit kept apart: Decree 118/2025 lets one unit receive what another decides), its
-- status and on-time class at the end of its reporting period under both rules (int_onestop__dossier_on_time),
-- and the flags Decision 766 counts. Incremental: see macro file onestop_incremental.
-- depends_on: {{ ref('stg_onestop__dossiers') }}, {{ ref('int_onestop__dossier_milestones') }} (onestop_move_as_of)
-- depends_on: {{ ref('int_units__departments') }} (kho_build_fingerprint)
-- depends_on: {{ ref('stg_catalogue__procedures') }} (kho_build_fingerprint)
-- depends_on: {{ ref('stg_onestop__processing_steps') }}, {{ ref('stg_onestop__supplement_requests') }}, {{ ref('stg_onestop__fees') }}
-- depends_on: {{ ref('stg_onestop__database_links') }}, {{ ref('stg_onestop__owner_identifiers') }}
--   (their tests scoped to the dossiers validated after this model's last build, macro file test_scope: in a build
--   they run before this model moves that cursor, whatever order dbt's threads or Cosmos's tasks take)
with
{% if is_incremental() %}
scope as (
    {{ onestop_rejudged_dossier_codes() }}
),
{% endif %}

dossiers as (
    select * from {{ ref('int_onestop__dossiers_resolved') }}
),

-- an incremental run judges the scope's dossiers only: `= any(array(...))` is a condition PostgreSQL pushes
-- through the view's join down to both tables' dossier-code indexes (an `in (select ...)` semi-join is not: it
-- joined every dossier first), and the dossiers are then fetched one by one through their index
judged as (
    select * from {{ ref('int_onestop__dossier_on_time') }}
    where period_type = 'month'
    {% if is_incremental() %}and dossier_code = any(array(select s.dossier_code from scope as s)){% endif %}
),

joined as (
    select
        d.*,
        j.period_month,
        j.period_end_at,
        j.as_of_at,
        {{ dossier_judgement_columns('j') }},
        -- working_days_between's arithmetic as hash joins on the calendar (int_onestop__dossier_on_time's note)
        case when d.finished_at is not null and d.received_at is not null
            then finished_on.working_day_seq - received_on.working_day_seq end as working_days_taken
    from dossiers as d
    inner join judged as j on j.dossier_code = d.dossier_code
    left join {{ ref('int_dates__calendar') }} as finished_on on finished_on.date_day = d.finished_at::date
    left join {{ ref('int_dates__calendar') }} as received_on on received_on.date_day = d.received_at::date
)

select
    dossier_code,
    unit_code,
    unit_code_as_sent,
    unit_code_resolution,
    is_unit_ambiguous,
    receiving_unit_code,
    receiving_unit_code_as_sent,
    receiving_agency_code,
    unit_code is distinct from receiving_unit_code as is_received_elsewhere,
    procedure_code,
    channel,
    applicant_type_code,
    status_code,
    case
        when status_code in (9, 10) then 'finished'
        when status_code = 8 then 'stopped'
        when status_code = 7 then 'withdrawn'
        when status_code = 3 then 'refused'
        else 'open'
    end as status_group,
    status_at_period_end,
    received_at,
    period_month,
    period_end_at,
    due_at,
    effective_due_at,
    due_source,
    finished_at,
    returned_at,
    refused_at,
    terminal_status_766,
    judged_from,
    end_at_766,
    end_source_766,
    supplement_requests,
    supplement_requests_in_period,
    supplement_seconds,
    on_time_766,
    on_time_local,
    statutory_working_days,
    processing_working_days,
    working_days_taken,
    is_paid_online,
    has_fee,
    fee_items,
    all_fees_zero,
    fee_amount_vnd,
    is_digitized,
    has_digitized_component,
    uses_dvcqg_store,
    uses_population_db,
    is_vneid_authenticated,
    has_electronic_result,
    has_result_link,
    is_submitted_on_dvcqg,
    is_synced_to_dvcqg,
    synced_at,
    case when synced_at is not null
        then round(extract(epoch from synced_at - received_at) / 60.0, 1) end as sync_lag_minutes,
    source_updated_at,
    owner_id_pseudonym,
    owner_birth_legacy_province_code,
    owner_birth_province_code,
    as_of_at,
    judgement_holds_until,
    batch_id,
    extracted_at,
    validated_at
from joined
