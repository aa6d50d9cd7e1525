-- One row per dossier (MaHoSo): the latest validated version, typed and pseudonymized. Its list fields are staged
-- one row per element (stg_onestop__components, _fees, …) and summed up per dossier in int_onestop__dossier_lists.
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
    hosocothanhphansohoa = '1' as is_flagged_digitized,
    taikhoanduocxacthucvoivneid = '1' as is_vneid_authenticated,
    trangthaidongbodvc = '1' as is_synced_to_dvcqg,
    {{ kho_ts('ngaydongbodvc') }} as synced_at,
    noinophoso = '1' as is_submitted_on_dvcqg,
    _batch_id as batch_id,
    _extracted_at as extracted_at,
    _validated_at as validated_at
from latest
