"""Validation suite for the raw annual targets the province assigns its units (one landed file at a time).

Error rules quarantine a target that cannot be placed: no year, unit, scope, indicator, target or issue time; a year
that is not yyyy; a unit in neither the current nor the convertible pre-2025 unit list nor the province's department
register (as landed: the register's files are read before the targets'); a scope other than TINH (the
province's default for all its units) or DON_VI (a unit's own); an indicator that is not a Decision 766 share Kho
computes; a target that is not a share from 0 to 1; an issue time that is not yyyyMMddHHmmss.
"""

from __future__ import annotations

from expectations.validation import Rule, Suite
from kho.domain.indicators_766 import SHARE_INDICATORS
from kho.domain.legacy_units import resolvable_unit_codes
from kho.domain.sql_rules import DEPARTMENT_CODE, DVCQG_TS, SHARE_0_1, dvcqg_day

SUITE = "readiness_targets_raw"
SCOPES = ["TINH", "DON_VI"]

BATCH_QUERY = f"""
select t._row_num, t.namkehoach, t.madonvi, t.phamvi, t.chiso, t.giatrimuctieu, t.ngaycapnhat,
       coalesce(t.madonvi, '?') || '/' || coalesce(t.chiso, '?') || '/' || coalesce(t.namkehoach, '?') as target_key,
       {dvcqg_day("t.ngaycapnhat")} as issued_on,
       -- a department's code is known when the register holds it; any other code is checked against the unit lists
       case when not exists (select 1 from raw_readiness.departments as d
                             where d.madonvi = t.madonvi and d.madonvi ~ '{DEPARTMENT_CODE}')
           then t.madonvi end as unit_outside_register
from raw_readiness.targets as t
where t._batch_id = '@BATCH@'
""".replace("{", "{{").replace("}", "}}").replace("@BATCH@", "{batch_id}")


def rules() -> list[Rule]:
    out = [Rule.not_null(f"{col}_required", col, f"Thiếu {label}", f"{col} missing")
           for col, label in (("namkehoach", "năm kế hoạch"), ("madonvi", "mã đơn vị"), ("phamvi", "phạm vi"),
                              ("chiso", "chỉ số"), ("giatrimuctieu", "giá trị mục tiêu"),
                              ("ngaycapnhat", "ngày cập nhật"))]
    return out + [
        Rule.regex("year_format", "namkehoach", r"^20[0-9]{2}$", "Năm kế hoạch không đúng định dạng yyyy",
                   "NamKeHoach not yyyy"),
        Rule.in_set("unit_code_known", "unit_outside_register", sorted(resolvable_unit_codes()),
                    "Mã đơn vị không thuộc danh mục hiện hành, danh mục trước 2025 chuyển đổi được hay danh mục "
                    "sở, ngành của tỉnh", "Unit code in neither the current unit list, the convertible pre-2025 "
                    "list nor the province's department register"),
        Rule.in_set("scope_code_list", "phamvi", SCOPES, "Phạm vi phải là TINH hoặc DON_VI",
                    "Scope is neither TINH nor DON_VI"),
        Rule.in_set("indicator_known", "chiso", list(SHARE_INDICATORS),
                    "Chỉ số không thuộc các chỉ số tỷ lệ của Quyết định 766 mà Kho tính",
                    "Indicator is not a Decision 766 share Kho computes"),
        Rule.regex("target_is_a_share", "giatrimuctieu", SHARE_0_1, "Giá trị mục tiêu phải là tỷ lệ từ 0 đến 1",
                   "Target is not a share from 0 to 1"),
        Rule.regex("issued_at_format", "ngaycapnhat", DVCQG_TS, "Ngày cập nhật không đúng định dạng yyyyMMddHHmmss",
                   "NgayCapNhat not yyyyMMddHHmmss"),
    ]


def suite() -> Suite:
    return Suite(name=SUITE, rules=rules(), batch_query=BATCH_QUERY, key="target_key", unit="madonvi",
                 date="issued_on")  # a target belongs to the day it was issued (its year may lie ahead)
