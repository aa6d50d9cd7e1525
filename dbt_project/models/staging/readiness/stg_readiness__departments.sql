-- The province's register of its departments and agencies: one row per unit code, the validated row of the latest
-- file issued (NgayCapNhat; a later file replaces an earlier one's row), typed. A unit a later file leaves out stays
-- as last issued: the register is read as changes, a file need not repeat every unit.
with latest as (
    {{ latest_validated(source('readiness', 'departments'), 'madonvi') }}
)

select
    madonvi as unit_code,
    tendonvi as unit_name,
    nullif(tentienganh, '') as unit_name_en,
    case capdonvi when 'SO_NGANH' then 'department' else 'department_unit' end as unit_level,
    madonvicha as parent_unit_code,
    madinhdanh as agency_code,
    left(madonvi, 2) as province_code,
    {{ kho_ts('ngaycapnhat') }} as issued_at,
    _source_file as source_file,
    _batch_id as batch_id,
    _row_num as row_num
from latest
