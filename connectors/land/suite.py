"""Validation suite for raw land-registration transactions (one landed batch at a time).

Error rules quarantine a transaction the land system must fix before it can count: no transaction code or reception
date; a date that is not a yyyyMMddHHmmss moment; completed before received; the tax paid before its notice; a
parcel commune in neither the current nor the convertible pre-2025 unit list; a kind or status outside the code
lists; an area or amount that is not a number. Warn rules record and let it through: a party's ID outside the
personal-ID structure (an organisation's tax code is legitimate), a completed transaction with an unpaid
obligation.
"""

from __future__ import annotations

from expectations.validation import Rule, Suite
from kho.domain.citizen_ids import citizen_id_regex
from kho.domain.legacy_units import resolvable_unit_codes
from kho.domain.sql_rules import DVCQG_TS, DVCQG_TS_SHAPE, dvcqg_day

SUITE = "land_transactions_raw"
KINDS = ["DANG_KY_LAN_DAU", "CHUYEN_NHUONG", "THE_CHAP", "BIEN_DONG"]
STATUSES = ["DANG_XU_LY", "CHO_NGHIA_VU_TAI_CHINH", "HOAN_THANH", "TRA_LAI"]
SHAPE = "'" + DVCQG_TS_SHAPE + "'"
NUMBER = r"^[0-9]+(\.[0-9]+)?$"

_QUERY = f"""
select _row_num, magiaodich, loaigiaodich, trangthai, maxa, dientich, sotiennghiavu, noptructuyen,
       chusudung_sogiayto, bennhan_sogiayto,
       nullif(ngaytiepnhan, '') as ngaytiepnhan,
       nullif(ngayhentra, '') as ngayhentra,
       nullif(ngayhoanthanh, '') as ngayhoanthanh,
       nullif(ngaythongbaothue, '') as ngaythongbaothue,
       nullif(ngaynopthue, '') as ngaynopthue,
       case when ngaytiepnhan ~ {SHAPE} and ngayhoanthanh ~ {SHAPE} then ngaytiepnhan end as received_ts,
       case when ngaytiepnhan ~ {SHAPE} and ngayhoanthanh ~ {SHAPE} then ngayhoanthanh end as done_ts,
       case when ngaythongbaothue ~ {SHAPE} and ngaynopthue ~ {SHAPE} then ngaythongbaothue end as notice_ts,
       case when ngaythongbaothue ~ {SHAPE} and ngaynopthue ~ {SHAPE} then ngaynopthue end as paid_ts,
       case when trangthai = 'HOAN_THANH' and sotiennghiavu ~ '^[1-9]' and nullif(ngaynopthue, '') is null
            then 'completed with the obligation unpaid' end as completed_unpaid,
       {dvcqg_day("ngaytiepnhan")} as received_on
from raw_land.transactions
where _batch_id = '@BATCH@'
"""
# the query goes through str.format(batch_id=...): its own braces (regex counts) are escaped
BATCH_QUERY = _QUERY.replace("{", "{{").replace("}", "}}").replace("@BATCH@", "{batch_id}")


def rules() -> list[Rule]:
    out = [
        Rule.not_null("transaction_code_required", "magiaodich", "Thiếu mã giao dịch (MaGiaoDich)",
                      "Transaction code missing"),
        Rule.not_null("received_date_required", "ngaytiepnhan", "Thiếu ngày tiếp nhận (NgayTiepNhan)",
                      "Reception date missing"),
        Rule.ordered("done_not_before_received", "done_ts", "received_ts",
                     "Ngày hoàn thành trước ngày tiếp nhận", "Completed before it was received"),
        Rule.ordered("tax_paid_after_notice", "paid_ts", "notice_ts",
                     "Ngày nộp nghĩa vụ tài chính trước ngày thông báo thuế", "Tax paid before the tax notice"),
        Rule.in_set("commune_code_known", "maxa", sorted(resolvable_unit_codes()),
                    "Mã xã của thửa đất không thuộc danh mục hiện hành hoặc danh mục trước 2025 chuyển đổi được",
                    "Parcel commune code in neither the current unit list nor the convertible pre-2025 list"),
        Rule.in_set("kind_code_list", "loaigiaodich", KINDS, "Loại giao dịch không thuộc danh mục",
                    "Transaction kind outside the code list"),
        Rule.in_set("status_code_list", "trangthai", STATUSES, "Trạng thái giao dịch không thuộc danh mục",
                    "Transaction status outside the code list"),
        Rule.regex("area_is_a_number", "dientich", NUMBER, "Diện tích không phải là số (m²)",
                   "Area is not a number (m²)"),
        Rule.regex("amount_is_a_number", "sotiennghiavu", NUMBER, "Số tiền nghĩa vụ tài chính không phải là số",
                   "Financial obligation amount is not a number"),
        Rule.in_set("paid_online_code_list", "noptructuyen", ["0", "1"], "Nộp trực tuyến phải là 0 hoặc 1",
                    "Paid-online flag is neither 0 nor 1"),
        Rule.null("completed_obligation_paid", "completed_unpaid",
                  "Giao dịch đã hoàn thành nhưng chưa ghi nhận nộp nghĩa vụ tài chính",
                  "Completed although the financial obligation is not recorded as paid", severity="warn"),
    ]
    for col in ("ngaytiepnhan", "ngayhentra", "ngayhoanthanh", "ngaythongbaothue", "ngaynopthue"):
        out.append(Rule.regex(f"{col}_format", col, DVCQG_TS, f"Ngày ở cột {col} không đúng định dạng "
                              "yyyyMMddHHmmss", f"{col} not yyyyMMddHHmmss"))
    for col, label in (("chusudung_sogiayto", "người sử dụng đất"), ("bennhan_sogiayto", "bên nhận chuyển nhượng")):
        out.append(Rule.regex(f"{col}_structure", col, citizen_id_regex(),
                              f"Số giấy tờ của {label} không theo cấu trúc số định danh cá nhân",
                              f"{col}: not the personal-ID structure (an organisation's tax code is legitimate)",
                              severity="warn"))
    return out


def suite() -> Suite:
    return Suite(name=SUITE, rules=rules(), batch_query=BATCH_QUERY, key="magiaodich", unit="maxa",
                 date="received_on")
