-- One row per dossier with its on-time class under the date-granularity local rule (domain.md §2.3 item 2),
-- judged against the due date sent or, when none was sent, the procedure's statutory working days.
-- Units are the ones in force today, whatever code the record carried. Open dossiers are judged at the data's
-- as-of time: the latest change the source has reported.
with dossiers as (
    select * from {{ ref('int_onestop__dossiers_resolved') }}
),

as_of as (
    select max(source_updated_at) as as_of_at from dossiers
),

classified as (
    select
        d.*,
        a.as_of_at,
        case
            when d.status_code in (9, 10) then 'finished'
            when d.status_code = 8 then 'stopped'
            when d.status_code = 7 then 'withdrawn'
            when d.status_code = 3 then 'refused'
            else 'open'
        end as status_group
    from dossiers as d
    cross join as_of as a
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
    procedure_code,
    channel,
    status_code,
    status_group,
    received_at,
    due_at,
    effective_due_at,
    due_source,
    finished_at,
    returned_at,
    case
        when status_group in ('finished', 'stopped') and finished_at is not null then
            case
                when effective_due_at is null then 'no_due_date'
                when finished_at::date < effective_due_at::date then 'early'
                when finished_at::date = effective_due_at::date then 'on_time'
                else 'late'
            end
        when status_group = 'open' then
            case
                when effective_due_at is null then 'no_due_date'
                when effective_due_at::date >= as_of_at::date then 'open_within'
                else 'open_overdue'
            end
        else 'not_applicable'
    end as on_time_class,
    statutory_working_days,
    case when finished_at is not null and received_at is not null
        then {{ working_days_between('received_at', 'finished_at') }} end as working_days_taken,
    is_paid_online,
    has_fee,
    is_digitized,
    is_vneid_authenticated,
    supplement_requests,
    has_electronic_result,
    is_synced_to_dvcqg,
    owner_id_pseudonym,
    owner_birth_legacy_province_code,
    owner_birth_province_code,
    as_of_at,
    batch_id
from classified
