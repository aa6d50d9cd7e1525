-- Administrative procedures keyed by the national base code D.NNNNNN: the catalogue (seed) plus every code the
-- sources have sent, localized forms such as 1.000494.000.00.00.H29 folded onto their base code. Codes seen only
-- in the sources carry the name they were sent with and is_in_catalogue = false.
with catalogue as (
    select * from {{ ref('procedures') }}
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
    c.competent_tier,
    c.online_level_code,
    c.online_level,
    c.has_fee,
    c.fee_vnd,
    c.statutory_working_days,
    c.procedure_code is not null as is_in_catalogue,
    coalesce(s.dossiers, 0) as dossiers_seen,
    coalesce(s.localized_forms, 0) as localized_forms_seen
from catalogue as c
full outer join seen as s on s.procedure_code = c.procedure_code
