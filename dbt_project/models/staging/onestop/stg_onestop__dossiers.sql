-- One row per dossier (MaHoSo): the latest validated version, typed and pseudonymized.
-- Rows of batches not yet validated, and rows in quarantine, are left out (base_onestop__latest_dossiers).
with latest as (
    select * from {{ ref('base_onestop__latest_dossiers') }}
)

select
    mahoso as dossier_code,
    {{ procedure_base_code('matthc') }} as procedure_code,
    matthc as procedure_code_as_sent,
    tentthc as procedure_name,
    malinhvuc as field_code,
    madonvixuly as unit_code_as_sent,
    madonvitiepnhan as receiving_unit_code_as_sent,
    case when split_part(mahoso, '-', 1) ~ {{ agency_code_pattern() }}
        then split_part(mahoso, '-', 1) end as receiving_agency_code,
    donvixuly as unit_name_as_sent,
    coalesce(kenhthuchien, '1') as channel_code,
    case kenhthuchien when '2' then 'online' when '3' then 'postal' else 'in_person' end as channel,
    loaidoituong as applicant_type_code,
    {{ pseudonymize('sogiaytochuhoso') }} as owner_id_pseudonym,
    {{ pseudonymize(person_name_key('chuhoso')) }} as owner_name_pseudonym,
    case when loaidoituong = '1' and sogiaytochuhoso ~ '^[0-9]{12}$'
        then left(sogiaytochuhoso, 3) end as owner_id_province_prefix,
    trangthaihoso::int as status_code,
    {{ kho_ts('ngaynophoso') }} as submitted_at,
    {{ kho_ts('ngaytiepnhan') }} as received_at,
    {{ kho_ts('ngayhentra') }} as due_at,
    {{ kho_ts('ngayketthucxuly') }} as finished_at,
    {{ kho_ts('ngaytra') }} as returned_at,
    {{ kho_ts('ngaytuchoi') }} as refused_at,
    {{ kho_ts('ngaycapnhat') }} as source_updated_at,
    duocthanhtoantructuyen in ('1', '2') as is_paid_online,
    exists (
        select 1 from json_array_elements(coalesce(danhsachlephi, '[]'::json)) as fee
        where coalesce(nullif(fee ->> 'Gia', ''), '0') ~ '^[0-9]+(\.[0-9]+)?$'
            and (fee ->> 'Gia')::numeric > 0
    ) as has_fee,
    hosocothanhphansohoa = '1' or exists (
        select 1 from json_array_elements(coalesce(tailieunop, '[]'::json)) as doc
        where doc ->> 'DuocSoHoa' = '1'
    ) as is_digitized,
    taikhoanduocxacthucvoivneid = '1' as is_vneid_authenticated,
    json_array_length(coalesce(danhsachhosobosung, '[]'::json)) as supplement_requests,
    json_array_length(coalesce(danhsachgiaytoketqua, '[]'::json)) > 0 as has_electronic_result,
    trangthaidongbodvc = '1' as is_synced_to_dvcqg,
    {{ kho_ts('ngaydongbodvc') }} as synced_at,
    noinophoso = '1' as is_submitted_on_dvcqg,
    exists (
        select 1 from json_array_elements(coalesce(tailieunop, '[]'::json)) as doc
        where doc ->> 'DuocLayTuKhoDMQG' = '1' and coalesce(doc ->> 'IsDeleted', '0') <> '1'
    ) as uses_dvcqg_store,
    exists (
        select 1 from json_array_elements(coalesce(dsketnoicsdl, '[]'::json)) as link
        where link ->> 'MaCSDL' in ({% for c in var('population_db_codes') %}'{{ c }}'{{ "," if not loop.last }}{% endfor %})
    ) as uses_population_db,
    exists (
        select 1 from json_array_elements(coalesce(danhsachgiaytoketqua, '[]'::json)) as res
        where nullif(res ->> 'DuongDanTepTinKetQua', '') is not null
    ) as has_result_link,
    _batch_id as batch_id,
    _extracted_at as extracted_at,
    _validated_at as validated_at
from latest
