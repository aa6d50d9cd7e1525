-- One row per result document of a dossier (DanhSachGiayToKetQua): the electronic results handed back.
with items as (
    {{ onestop_list_items('danhsachgiaytoketqua') }}
)

select
    dossier_code,
    item_seq as result_seq,
    item ->> 'TenGiayTo' as document_name,
    item ->> 'MaThanhPhanHoSo' as component_code,
    item ->> 'GiayToId' as document_id,
    item ->> 'MaGiayToKetQua' as result_code,
    nullif(item ->> 'DuongDanTepTinKetQua', '') as result_file_url,
    batch_id,
    extracted_at,
    validated_at
from items
