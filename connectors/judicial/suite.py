"""Validation suite for raw judicial-record requests (one landed batch at a time).

Error rules quarantine a request the system must fix before it can count: no request code or reception date, a date
that is not a yyyyMMddHHmmss moment, an extract issued before the request was received, a check answered before
it was sent, a receiving unit in neither the current nor the convertible pre-2025 unit list, an applicant ID that
cannot be a personal ID, an extract type or status outside the code lists, an extract recorded as issued without
its date. Warn rules record and let the request through: a check sent to an agency outside the known list (police,
the National Centre of Judicial Records, a court).
"""

from __future__ import annotations

from expectations.validation import Rule, Suite
from kho.domain.citizen_ids import citizen_id_regex
from kho.domain.legacy_units import resolvable_unit_codes
from kho.domain.sql_rules import DVCQG_TS, DVCQG_TS_SHAPE, dvcqg_day

SUITE = "judicial_requests_raw"
AGENCIES = ["CONG_AN", "TT_LLTP_QG", "TOA_AN"]  # police, National Centre of Judicial Records, a court
STATUSES = ["DANG_XU_LY", "CHO_XAC_MINH", "DA_CAP", "TU_CHOI"]
SHAPE = "'" + DVCQG_TS_SHAPE + "'"
_AGENCY_LIST = ", ".join(f"'{a}'" for a in AGENCIES)

_QUERY = f"""
select _row_num, mayeucau, mahosomotcua, loaiphieu, trangthai, madonvitiepnhan, sogiayto,
       nullif(ngaytiepnhan, '') as ngaytiepnhan,
       nullif(ngayhentra, '') as ngayhentra,
       nullif(ngaycap, '') as ngaycap,
       case when ngaytiepnhan ~ {SHAPE} and ngaycap ~ {SHAPE} then ngaytiepnhan end as received_ts,
       case when ngaytiepnhan ~ {SHAPE} and ngaycap ~ {SHAPE} then ngaycap end as issued_ts,
       case when trangthai = 'DA_CAP' and nullif(ngaycap, '') is null then 'issued without a date' end
           as issued_without_date,
       case when json_typeof(danhsachxacminh) not in ('array', 'null') then 'DanhSachXacMinh' end as checks_not_a_list,
       c.answered_before_sent, c.unknown_agency,
       {dvcqg_day("ngaytiepnhan")} as received_on
from raw_judicial.requests as r
cross join lateral (
    select string_agg(x ->> 'CoQuan', ', ') filter (
               where x ->> 'NgayGui' ~ {SHAPE} and x ->> 'NgayTraLoi' ~ {SHAPE}
                 and x ->> 'NgayTraLoi' < x ->> 'NgayGui') as answered_before_sent,
           string_agg(x ->> 'CoQuan', ', ') filter (
               where coalesce(x ->> 'CoQuan', '') not in ({_AGENCY_LIST})) as unknown_agency
    from json_array_elements(case when json_typeof(r.danhsachxacminh) = 'array' then r.danhsachxacminh
                                  else '[]'::json end) as x
) as c
where _batch_id = '@BATCH@'
"""
# the query goes through str.format(batch_id=...): its own braces (regex counts) are escaped
BATCH_QUERY = _QUERY.replace("{", "{{").replace("}", "}}").replace("@BATCH@", "{batch_id}")


def rules() -> list[Rule]:
    return [
        Rule.not_null("request_code_required", "mayeucau", "Thiếu mã yêu cầu (MaYeuCau)", "Request code missing"),
        Rule.not_null("received_date_required", "ngaytiepnhan", "Thiếu ngày tiếp nhận (NgayTiepNhan)",
                      "Reception date missing"),
        Rule.regex("received_date_format", "ngaytiepnhan", DVCQG_TS,
                   "Ngày tiếp nhận không đúng định dạng yyyyMMddHHmmss", "Reception date not yyyyMMddHHmmss"),
        Rule.regex("due_date_format", "ngayhentra", DVCQG_TS,
                   "Ngày hẹn trả không đúng định dạng yyyyMMddHHmmss", "Due date not yyyyMMddHHmmss"),
        Rule.regex("issued_date_format", "ngaycap", DVCQG_TS,
                   "Ngày cấp phiếu không đúng định dạng yyyyMMddHHmmss", "Issue date not yyyyMMddHHmmss"),
        Rule.ordered("issued_not_before_received", "issued_ts", "received_ts",
                     "Ngày cấp phiếu trước ngày tiếp nhận yêu cầu", "Extract issued before the request was received"),
        Rule.null("issued_has_date", "issued_without_date", "Trạng thái đã cấp phiếu nhưng thiếu ngày cấp",
                  "Status says issued but the issue date is missing"),
        Rule.null("checks_are_a_list", "checks_not_a_list", "Danh sách xác minh không phải danh sách",
                  "The list of checks (DanhSachXacMinh) is not a list"),
        Rule.null("check_answered_after_sent", "answered_before_sent",
                  "Cơ quan trả lời xác minh trước ngày gửi yêu cầu xác minh",
                  "A check was answered before it was sent"),
        Rule.null("check_agency_known", "unknown_agency",
                  "Cơ quan được gửi xác minh không thuộc danh mục (công an, Trung tâm LLTP quốc gia, tòa án)",
                  "A check went to an agency outside the known list (police, national centre, court)",
                  severity="warn"),
        Rule.in_set("unit_code_known", "madonvitiepnhan", sorted(resolvable_unit_codes()),
                    "Mã đơn vị tiếp nhận không thuộc danh mục hiện hành hoặc danh mục trước 2025 chuyển đổi được",
                    "Receiving unit code in neither the current unit list nor the convertible pre-2025 list"),
        Rule.regex("citizen_id_structure", "sogiayto", citizen_id_regex(),
                   "Số giấy tờ của người yêu cầu sai cấu trúc số định danh cá nhân",
                   "Applicant's ID does not have the personal-ID structure"),
        Rule.in_set("extract_type_code_list", "loaiphieu", ["1", "2"], "Loại phiếu không phải 1 hoặc 2",
                    "Extract type is neither 1 nor 2"),
        Rule.in_set("status_code_list", "trangthai", STATUSES, "Trạng thái yêu cầu không thuộc danh mục",
                    "Request status outside the code list"),
    ]


def suite() -> Suite:
    return Suite(name=SUITE, rules=rules(), batch_query=BATCH_QUERY, key="mayeucau", unit="madonvitiepnhan",
                 date="received_on")
