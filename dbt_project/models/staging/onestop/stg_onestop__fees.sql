-- One row per fee or charge of a dossier (DanhSachLePhi). Amounts in VND; a non-numeric amount is null.
with items as (
    {{ onestop_list_items('danhsachlephi') }}
)

select
    dossier_code,
    item_seq as fee_seq,
    item ->> 'TenPhiLePhi' as fee_name,
    item ->> 'MaPhiLePhi' as fee_code,
    item ->> 'HinhThucThu' as collection_method_code,
    item ->> 'LoaiPhiLePhi' as fee_type_code,
    case when coalesce(nullif(item ->> 'Gia', ''), '0') ~ '^[0-9]+(\.[0-9]+)?$'
        then coalesce(nullif(item ->> 'Gia', ''), '0')::numeric end as amount_vnd,
    batch_id,
    extracted_at,
    validated_at
from items
