-- One row per birth register entry (its current version), pseudonymized: parents' IDs and the requester's ID and
-- name leave this model only as keyed hashes; the child's name not at all.
with current_entries as (
    {{ civil_status_current(source('civil_status', 'births'), 'KS', [
        'nkshoten', 'nksgioitinh', 'kho.parse_vn_date(nksngaysinh)', 'nksnoisinh', 'nksdantoc', 'sodinhdanh',
        'mehoten', 'kho.parse_vn_date(mengaysinh)', 'mesogiaytotuythan', 'chahoten', 'kho.parse_vn_date(changaysinh)',
        'chasogiaytotuythan', 'nychoten', 'nycsogiaytotuythan', 'kho.parse_vn_date(ngaydangky)', 'ghichu']) }}
)

select
    {{ civil_status_entry_key('KS', 'births') }},
    kho.parse_vn_date(nksngaysinh) as event_date,
    extract(year from kho.parse_vn_date(nksngaysinh))::int as subject_birth_year,
    {{ civil_sex('nksgioitinh') }} as subject_sex,
    nksdantoc as subject_ethnicity,
    {{ pseudonymize('sodinhdanh') }} as subject_id_pseudonym,
    null::int as husband_birth_year,
    null::int as wife_birth_year,
    {{ civil_status_entry_tail() }}
from current_entries
