-- Every unit that has existed in either register, keyed by (unit_code, valid_from): the 63 provinces, 696
-- districts and 10,051 communes until 2025-07-01, then the 34 provinces and 3,321 communes, wards and special zones.
-- A 5-digit code reused by a new commune therefore appears twice, once per era. The pre-2025 register is the state
-- of 2025-01-04; its earlier history is not modelled, so its rows open at 1900-01-01. The province's departments
-- and agencies (int_units__departments: its register) are current units too, under their province.
with current_units as (
    select * from {{ ref('admin_units') }}
),

legacy_units as (
    select * from {{ ref('admin_units_legacy') }}
),

legacy_successor as (
    select legacy_unit_code, unit_code, is_split
    from {{ ref('unit_code_conversions') }}
    where is_primary
),

province_successor as (
    select legacy_province_code, province_code
    from {{ ref('province_code_conversions') }}
    where is_primary
)

select
    c.unit_code,
    c.valid_from,
    null::date as valid_to,
    true as is_current,
    c.unit_level,
    c.unit_name,
    c.unit_full_name,
    c.unit_name_ascii,
    c.unit_name_en,
    c.unit_full_name_en,
    c.province_code,
    p.unit_full_name as province_name,
    null::text as district_code,
    null::text as district_name,
    c.unit_code as successor_unit_code,
    false as successor_is_ambiguous,
    case when c.unit_level <> 'province' then c.province_code end as parent_unit_code,
    null::text as agency_code
from current_units as c
inner join current_units as p on p.unit_code = c.province_code and p.unit_level = 'province'

union all

select
    l.unit_code,
    date '1900-01-01' as valid_from,
    l.valid_to,
    false as is_current,
    l.unit_level,
    regexp_replace(l.unit_full_name, '^(Tỉnh|Thành phố|Quận|Huyện|Thị xã|Xã|Phường|Thị trấn) ', '') as unit_name,
    l.unit_full_name,
    l.unit_name_ascii,
    l.unit_name_en,
    null::text as unit_full_name_en,
    l.province_code,
    l.province_name,
    l.district_code,
    l.district_name,
    case l.unit_level
        when 'province' then ps.province_code
        when 'district' then null
        else ls.unit_code
    end as successor_unit_code,
    coalesce(ls.is_split, false) as successor_is_ambiguous,
    case when l.unit_level in ('commune', 'ward', 'township') then l.district_code
        when l.unit_level = 'district' then l.province_code end as parent_unit_code,
    null::text as agency_code
from legacy_units as l
left join legacy_successor as ls on ls.legacy_unit_code = l.unit_code and l.unit_level not in ('province', 'district')
left join province_successor as ps on ps.legacy_province_code = l.unit_code and l.unit_level = 'province'

union all

select
    d.unit_code,
    d.valid_from,
    null::date as valid_to,
    true as is_current,
    d.unit_level,
    d.unit_name,
    d.unit_full_name,
    d.unit_name_ascii,
    d.unit_name_en,
    d.unit_full_name_en,
    d.province_code,
    d.province_name,
    null::text as district_code,
    null::text as district_name,
    d.unit_code as successor_unit_code,
    false as successor_is_ambiguous,
    d.parent_unit_code,
    d.agency_code
from {{ ref('int_units__departments') }} as d
