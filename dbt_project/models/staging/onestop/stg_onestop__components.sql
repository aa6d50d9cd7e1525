-- One row per submitted component of a dossier (TaiLieuNop), with the digitization flags 766 group 4 reads.
with items as (
    {{ onestop_list_items('tailieunop') }}
)

select
    dossier_code,
    item_seq as component_seq,
    item ->> 'TepDinhKemId' as file_id,
    item ->> 'MaThanhPhanHoSo' as component_code,
    item ->> 'TenTepDinhKem' as file_name,
    nullif(item ->> 'DuongDanTaiTepTin', '') is not null as has_file,
    coalesce(item ->> 'IsDeleted', '0') = '1' as is_deleted,
    item ->> 'DuocSoHoa' = '1' as is_digitized,
    item ->> 'DuocTaiSuDung' = '1' as is_reused,
    item ->> 'DuocLayTuKhoDMQG' = '1' as is_from_dvcqg_store,
    nullif(item ->> 'MaKetQuaThayThe', '') as replaced_by_result_code,
    batch_id,
    extracted_at,
    validated_at
from items
