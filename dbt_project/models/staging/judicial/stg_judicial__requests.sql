{{ config(materialized="table", schema="staging_restricted") }}
-- The latest validated version of every judicial-record request (rows of batches not yet validated and rows in
-- quarantine left out; then one row per MaYeuCau: latest NgayCapNhat, then latest extraction), typed. The
-- applicant leaves this model only as keyed pseudonyms and a birth year. It keeps has_criminal_record, sensitive
-- personal data (Decree 13/2023): it lives in staging_restricted, which no reader role is granted, and no model
-- outside the restricted schemas selects that column (a test proves no reader role can see it).
with latest as (
    {{ latest_validated(source('judicial', 'requests'), 'mayeucau') }}
)

select
    mayeucau as request_id,
    nullif(mahosomotcua, '') as dossier_code,
    loaiphieu as extract_type,
    mucdichcapphieu as purpose,
    {{ pseudonymize('sogiayto') }} as applicant_id_pseudonym,
    {{ pseudonymize(person_name_key('hovaten')) }} as applicant_name_pseudonym,
    case when ngaysinh ~ '^[0-9]{2}/[0-9]{2}/[0-9]{4}$' then right(ngaysinh, 4)::int end as applicant_birth_year,
    {{ civil_sex('gioitinh') }} as applicant_sex,
    cutrunhieunoi = '1' as lived_in_several_places,
    madonvitiepnhan as unit_code_as_sent,
    {{ kho_ts('ngaytiepnhan') }} as received_at,
    {{ kho_ts('ngayhentra') }} as due_at,
    trangthai as status,
    {{ kho_ts('ngaycap') }} as issued_at,
    sophieu as extract_number,
    case ketqua when 'CO_AN_TICH' then true when 'KHONG_CO_AN_TICH' then false end as has_criminal_record,
    danhsachxacminh as checks,
    {{ kho_ts('ngaycapnhat') }} as source_updated_at,
    _batch_id as batch_id,
    _row_num as row_num,
    _extracted_at as extracted_at
from latest
