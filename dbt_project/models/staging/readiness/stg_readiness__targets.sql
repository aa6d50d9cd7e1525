-- The province's annual targets per unit and Decision 766 indicator: one row per year, unit code as sent, scope and
-- indicator, the validated row of the latest file issued (NgayCapNhat), typed. TINH is the province's default for
-- all its units, DON_VI a unit's own target.
with latest as (
    {{ latest_validated(source('readiness', 'targets'), 'namkehoach, madonvi, phamvi, chiso') }}
)

select
    namkehoach::int as target_year,
    madonvi as unit_code_as_sent,
    nullif(tendonvi, '') as unit_name_as_sent,
    case phamvi when 'TINH' then 'all_units_of_province' else 'unit' end as applies_to,
    chiso as indicator_id,
    giatrimuctieu::numeric as target_rate,
    nullif(cancu, '') as target_basis,
    {{ kho_ts('ngaycapnhat') }} as issued_at,
    _source_file as source_file,
    _batch_id as batch_id,
    _row_num as row_num
from latest
