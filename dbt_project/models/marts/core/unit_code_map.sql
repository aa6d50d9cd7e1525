-- Every pre-2025 commune code and the current commune(s) it went to, from the statistics office's conversion
-- table, with the rule's choice for splits (is_primary) and the flag that shows the ambiguity (is_split).
select
    m.legacy_unit_code,
    old.unit_full_name as legacy_unit_name,
    old.district_name as legacy_district_name,
    old.province_code as legacy_province_code,
    old.province_name as legacy_province_name,
    m.unit_code,
    new.unit_full_name as unit_name,
    new.province_code,
    m.conversion_kind,
    m.conversion_note,
    m.is_split,
    m.is_primary
from {{ ref('unit_code_conversions') }} as m
left join {{ ref('admin_units_legacy') }} as old
    on old.unit_code = m.legacy_unit_code and old.unit_level not in ('province', 'district')
inner join {{ ref('admin_units') }} as new on new.unit_code = m.unit_code
