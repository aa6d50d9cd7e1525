-- One row per step of a dossier's processing history (QuaTrinhXuLy), latest validated version of the dossier.
-- The handler's name is pseudonymized; title and department are kept.
with items as (
    {{ onestop_list_items('quatrinhxuly') }}
)

select
    dossier_code,
    item_seq as step_seq,
    case when (item ->> 'TrangThai') ~ '^[0-9]{1,2}$' then (item ->> 'TrangThai')::int end as status_code,
    {{ kho_ts("item ->> 'ThoiDiemXuLy'") }} as step_at,
    item ->> 'NoiDungXuLy' as step_text,
    {{ pseudonymize("item ->> 'NguoiXuLy'") }} as handler_pseudonym,
    item ->> 'ChucDanh' as handler_title,
    item ->> 'PhongBanXuLy' as department_name,
    {{ kho_ts("item ->> 'NgayBatDau'") }} as step_started_at,
    {{ kho_ts("item ->> 'NgayKetThucTheoQuyDinh'") }} as step_due_at,
    batch_id,
    extracted_at,
    validated_at
from items
