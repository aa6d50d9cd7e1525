-- One row per death register entry (its current version), pseudonymized: the deceased's and the requester's IDs
-- leave this model only as keyed hashes; names not at all (the requester's as a hash, for matching dossiers).
with current_entries as (
    {{ civil_status_current(source('civil_status', 'deaths'), 'KT', [
        'nkthoten', 'nktgioitinh', 'kho.parse_vn_date(nktngaysinh)', 'nktsogiaytotuythan',
        'kho.parse_vn_date(nktngaychet)', 'nktnoichet', 'nktnguyennhanchet', 'nychoten', 'nycsogiaytotuythan',
        'kho.parse_vn_date(ngaydangky)', 'ghichu']) }}
)

select
    {{ civil_status_entry_key('KT', 'deaths') }},
    kho.parse_vn_date(nktngaychet) as event_date,
    extract(year from kho.parse_vn_date(nktngaysinh))::int as subject_birth_year,
    {{ civil_sex('nktgioitinh') }} as subject_sex,
    nktdantoc as subject_ethnicity,
    {{ pseudonymize('nktsogiaytotuythan') }} as subject_id_pseudonym,
    null::int as husband_birth_year,
    null::int as wife_birth_year,
    {{ civil_status_entry_tail() }}
from current_entries
