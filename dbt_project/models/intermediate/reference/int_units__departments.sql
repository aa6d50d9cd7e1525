-- The province's departments and agencies as units (the register, stg_readiness__departments), with the names the
-- unit register carries: the full name adds the province ("Sở Tư pháp tỉnh Thanh Hóa"; "Công an tỉnh" becomes
-- "Công an tỉnh Thanh Hóa", not "Công an tỉnh tỉnh Thanh Hóa"). The register has no
-- founding date: a unit is read as in force since the two-tier reform. Where two units in force claim one agency
-- identifier (from different files), the one issued later receives under it (receives_under_agency).
{% set full_name = "regexp_replace(d.unit_name, ' (tỉnh|thành phố)$', '') || ' ' "
                   ~ "|| lower(left(p.unit_full_name, 1)) || substr(p.unit_full_name, 2)" %}
with departments as (
    select * from {{ ref('stg_readiness__departments') }}
),

provinces as (
    select unit_code, unit_full_name, unit_full_name_en from {{ ref('admin_units') }} where unit_level = 'province'
),

agency_holders as (
    select distinct on (agency_code) agency_code, unit_code
    from departments
    order by agency_code, issued_at desc, unit_code
)

select
    d.unit_code,
    '{{ var("reform_date") }}'::date as valid_from,
    d.unit_level,
    d.unit_name,
    {{ full_name }} as unit_full_name,
    {{ ascii_name(full_name) }} as unit_name_ascii,
    d.unit_name_en,
    coalesce(d.unit_name_en || ', ' || p.unit_full_name_en, d.unit_name) as unit_full_name_en,
    d.province_code,
    p.unit_full_name as province_name,
    d.parent_unit_code,
    d.agency_code,
    h.unit_code is not null as receives_under_agency,
    d.issued_at,
    d.source_file
from departments as d
inner join provinces as p on p.unit_code = d.province_code
left join agency_holders as h on h.agency_code = d.agency_code and h.unit_code = d.unit_code
