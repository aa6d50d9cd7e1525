-- One row per marriage register entry (its current version), pseudonymized. A marriage has two subjects: the
-- husband's and wife's birth years are kept; subject_* columns stay empty.
with current_entries as (
    {{ civil_status_current(source('civil_status', 'marriages'), 'KH', [
        'chonghoten', 'kho.parse_vn_date(chongngaysinh)', 'chongsogiaytotuythan', 'chongnoicutru',
        'vohoten', 'kho.parse_vn_date(vongaysinh)', 'vosogiaytotuythan', 'vonoicutru', 'tinhtrangkethon',
        'nychoten', 'nycsogiaytotuythan', 'kho.parse_vn_date(ngaydangky)', 'ghichu']) }}
)

select
    {{ civil_status_entry_key('KH', 'marriages') }},
    coalesce(kho.parse_vn_date(ngayxaclapquanhehonnhan), kho.parse_vn_date(ngaydangky)) as event_date,
    null::int as subject_birth_year,
    null::text as subject_sex,
    null::text as subject_ethnicity,
    null::text as subject_id_pseudonym,
    extract(year from kho.parse_vn_date(chongngaysinh))::int as husband_birth_year,
    extract(year from kho.parse_vn_date(vongaysinh))::int as wife_birth_year,
    {{ civil_status_entry_tail() }}
from current_entries
