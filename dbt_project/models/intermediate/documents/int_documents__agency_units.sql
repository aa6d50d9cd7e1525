{{ config(materialized="table") }}
-- The administrative unit behind each agency code a document names. The one-stop dossiers tell it best: every
-- dossier code starts with its receiving agency's code and carries the receiving unit, so an agency is the unit
-- it receives most dossiers for. An agency that receives none (a provincial People's Committee) falls back to the
-- province of its level-1 code (H56 → Thanh Hóa); otherwise the unit stays unknown.
with from_dossiers as (
    select receiving_agency_code as agency_code, receiving_unit_code as unit_code, count(*) as dossiers
    from {{ ref('int_onestop__dossiers_resolved') }}
    where receiving_agency_code is not null and receiving_unit_code is not null
    group by 1, 2
),

ranked as (
    select distinct on (agency_code) agency_code, unit_code, dossiers
    from from_dossiers
    order by agency_code, dossiers desc, unit_code
),

agencies as (
    select sender_agency_code as agency_code from {{ ref('stg_documents__edocs') }}
    union
    select unnest(receiver_agency_codes) from {{ ref('stg_documents__edocs') }}
    union
    select agency_code from {{ ref('stg_documents__status_events') }}
)

select
    a.agency_code,
    coalesce(r.unit_code, nullif(l.province_code, '')) as unit_code,
    case
        when r.unit_code is not null then 'dossiers'
        when nullif(l.province_code, '') is not null then 'level1_code'
    end as unit_source
from agencies as a
left join ranked as r on r.agency_code = a.agency_code
left join {{ ref('agency_level1_codes') }} as l on l.level1_code = split_part(a.agency_code, '.', 4)
where a.agency_code is not null
