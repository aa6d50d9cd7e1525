-- One row per death register entry (its current version), pseudonymized: the deceased's and the requester's IDs
-- leave this model only as keyed hashes; names not at all (the requester's as a hash, for matching dossiers).
with current_entries as (
    {{ civil_status_current(source('civil_status', 'deaths'), 'KT', [
        'nkthoten', 'nktgioitinh', 'kho.parse_vn_date(nktngaysinh)', 'nktsogiaytotuythan',
        'kho.parse_vn_date(nktngaychet)', 'nktnoichet', 'nktnguyennhanchet', 'nychoten', 'nycsogiaytotuythan',
        'kho.parse_vn_date(ngaydangky)', 'ghichu']) }}
)

select
    registration_key,
    'KT' as record_type,
    'deaths' as source_table,
    _batch_id as batch_id,
    _row_num as row_num,
    _file_unit_code as unit_code,
    quyenso as book,
    so as registration_number,
    kho.parse_vn_date(ngaydangky) as registered_on,
    kho.parse_vn_date(nktngaychet) as event_date,
    extract(year from kho.parse_vn_date(nktngaysinh))::int as subject_birth_year,
    {{ civil_sex('nktgioitinh') }} as subject_sex,
    nktdantoc as subject_ethnicity,
    {{ pseudonymize('nktsogiaytotuythan') }} as subject_id_pseudonym,
    null::int as husband_birth_year,
    null::int as wife_birth_year,
    {{ pseudonymize('nycsogiaytotuythan') }} as requester_id_pseudonym,
    {{ pseudonymize(person_name_key('nychoten')) }} as requester_name_pseudonym,
    version_count,
    first_export_period,
    _file_period as current_export_period
from current_entries
