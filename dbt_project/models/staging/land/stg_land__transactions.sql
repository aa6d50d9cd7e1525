-- The latest validated version of every land-registration transaction (from the API or an export: rows of batches
-- not yet validated and rows in quarantine left out; then one row per MaGiaoDich: latest NgayCapNhat, then latest
-- extraction), typed. The parties (land user, transferee) leave this model only as keyed pseudonyms.
with latest as (
    {{ latest_validated(source('land', 'transactions'), 'magiaodich') }}
)

select
    magiaodich as transaction_id,
    nullif(mahosomotcua, '') as dossier_code,
    loaigiaodich as transaction_kind,
    maxa as commune_code_as_sent,
    sotobando as map_sheet,
    sothua as parcel_number,
    dientich::numeric as area_m2,
    {{ pseudonymize('chusudung_sogiayto') }} as holder_id_pseudonym,
    {{ pseudonymize(person_name_key('chusudung_hoten')) }} as holder_name_pseudonym,
    {{ pseudonymize('bennhan_sogiayto') }} as transferee_id_pseudonym,
    {{ kho_ts('ngaytiepnhan') }} as received_at,
    {{ kho_ts('ngayhentra') }} as due_at,
    trangthai as status,
    {{ kho_ts('ngayhoanthanh') }} as done_at,
    coalesce(sotiennghiavu::numeric, 0) as obligation_vnd,
    {{ kho_ts('ngaythongbaothue') }} as tax_notice_at,
    {{ kho_ts('ngaynopthue') }} as tax_paid_at,
    noptructuyen = '1' as paid_online,
    {{ kho_ts('ngaycapnhat') }} as source_updated_at,
    case when _source_file is not null then 'export' else 'api' end as arrived_by,
    _batch_id as batch_id,
    _row_num as row_num,
    _extracted_at as extracted_at
from latest
