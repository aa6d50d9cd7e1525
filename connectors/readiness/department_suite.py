"""Validation suite for the raw department register the province issues (one landed batch of files at a time).

Error rules quarantine a register row that cannot make a unit: no code, name, level, parent, agency identifier or
issue time; a code that is not ``<province code>.<ABBREVIATION>`` of a current province; a level other than
SO_NGANH (a department or agency of the provincial People's Committee) or TRUC_THUOC (a unit under a department);
a parent that does not fit the level (a department's parent is its province, a unit's parent a department of the
register); an agency identifier that is not NNN.NN.NN.XNN, or whose level-1 part is not a People's Committee of the
unit's province (H56 is Thanh Hóa); an identifier that the same file gives to two units (dossiers received under it
could land on either); an issue time that is not yyyyMMddHHmmss.
"""

from __future__ import annotations

from expectations.validation import Rule, Suite
from kho.domain.agencies import AGENCY_CODE_SQL, h_code_current_provinces
from kho.domain.sql_rules import DEPARTMENT_CODE, DVCQG_TS, dvcqg_day
from kho.domain.units import load_units

SUITE = "readiness_departments_raw"
LEVELS = ["SO_NGANH", "TRUC_THUOC"]


def _h_code_pairs() -> str:
    """SQL VALUES of (level-1 code, current province) for every H code (braces doubled for str.format)."""
    pairs = sorted((h, p) for h, provinces in h_code_current_provinces().items() for p in provinces)
    return ", ".join(f"('{h}', '{p}')" for h, p in pairs)


def batch_query() -> str:
    query = f"""
select d._row_num, d.madonvi, d.tendonvi, d.capdonvi, d.madonvicha, d.madinhdanh, d.ngaycapnhat,
       left(d.madonvi, 2) as code_province,
       {dvcqg_day("d.ngaycapnhat")} as issued_on,
       case
           when d.capdonvi = 'SO_NGANH' and d.madonvicha is distinct from left(d.madonvi, 2)
               then 'a department''s parent is its province'
           when d.capdonvi = 'TRUC_THUOC' and not exists (
                   select 1 from raw_readiness.departments as p
                   where p.madonvi = d.madonvicha and p.capdonvi = 'SO_NGANH' and p.madonvi <> d.madonvi
                       and left(p.madonvi, 2) = left(d.madonvi, 2))
               then 'a unit''s parent is a department of the register'
       end as parent_problem,
       case when d.madinhdanh ~ '{AGENCY_CODE_SQL}' and not exists (
                   select 1 from (values {_h_code_pairs()}) as h (level1_code, province_code)
                   where h.level1_code = split_part(d.madinhdanh, '.', 4) and h.province_code = left(d.madonvi, 2))
           then 'not an identifier of the province' end as agency_of_other_province,
       case when exists (
                   select 1 from raw_readiness.departments as o
                   where o._batch_id = d._batch_id and o._source_file is not distinct from d._source_file
                       and o.madinhdanh = d.madinhdanh and o.madonvi is distinct from d.madonvi)
           then 'given to two units' end as agency_code_shared
from raw_readiness.departments as d
where d._batch_id = '@BATCH@'
"""
    return query.replace("{", "{{").replace("}", "}}").replace("@BATCH@", "{batch_id}")


def rules() -> list[Rule]:
    out = [Rule.not_null(f"{col}_required", col, f"Thiếu {label}", f"{col} missing")
           for col, label in (("madonvi", "mã đơn vị"), ("tendonvi", "tên đơn vị"), ("capdonvi", "cấp đơn vị"),
                              ("madonvicha", "mã đơn vị cha"), ("madinhdanh", "mã định danh"),
                              ("ngaycapnhat", "ngày cập nhật"))]
    provinces = sorted(u.code for u in load_units() if u.level == "province")
    return out + [
        Rule.regex("department_code_format", "madonvi", DEPARTMENT_CODE,
                   "Mã đơn vị phải là mã tỉnh, dấu chấm và chữ viết tắt (ví dụ 38.STP)",
                   "MaDonVi is not <province code>.<ABBREVIATION> (e.g. 38.STP)"),
        Rule.in_set("department_province_known", "code_province", provinces,
                    "Mã đơn vị không bắt đầu bằng mã một tỉnh hiện hành",
                    "MaDonVi does not start with a current province's code"),
        Rule.in_set("level_code_list", "capdonvi", LEVELS, "Cấp đơn vị phải là SO_NGANH hoặc TRUC_THUOC",
                    "CapDonVi is neither SO_NGANH nor TRUC_THUOC"),
        Rule.null("parent_fits_level", "parent_problem",
                  "Đơn vị cha không phù hợp: sở, ngành thuộc tỉnh; đơn vị trực thuộc thuộc một sở trong danh mục",
                  "MaDonViCha does not fit the level: a department's parent is its province, a unit's parent a "
                  "department of the register"),
        Rule.regex("agency_code_format", "madinhdanh", AGENCY_CODE_SQL,
                   "Mã định danh không đúng dạng NNN.NN.NN.XNN (Quyết định 20/2020/QĐ-TTg)",
                   "MaDinhDanh is not NNN.NN.NN.XNN (Decision 20/2020)"),
        Rule.null("agency_code_of_the_province", "agency_of_other_province",
                  "Mã định danh không thuộc Ủy ban nhân dân tỉnh của đơn vị",
                  "MaDinhDanh's level-1 code is not the People's Committee of the unit's province"),
        Rule.null("agency_code_once", "agency_code_shared", "Một mã định danh được gán cho hai đơn vị trong cùng tệp",
                  "The same file gives one MaDinhDanh to two units"),
        Rule.regex("issued_at_format", "ngaycapnhat", DVCQG_TS, "Ngày cập nhật không đúng định dạng yyyyMMddHHmmss",
                   "NgayCapNhat not yyyyMMddHHmmss"),
    ]


def suite() -> Suite:
    # a register row belongs to its province (the register is the province's) and to the day it was issued
    return Suite(name=SUITE, rules=rules(), batch_query=batch_query(), key="madonvi", unit="code_province",
                 date="issued_on")
