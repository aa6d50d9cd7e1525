-- One row per supplement request of a dossier (DanhSachHoSoBoSung): when the unit asked the applicant for more
-- documents and when the applicant completed them (null while the request is open).
with items as (
    {{ onestop_list_items('danhsachhosobosung') }}
)

select
    dossier_code,
    item_seq as request_seq,
    item ->> 'HoSoBoSungId' as supplement_id,
    {{ kho_ts("item ->> 'NgayBoSung'") }} as requested_at,
    {{ kho_ts("item ->> 'NgayTiepNhanBoSung'") }} as completed_at,
    coalesce((item ->> 'TrangThaiBoSung') in ('true', '1'), false) as is_completed,
    item ->> 'NoiDungBoSung' as request_text,
    {{ kho_ts("item ->> 'NgayHenTraTruoc'") }} as due_before_at,
    {{ kho_ts("item ->> 'NgayHenTraMoi'") }} as due_after_at,
    batch_id,
    extracted_at,
    validated_at
from items
