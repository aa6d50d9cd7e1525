-- Agencies by electronic identifier code (NNN.NN.NN.XNN, Decision 20/2020), built from the codes the sources carry:
-- the receiving agency that prefixes every DVCQG dossier code. Level-1 codes the project can name (the 63
-- pre-2025 provincial People's Committees, cited ministries) link the agency to its province, old and current.
with seen as (
    select
        receiving_agency_code as agency_code,
        count(*) as dossiers_received,
        min(received_at) as first_received_at,
        max(received_at) as last_received_at
    from {{ ref('int_onestop__dossiers_resolved') }}
    where receiving_agency_code is not null
    group by 1
),

parsed as (
    select
        agency_code,
        split_part(agency_code, '.', 4) as level1_code,
        left(split_part(agency_code, '.', 4), 1) as level1_group,
        split_part(agency_code, '.', 3) as level2_code,
        split_part(agency_code, '.', 2) as level3_code,
        split_part(agency_code, '.', 1) as level4_code,
        dossiers_received,
        first_received_at,
        last_received_at
    from seen
)

select
    p.agency_code,
    p.level1_code,
    p.level1_group,
    l.group_name as level1_group_name,
    l.level1_name,
    p.level2_code,
    p.level3_code,
    p.level4_code,
    case
        when p.level4_code::int > 0 then 4
        when p.level3_code::int > 0 then 3
        when p.level2_code::int > 0 then 2
        else 1
    end as depth,
    nullif(l.legacy_province_code, '') as legacy_province_code,
    nullif(l.province_code, '') as province_code,
    p.dossiers_received,
    p.first_received_at,
    p.last_received_at
from parsed as p
left join {{ ref('agency_level1_codes') }} as l on l.level1_code = p.level1_code
