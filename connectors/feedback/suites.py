"""Validation suites for the raw feedback items and ratings (one landed batch at a time).

Items: error rules quarantine an item without an id, unit or reception time; a unit in neither the current nor the
convertible pre-2025 unit list nor the province's department register; an outcome outside the code list; a
timestamp that is not yyyyMMddHHmmss; an answer (or its publication) before the item was received; likes or
dislikes that are not whole numbers. Ratings: no id, dossier or time; a level outside 1-3; a timestamp that is not
yyyyMMddHHmmss.
"""

from __future__ import annotations

from expectations.validation import Rule, Suite
from kho.domain.legacy_units import resolvable_unit_codes
from kho.domain.sql_rules import DEPARTMENT_CODE, DVCQG_TS, dvcqg_day

OUTCOMES = ["DA_XU_LY", "TU_CHOI", "YEU_CAU_BO_SUNG", "DANG_XU_LY"]
LEVELS = ["1", "2", "3"]
WHOLE = r"^[0-9]+$"


def _query(select: str, table: str) -> str:
    return (select + f"\nfrom raw_feedback.{table} as t\nwhere t._batch_id = '@BATCH@'\n").replace(
        "{", "{{").replace("}", "}}").replace("@BATCH@", "{batch_id}")


ITEMS_QUERY = _query(f"""
select t._row_num, t.mapakn, t.madonvi, t.ngaytiepnhan, t.ketqua, t.ngayxuly, t.ngaycongkhai, t.sothich,
       t.sokhongthich, t.ngaycapnhat,
       {dvcqg_day("t.ngaytiepnhan")} as received_on,
       case when t.madonvi !~ '{DEPARTMENT_CODE}' then t.madonvi end as unit_outside_register,
       case when t.ngaytiepnhan ~ '{DVCQG_TS}' and (
                 (t.ngayxuly ~ '{DVCQG_TS}' and t.ngayxuly < t.ngaytiepnhan)
                 or (t.ngaycongkhai ~ '{DVCQG_TS}' and t.ngaycongkhai < t.ngaytiepnhan))
           then 'answered before received' end as answered_before_received""", "items")

RATINGS_QUERY = _query(f"""
select t._row_num, t.madanhgia, t.mahoso, t.madonvi, t.mucdo, t.ngaydanhgia, t.ngaycapnhat,
       {dvcqg_day("t.ngaydanhgia")} as rated_on""", "ratings")


def item_rules() -> list[Rule]:
    out = [Rule.not_null(f"{c}_required", c, f"Thiếu {label}", f"{c} missing")
           for c, label in (("mapakn", "mã PAKN"), ("madonvi", "mã đơn vị"), ("ngaytiepnhan", "ngày tiếp nhận"),
                            ("ketqua", "kết quả"))]
    out += [Rule.regex(f"{c}_format", c, DVCQG_TS, f"{c} không đúng định dạng yyyyMMddHHmmss",
                       f"{c} not yyyyMMddHHmmss") for c in ("ngaytiepnhan", "ngayxuly", "ngaycongkhai", "ngaycapnhat")]
    return out + [
        Rule.in_set("unit_code_known", "unit_outside_register", sorted(resolvable_unit_codes()),
                    "Mã đơn vị không thuộc danh mục", "MaDonVi is not a known unit or department code"),
        Rule.in_set("outcome_code_list", "ketqua", OUTCOMES, "Kết quả không thuộc danh mục",
                    "KetQua outside the code list"),
        Rule.null("answered_after_received", "answered_before_received",
                  "Ngày xử lý hoặc công khai trước ngày tiếp nhận", "Answered or published before received"),
        Rule.regex("likes_whole_number", "sothich", WHOLE, "Số lượt thích không phải số nguyên",
                   "SoThich not a whole number"),
        Rule.regex("dislikes_whole_number", "sokhongthich", WHOLE, "Số lượt không thích không phải số nguyên",
                   "SoKhongThich not a whole number"),
    ]


def rating_rules() -> list[Rule]:
    out = [Rule.not_null(f"{c}_required", c, f"Thiếu {label}", f"{c} missing")
           for c, label in (("madanhgia", "mã đánh giá"), ("mahoso", "mã hồ sơ"), ("ngaydanhgia", "ngày đánh giá"))]
    return out + [
        Rule.in_set("level_code_list", "mucdo", LEVELS, "Mức độ hài lòng phải là 1, 2 hoặc 3",
                    "MucDo is not 1, 2 or 3"),
        Rule.regex("rated_at_format", "ngaydanhgia", DVCQG_TS, "Ngày đánh giá không đúng định dạng yyyyMMddHHmmss",
                   "NgayDanhGia not yyyyMMddHHmmss"),
    ]


def items_suite() -> Suite:
    return Suite(name="feedback_items_raw", rules=item_rules(), batch_query=ITEMS_QUERY, key="mapakn",
                 unit="madonvi", date="received_on")


def ratings_suite() -> Suite:
    return Suite(name="feedback_ratings_raw", rules=rating_rules(), batch_query=RATINGS_QUERY, key="madanhgia",
                 unit="madonvi", date="rated_on")
