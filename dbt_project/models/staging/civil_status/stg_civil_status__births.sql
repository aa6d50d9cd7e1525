-- One row per birth register entry (its current version), pseudonymized: parents' IDs and the requester's ID and
-- name leave this model only as keyed hashes; the child's name not at all.
with current_entries as (
    {{ civil_status_current(source('civil_status', 'births'), 'KS', [
        'nkshoten', 'nksgioitinh', 'kho.parse_vn_date(nksngaysinh)', 'nksnoisinh', 'nksdantoc', 'sodinhdanh',
        'mehoten', 'kho.parse_vn_date(mengaysinh)', 'mesogiaytotuythan', 'chahoten', 'kho.parse_vn_date(changaysinh)',
        'chasogiaytotuythan', 'nychoten', 'nycsogiaytotuythan', 'kho.parse_vn_date(ngaydangky)', 'ghichu']) }}
)

select
    registration_key,
    'KS' as record_type,
    'births' as source_table,
    _batch_id as batch_id,
    _row_num as row_num,
    _file_unit_code as unit_code,
    quyenso as book,
    so as registration_number,
    kho.parse_vn_date(ngaydangky) as registered_on,
    kho.parse_vn_date(nksngaysinh) as event_date,
    extract(year from kho.parse_vn_date(nksngaysinh))::int as subject_birth_year,
    {{ civil_sex('nksgioitinh') }} as subject_sex,
    nksdantoc as subject_ethnicity,
    {{ pseudonymize('sodinhdanh') }} as subject_id_pseudonym,
    null::int as husband_birth_year,
    null::int as wife_birth_year,
    {{ pseudonymize('nycsogiaytotuythan') }} as requester_id_pseudonym,
    {{ pseudonymize(person_name_key('nychoten')) }} as requester_name_pseudonym,
    version_count,
    first_export_period,
    _file_period as current_export_period
from current_entries
