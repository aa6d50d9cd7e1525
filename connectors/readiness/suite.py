"""Validation suite for raw Plan 02 readiness returns (one landed batch at a time).

Error rules quarantine a return that cannot be placed or trusted: no commune, month or sending time; a month that is
not yyyy-mm, falls before the reform, or was not yet over when the return was sent; a code that is not a commune's
(5 digits), or a commune in neither the current nor the convertible pre-2025 unit list; a figure of a basic
condition left blank; a flag that is not 1/0; a count that is not a whole number; a share that is not a number from
0 to 100; staff totals that do not add up (full-time + part-time = staff); more officials trained, or holding a
digital certificate, than staff. A warn rule records a return sent more than ten days after its month ended (it
still counts).
"""

from __future__ import annotations

from expectations.validation import Rule, Suite
from kho.domain.legacy_units import resolvable_unit_codes
from kho.domain.sql_rules import DVCQG_TS, dvcqg_day

SUITE = "readiness_returns_raw"
PERIOD = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"
WHOLE = r"^[0-9]+$"
SHARE = r"^[0-9]+(\.[0-9]+)?$"
FLAGS = {"truso": "trụ sở Trung tâm", "hoptructuyen": "điểm họp trực tuyến", "phanmemdvc": "phần mềm DVC"}
COUNTS = {"socanbo": "tổng số cán bộ", "socanbochuyentrach": "cán bộ chuyên trách",
          "socanbokiemnhiem": "cán bộ kiêm nhiệm", "socanbodataphuan": "cán bộ đã tập huấn",
          "somaytinh": "số máy tính", "somayquet": "số máy quét", "socanbocochukyso": "cán bộ có chữ ký số"}
SHARES = {"tylesohoa": "tỷ lệ số hóa", "tylehosotructuyen": "tỷ lệ hồ sơ trực tuyến",
          "tyleketquadientu": "tỷ lệ kết quả điện tử"}
# the figures every basic condition is read from (the online shares may be blank: a month without dossiers)
REQUIRED = ("truso", "socanbo", "socanbodataphuan", "somaytinh", "somayquet", "hoptructuyen", "socanbocochukyso",
            "phanmemdvc", "tylesohoa")


def _int(col: str) -> str:
    return f"case when {col} ~ '{WHOLE}' then {col}::bigint end"


def _num(col: str) -> str:
    return f"case when {col} ~ '{SHARE}' then {col}::numeric end"


_PERIOD_START = f"case when kybaocao ~ '{PERIOD}' then (kybaocao || '-01')::date end"
_QUERY = f"""
select _row_num, maxa, kybaocao, ngaycapnhat,
       {", ".join(list(FLAGS) + list(COUNTS) + list(SHARES))},
       coalesce(maxa, '?') || '/' || coalesce(kybaocao, '?') as return_key,
       {_PERIOD_START} as period_start,
       {dvcqg_day("ngaycapnhat")} as sent_on,
       case when {_PERIOD_START} < '2025-07-01' then 'before the reform' end as period_before_reform,
       case when {_PERIOD_START} > date_trunc('month', {dvcqg_day("ngaycapnhat")})
            then 'sent before the month was over' end as period_not_over,
       case when {_int("socanbo")} <> {_int("socanbochuyentrach")} + {_int("socanbokiemnhiem")}
            then 'staff ' || socanbo || ' <> ' || socanbochuyentrach || ' + ' || socanbokiemnhiem end
            as staff_totals,
       case when {_int("socanbodataphuan")} > {_int("socanbo")} then 'trained > staff' end as trained_over_staff,
       case when {_int("socanbocochukyso")} > {_int("socanbo")} then 'certificates > staff' end
            as certificates_over_staff,
       case when {" or ".join(f"{_num(c)} > 100" for c in SHARES)} then 'share above 100' end as share_over_100,
       case when {dvcqg_day("ngaycapnhat")} > ({_PERIOD_START} + interval '1 month' + interval '10 days')::date
            then 'sent late' end as sent_late
from raw_readiness.returns
where _batch_id = '@BATCH@'
"""
# the query goes through str.format(batch_id=...): its own braces (regex counts) are escaped
BATCH_QUERY = _QUERY.replace("{", "{{").replace("}", "}}").replace("@BATCH@", "{batch_id}")


def rules() -> list[Rule]:
    out = [
        Rule.not_null("commune_code_required", "maxa", "Thiếu mã xã (MaXa)", "Commune code missing"),
        Rule.not_null("period_required", "kybaocao", "Thiếu kỳ báo cáo (KyBaoCao)", "Reporting month missing"),
        Rule.not_null("sent_at_required", "ngaycapnhat", "Thiếu ngày cập nhật (NgayCapNhat)", "Sending time missing"),
        Rule.regex("sent_at_format", "ngaycapnhat", DVCQG_TS, "Ngày cập nhật không đúng định dạng yyyyMMddHHmmss",
                   "NgayCapNhat not yyyyMMddHHmmss"),
        Rule.regex("period_format", "kybaocao", PERIOD, "Kỳ báo cáo không đúng định dạng yyyy-mm",
                   "KyBaoCao not yyyy-mm"),
        Rule.null("period_after_reform", "period_before_reform", "Kỳ báo cáo trước ngày sắp xếp đơn vị (07/2025)",
                  "Reporting month before the July 2025 reform"),
        Rule.null("period_over_when_sent", "period_not_over", "Báo cáo cho kỳ chưa kết thúc tại ngày gửi",
                  "Return for a month that was not yet over when it was sent"),
        Rule.regex("commune_level_code", "maxa", r"^[0-9]{5}$", "Mã xã phải là mã đơn vị cấp xã (5 chữ số)",
                   "A return is a commune's: MaXa must be a 5-digit commune code (not a province's)"),
        Rule.in_set("commune_code_known", "maxa", sorted(resolvable_unit_codes()),
                    "Mã xã không thuộc danh mục hiện hành hoặc danh mục trước 2025 chuyển đổi được",
                    "Commune code in neither the current unit list nor the convertible pre-2025 list"),
        Rule.null("staff_totals_add_up", "staff_totals",
                  "Tổng số cán bộ khác số chuyên trách cộng kiêm nhiệm",
                  "Staff total is not full-time plus part-time"),
        Rule.null("trained_within_staff", "trained_over_staff", "Số cán bộ đã tập huấn lớn hơn tổng số cán bộ",
                  "More officials trained than staff"),
        Rule.null("certificates_within_staff", "certificates_over_staff",
                  "Số cán bộ có chữ ký số lớn hơn tổng số cán bộ",
                  "More officials with a digital certificate than staff"),
        Rule.null("share_at_most_100", "share_over_100", "Tỷ lệ (%) lớn hơn 100", "A share (%) above 100"),
        Rule.null("sent_on_time", "sent_late", "Báo cáo gửi quá 10 ngày sau khi kết thúc kỳ",
                  "Return sent more than ten days after its month ended", severity="warn"),
    ]
    out += [Rule.not_null(f"{col}_required", col, f"Thiếu số liệu {col}", f"{col} left blank") for col in REQUIRED]
    out += [Rule.in_set(f"{col}_flag", col, ["0", "1"], f"{label.capitalize()} phải là 1 hoặc 0",
                        f"{col} is neither 1 nor 0") for col, label in FLAGS.items()]
    out += [Rule.regex(f"{col}_whole_number", col, WHOLE, f"{label.capitalize()} không phải số nguyên",
                       f"{col} is not a whole number") for col, label in COUNTS.items()]
    out += [Rule.regex(f"{col}_number", col, SHARE, f"{label.capitalize()} không phải là số",
                       f"{col} is not a number") for col, label in SHARES.items()]
    return out


def suite() -> Suite:
    # a return belongs to the day it was sent (a month it names may be wrong: period_over_when_sent)
    return Suite(name=SUITE, rules=rules(), batch_query=BATCH_QUERY, key="return_key", unit="maxa",
                 date="sent_on")
