-- The national procedure database as the province sees it: the latest validated version of every procedure,
-- typed: the seven components of Decree 63/2010 Art. 8(2) as flags (an empty or missing one is not stated), its
-- first publishing decision. The units that apply it are in stg_catalogue__procedure_units.
with latest as (
    {{ latest_validated(source('catalogue', 'procedures'), 'code', changed='updatedat') }}
)

select
    code as procedure_code,
    id as procedure_id,
    name as procedure_name,
    state,
    state = 'PUBLISHED' as is_in_force,
    departmentid as managing_agency_code,
    fieldcode as field_code,
    fieldname as field_name,
    lower(onlineservicelevel) as online_level,
    paymentintegrated = 'true' as is_payment_integrated,
    feevnd::bigint as fee_vnd,
    feevnd::bigint > 0 as has_fee,
    processingdays::int as statutory_working_days,
    {% for c, col in [('name', 'states_name'), ('steps', 'states_steps'), ('method', 'states_method'),
                      ('dossierComposition', 'states_dossier_composition'), ('timeLimit', 'states_time_limit'),
                      ('applicant', 'states_applicant'), ('agency', 'states_agency')] %}
    coalesce(btrim(components ->> '{{ c }}'), '') <> '' as {{ col }},
    {% endfor %}
    (select min({{ kho_ts("e ->> 'decisionDate'") }}) from json_array_elements(decisions) as e) as first_decided_at,
    {{ kho_ts('updatedat') }} as source_updated_at,
    _batch_id as batch_id,
    _row_num as row_num,
    _extracted_at as extracted_at
from latest
