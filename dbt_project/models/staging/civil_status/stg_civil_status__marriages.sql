-- One row per marriage register entry (its current version), pseudonymized. A marriage has two subjects: the
-- husband's and wife's birth years are kept; subject_* columns stay empty.
with current_entries as (
    {{ civil_status_current(source('civil_status', 'marriages'), 'KH', [
        'chonghoten', 'kho.parse_vn_date(chongngaysinh)', 'chongsogiaytotuythan', 'chongnoicutru',
        'vohoten', 'kho.parse_vn_date(vongaysinh)', 'vosogiaytotuythan', 'vonoicutru', 'tinhtrangkethon',
        'nychoten', 'nycsogiaytotuythan', 'kho.parse_vn_date(ngaydangky)', 'ghichu']) }}
)

select
    registration_key,
    'KH' as record_type,
    'marriages' as source_table,
    _batch_id as batch_id,
    _row_num as row_num,
    _file_unit_code as unit_code,
    quyenso as book,
    so as registration_number,
    kho.parse_vn_date(ngaydangky) as registered_on,
    coalesce(kho.parse_vn_date(ngayxaclapquanhehonnhan), kho.parse_vn_date(ngaydangky)) as event_date,
    null::int as subject_birth_year,
    null::text as subject_sex,
    null::text as subject_ethnicity,
    null::text as subject_id_pseudonym,
    extract(year from kho.parse_vn_date(chongngaysinh))::int as husband_birth_year,
    extract(year from kho.parse_vn_date(vongaysinh))::int as wife_birth_year,
    {{ pseudonymize('nycsogiaytotuythan') }} as requester_id_pseudonym,
    {{ pseudonymize(person_name_key('nychoten')) }} as requester_name_pseudonym,
    version_count,
    first_export_period,
    _file_period as current_export_period
from current_entries
