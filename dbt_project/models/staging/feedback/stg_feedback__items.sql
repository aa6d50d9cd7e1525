-- Citizens' feedback (PAKN): the latest validated version of every item, typed. The sender leaves this model only
-- as keyed pseudonyms of the name and the phone number; the title, which may quote the sender, stays in the raw
-- schema.
with latest as (
    {{ latest_validated(source('feedback', 'items'), 'mapakn') }}
)

select
    mapakn as feedback_id,
    madonvi as unit_code_as_sent,
    nullif(mahoso, '') as dossier_code,
    loaipakn as feedback_kind,
    {{ pseudonymize(person_name_key('nguoigui')) }} as sender_name_pseudonym,
    {{ pseudonymize('sodienthoai') }} as sender_phone_pseudonym,
    {{ kho_ts('ngaytiepnhan') }} as received_at,
    ketqua as outcome,
    {{ kho_ts('ngayxuly') }} as answered_at,
    {{ kho_ts('ngaycongkhai') }} as published_at,
    coalesce(sothich::int, 0) as likes,
    coalesce(sokhongthich::int, 0) as dislikes,
    laplai = '1' as is_repeated,
    {{ kho_ts('ngaycapnhat') }} as source_updated_at,
    _batch_id as batch_id,
    _row_num as row_num,
    _extracted_at as extracted_at
from latest
