-- The 34 provinces and 3,321 communes, wards and special zones in force since 2025-07-01.
select
    unit_code,
    unit_level,
    unit_name,
    unit_full_name,
    unit_name_en,
    unit_full_name_en,
    province_code
from {{ ref('admin_units') }}
