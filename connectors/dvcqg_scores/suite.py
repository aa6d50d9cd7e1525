"""Validation suite for the raw Decision 766 dashboard exports (one landed batch at a time).

Error rules quarantine a row that cannot be set against Kho's figures: no unit, period type, year or total; a unit
that is neither a unit code (current or convertible pre-2025), a department code of the register's shape nor an
agency identifier; a period type other than month/quarter/year (thang/quy/nam); a year that is not yyyy; a period
number that does not fit the type (a month 1-12, a quarter 1-4, none for a year); a total or a group score that is
not a number from 0 to its maximum (100; the groups 18, 20, 12, 22, 18, 10: domain.md §2.1).
"""

from __future__ import annotations

from expectations.validation import Rule, Suite
from kho.domain.agencies import AGENCY_CODE_SQL
from kho.domain.legacy_units import resolvable_unit_codes
from kho.domain.sql_rules import DEPARTMENT_CODE

SUITE = "dvcqg_scores_raw"
PERIOD_TYPES = {"month": "month", "thang": "month", "quarter": "quarter", "quy": "quarter", "half_year": "half_year",
                "nua_nam": "half_year", "year": "year", "nam": "year"}
GROUP_MAX = (18, 20, 12, 22, 18, 10)
NUMBER = r"^[0-9]+([.,][0-9]+)?$"


def _score_problem(column: str, top: int) -> str:
    """SQL: why ``column`` is not a score from 0 to ``top`` (a CASE, so the cast runs only on a number)."""
    return (f"case when {column} is null then null when {column} !~ '{NUMBER}' then 'not a number' "
            f"when replace({column}, ',', '.')::numeric > {top} then 'above {top}' end")


def batch_query() -> str:
    types = ", ".join(f"('{k}', '{v}')" for k, v in PERIOD_TYPES.items())
    groups = ",\n       ".join(_score_problem(f"nhom_{g}", top) + f" as nhom_{g}_problem"
                               for g, top in enumerate(GROUP_MAX, start=1))
    query = f"""
select s._row_num, s.ma_don_vi, s.loai_ky, s.nam, s.ky, s.tong_score,
       coalesce(s.ma_don_vi, '?') || '/' || coalesce(s.loai_ky, '?') || '/' || coalesce(s.nam, '?') || '/'
           || coalesce(s.ky, '') as score_key,
       t.period_type,
       lower(trim(s.loai_ky)) as period_type_as_sent,
       case when s.ma_don_vi ~ '{DEPARTMENT_CODE}' or s.ma_don_vi ~ '{AGENCY_CODE_SQL}' then null
           else s.ma_don_vi end as unit_outside_register,
       case
           when t.period_type = 'year' then case when s.ky is not null then 'a year has no period number' end
           when t.period_type is null then null
           when s.ky is null then 'no period number'
           when s.ky !~ '^[0-9]{{1,2}}$' then 'not a number'
           when s.ky::int not between 1 and case t.period_type when 'month' then 12 when 'quarter' then 4 else 2 end
               then 'out of range'
       end as period_number_problem,
       {_score_problem("s.tong_score", 100)} as total_problem,
       {groups}
from raw_dvcqg_scores.scores as s
left join (values {types}) as t (sent, period_type) on t.sent = lower(trim(s.loai_ky))
where s._batch_id = '@BATCH@'
"""
    return query.replace("{", "{{").replace("}", "}}").replace("@BATCH@", "{batch_id}")


def rules() -> list[Rule]:
    out = [Rule.not_null(f"{col}_required", col, f"Thiếu {label}", f"{col.upper()} missing")
           for col, label in (("ma_don_vi", "mã đơn vị"), ("loai_ky", "loại kỳ"), ("nam", "năm"),
                              ("tong_score", "tổng điểm"))]
    out += [
        Rule.in_set("unit_code_known", "unit_outside_register", sorted(resolvable_unit_codes()),
                    "Mã đơn vị không phải mã đơn vị hành chính, mã sở ngành hay mã định danh cơ quan",
                    "MA_DON_VI is neither a unit code, a department code nor an agency identifier"),
        Rule.in_set("period_type_code_list", "period_type_as_sent", sorted(PERIOD_TYPES),
                    "Loại kỳ phải là month/quarter/year (thang/quy/nam)", "LOAI_KY is not month/quarter/year"),
        Rule.regex("year_format", "nam", r"^20[0-9]{2}$", "Năm không đúng định dạng yyyy", "NAM not yyyy"),
        Rule.null("period_number_fits_type", "period_number_problem", "Kỳ không phù hợp loại kỳ",
                  "KY does not fit LOAI_KY (a month 1-12, a quarter 1-4, none for a year)"),
        Rule.null("total_is_a_score", "total_problem", "Tổng điểm phải là số từ 0 đến 100",
                  "TONG_SCORE is not a number from 0 to 100"),
    ]
    return out + [Rule.null(f"group_{g}_is_a_score", f"nhom_{g}_problem",
                            f"Điểm nhóm {g} phải là số từ 0 đến {top}", f"NHOM_{g} is not a number from 0 to {top}")
                  for g, top in enumerate(GROUP_MAX, start=1)]


def suite() -> Suite:
    return Suite(name=SUITE, rules=rules(), batch_query=batch_query(), key="score_key", unit="ma_don_vi")
