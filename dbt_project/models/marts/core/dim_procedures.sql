-- Administrative procedures keyed by the national base code D.NNNNNN: the procedure catalogue source plus every
-- code the one-stop sent that the catalogue lacks, localized forms such as 1.000494.000.00.00.H29 folded onto
-- their base code. Codes seen only in the dossiers carry the name they were sent with and is_in_catalogue = false.
with catalogue as (
    select * from {{ ref('stg_catalogue__procedures') }}
),

units as (
    select unit_code, unit_level from {{ ref('dim_units') }} where is_current
),

tiers as (
    select
        c.procedure_code,
        case when count(distinct {{ unit_tier('u.unit_level') }}) = 1
            then min({{ unit_tier('u.unit_level') }}) else 'both' end as competent_tier
    from catalogue as c
    inner join {{ ref('stg_catalogue__procedure_units') }} as a
        on a.procedure_code = c.procedure_code and a.relation = 'applies'
    inner join units as u on u.unit_code = a.unit_code
    group by 1
),

applied as (
    select procedure_code, count(*) as applied_units
    from {{ ref('stg_catalogue__procedure_units') }}
    where relation = 'applies'
    group by 1
),

decisions as (
    select procedure_code, max(decided_at) as latest_decided_at
    from {{ ref('stg_catalogue__decisions') }}
    group by 1
),

seen as (
    select
        procedure_code,
        count(*) as dossiers,
        count(distinct procedure_code_as_sent) as localized_forms,
        mode() within group (order by procedure_name) as name_as_sent,
        mode() within group (order by field_code) as field_code_as_sent
    from {{ ref('int_onestop__dossiers_resolved') }}
    where procedure_code is not null
    group by 1
)

select
    coalesce(c.procedure_code, s.procedure_code) as procedure_code,
    coalesce(c.procedure_name, s.name_as_sent) as procedure_name,
    coalesce(c.field_code, s.field_code_as_sent) as field_code,
    c.field_name,
    c.managing_agency_code,
    t.competent_tier,
    coalesce(ap.applied_units, 0) as applied_units,
    c.online_level,
    c.is_payment_integrated,
    c.has_fee,
    c.fee_vnd,
    c.statutory_working_days,
    {% for col in ['states_name', 'states_steps', 'states_method', 'states_dossier_composition',
                   'states_time_limit', 'states_applicant', 'states_agency'] %}
    c.{{ col }}::int{{ " +" if not loop.last else " as components_stated," }}
    {% endfor %}
    c.first_decided_at,
    dc.latest_decided_at,
    c.is_in_force,
    c.procedure_code is not null as is_in_catalogue,
    coalesce(s.dossiers, 0) as dossiers_seen,
    coalesce(s.localized_forms, 0) as localized_forms_seen
from catalogue as c
full outer join seen as s on s.procedure_code = c.procedure_code
left join tiers as t on t.procedure_code = c.procedure_code
left join decisions as dc on dc.procedure_code = c.procedure_code
left join applied as ap on ap.procedure_code = c.procedure_code
