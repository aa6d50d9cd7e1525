-- The Plan 02 task register, one row per task and status date (the validated rows of every snapshot; a task sent
-- twice for the same status date: its latest extraction), typed.
with latest as (
    {{ latest_validated(source('readiness', 'tasks'), 'manhiemvu, ngaycapnhat') }}
)

select
    manhiemvu as task_code,
    nhomnhiemvu as task_group,
    tennhiemvu as task_name,
    madonvichutri as owner_unit_code,
    donvichutri as owner_name,
    hanhoanthanh::date as deadline,
    sanphamdaura as expected_output,
    nullif(chisodaura, '') as output_indicator,
    giatrimuctieu::numeric as output_target,
    trangthai as status,
    nullif(ngayhoanthanh, '')::date as reported_done_on,
    {{ kho_ts('ngaycapnhat') }} as status_at,
    _source_file as source_file,
    _batch_id as batch_id,
    _row_num as row_num,
    _extracted_at as extracted_at
from latest
