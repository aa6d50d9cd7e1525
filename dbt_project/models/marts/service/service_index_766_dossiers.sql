{{ config(materialized="view") }}
-- Drill-down of the Decision 766 index: one row per dossier and period type (month, quarter, half_year, year), in
-- the period of that type holding its reception, judged at that period's end (fct_dossier_periods), with a flag for
-- every numerator (<id>_num) and denominator (<id>_den) it counts in. The dossiers behind a figure of
-- service_index_766 are `where unit_code = ... and period_type = ... and period_start = ... and <id>_num`.
-- Procedure indicators count distinct procedure_code over the flagged rows; the catalogue indicators 3.5 and 3.6
-- term C count the catalogue's fee procedures the unit applies among those of the flagged rows. A view over
-- fct_dossier_periods and fct_dossiers (incremental, indexed on the period and the dossier code), so it is always in
-- step with them; the period end is cut at the newest as-of time while the period runs.
with as_of as (
    select max(as_of_at) as as_of_at from {{ ref('int_onestop__dossier_milestones') }}
),

dossiers as (
    select
        p.dossier_code,
        p.period_type,
        p.period_start,
        p.period_month,
        {{ kho_period_cut(kho_period_end('p.period_type', 'p.period_start'), 'a.as_of_at') }}
            as period_end_at,
        a.as_of_at,
        p.on_time_766,
        p.judged_from,
        p.terminal_status_766,
        p.processing_working_days,
        d.unit_code,
        d.receiving_unit_code,
        d.procedure_code,
        d.channel,
        d.applicant_type_code,
        d.synced_at,
        d.has_electronic_result,
        d.has_digitized_component,
        d.is_digitized,
        d.uses_dvcqg_store,
        d.has_result_link,
        d.is_vneid_authenticated,
        d.uses_population_db,
        d.is_paid_online,
        d.has_fee,
        d.all_fees_zero,
        d.extracted_at,
        d.validated_at
    from {{ ref('fct_dossier_periods') }} as p
    cross join as_of as a
    inner join {{ ref('fct_dossiers') }} as d on d.dossier_code = p.dossier_code
),

-- not materialized: read twice, a materialized CTE has no statistics and the planner sorts millions of rows
-- to merge-join it; inlined, both lookups are hash joins on the unit register
units as not materialized (
    select unit_code, unit_level, province_code from {{ ref('dim_units') }} where is_current
),

procedures as (
    select procedure_code, online_level, has_fee from {{ ref('stg_catalogue__procedures') }}
),

signals as (
    select dossier_code, first_feedback_at, first_dislike_at from {{ ref('int_feedback__dossier_signals') }}
),

flagged as (
    select
        d.*,
        u.province_code,
        ru.province_code as receiving_province_code,
        {{ unit_tier('u.unit_level') }} as unit_tier,
        p.online_level as procedure_online_level,
        d.terminal_status_766 in (9, 10) as is_finished_766,
        coalesce(p.has_fee, false) and not d.all_fees_zero as has_payable_fee,
        coalesce(p.has_fee, false) as is_fee_procedure,
        d.is_vneid_authenticated or d.uses_dvcqg_store or d.uses_population_db as uses_population_data,
        coalesce(s.first_feedback_at < d.period_end_at, false)
            or coalesce(s.first_dislike_at < d.period_end_at, false) as has_feedback_or_dislike
    from dossiers as d
    left join units as u on u.unit_code = d.unit_code
    left join units as ru on ru.unit_code = d.receiving_unit_code
    left join procedures as p on p.procedure_code = d.procedure_code
    left join signals as s on s.dossier_code = d.dossier_code
)

select
    dossier_code,
    period_type,
    period_start,
    period_month,
    period_end_at,
    unit_code,
    receiving_unit_code,
    province_code,
    receiving_province_code,
    unit_tier,
    procedure_code,
    on_time_766,
    judged_from,
    terminal_status_766,
    true as dossier_sync_den,
    coalesce(synced_at < period_end_at, false) as dossier_sync_num,
    on_time_766 in ('on_time', 'late', 'open_within', 'open_overdue') as on_time_den,
    on_time_766 in ('on_time', 'open_within') as on_time_num,
    is_finished_766 and processing_working_days is not null as avg_processing_days_den,
    case when is_finished_766 then processing_working_days end as avg_processing_days_num,
    true as online_dossiers_den,
    channel = 'online' as online_dossiers_num,
    coalesce(procedure_online_level = 'full', false) as full_online_dossiers_den,
    coalesce(procedure_online_level = 'full', false) and channel = 'online' as full_online_dossiers_num,
    is_finished_766 as electronic_results_den,
    is_finished_766 and has_electronic_result as electronic_results_num,
    is_finished_766 as digitized_dossiers_den,
    is_finished_766 and has_digitized_component and has_electronic_result as digitized_dossiers_num,
    true as reused_data_den,
    is_digitized as reused_data_num,
    true as dvcqg_store_den,
    uses_dvcqg_store or has_result_link as dvcqg_store_num,
    true as population_data_dossiers_den,
    uses_population_data as population_data_dossiers_num,
    applicant_type_code = '1' as population_data_procedures_den,
    applicant_type_code = '1' and uses_population_data as population_data_procedures_num,
    has_payable_fee as online_payment_dossiers_den,
    has_payable_fee and is_paid_online as online_payment_dossiers_num,
    has_payable_fee as online_payment_procedures_den,
    has_payable_fee and is_paid_online as online_payment_procedures_num,
    is_fee_procedure as fee_procedures_with_dossiers_num,
    -- 3.5: a fee procedure's dossier synced with a non-zero fee
    is_fee_procedure and has_fee as procedures_payment_integrated_num,
    -- 5.4: neither overdue nor with feedback or a "not satisfied" rating by the period end
    true as dossier_satisfaction_den,
    on_time_766 not in ('late', 'open_overdue') and not has_feedback_or_dislike as dossier_satisfaction_num,
    as_of_at,
    extracted_at,
    validated_at
from flagged
