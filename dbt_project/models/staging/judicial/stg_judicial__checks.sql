-- One row per check a judicial-record request sent to another agency (DanhSachXacMinh): the agency, when it was
-- sent and when it answered. The answer itself (KetQuaXacMinh: whether the agency holds anything on the person) is
-- sensitive and is not read here.
select
    r.request_id,
    x.ordinality as check_no,
    x.value ->> 'CoQuan' as agency_code,
    {{ kho_ts("(x.value ->> 'NgayGui')") }} as sent_at,
    {{ kho_ts("(x.value ->> 'NgayTraLoi')") }} as answered_at
from {{ ref('stg_judicial__requests') }} as r
cross join lateral json_array_elements(
    case when json_typeof(r.checks) = 'array' then r.checks else '[]'::json end
) with ordinality as x (value, ordinality)
