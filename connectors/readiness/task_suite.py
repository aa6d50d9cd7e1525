"""Validation suite for the raw Plan 02 task register (one landed snapshot at a time).

Error rules quarantine a task row that cannot be placed: no task code, status date or deadline; a deadline that is
not yyyy-mm-dd, a status date not yyyyMMddHHmmss; a status outside the code list; an output indicator the warehouse
does not measure (``OUTPUT_INDICATORS``) or a target that is not a share from 0 to 1; a
completion date that is not a date. A warn rule records a task reported done without its completion date.
"""

from __future__ import annotations

from expectations.validation import Rule, Suite
from kho.domain.sql_rules import DVCQG_TS, SHARE_0_1, dvcqg_day

SUITE = "readiness_tasks_raw"
STATUSES = ["CHUA_THUC_HIEN", "DANG_THUC_HIEN", "HOAN_THANH"]
# the output indicators the warehouse measures: the codes of dbt_project/seeds/readiness/plan02_output_indicators.csv
# (a test keeps the two in step)
OUTPUT_INDICATORS = ("plan02_green_share", "online_dossiers", "full_online_dossiers", "electronic_results",
                     "digitized_dossiers", "dossier_sync", "online_payment_dossiers")



def _day(column: str) -> str:
    """SQL: a yyyy-mm-dd ``column`` as a date when it is a real day, else null (braces doubled for str.format)."""
    return (f"case when {column} ~ '^[0-9]{{{{4}}}}-[0-9]{{{{2}}}}-[0-9]{{{{2}}}}$' then kho.valid_date("
            f"substr({column}, 1, 4)::int, substr({column}, 6, 2)::int, substr({column}, 9, 2)::int) end")


_QUERY = """
select _row_num, manhiemvu, nhomnhiemvu, madonvichutri, hanhoanthanh, chisodaura, giatrimuctieu, trangthai,
       ngayhoanthanh, ngaycapnhat,
       case when trangthai = 'HOAN_THANH' and nullif(ngayhoanthanh, '') is null then 'done without a date' end
           as done_without_date,
       {deadline} as deadline,
       {status_on} as status_on,
       case when hanhoanthanh is not null and {deadline} is null then 'not a date' end as deadline_not_a_date,
       case when ngayhoanthanh is not null and {done_on} is null then 'not a date' end as done_on_not_a_date
from raw_readiness.tasks
where _batch_id = '{{batch_id}}'
"""
BATCH_QUERY = _QUERY.format(deadline=_day("hanhoanthanh"), done_on=_day("ngayhoanthanh"),
                            status_on=dvcqg_day("ngaycapnhat").replace("{", "{{").replace("}", "}}"))


def rules() -> list[Rule]:
    return [
        Rule.not_null("task_code_required", "manhiemvu", "Thiếu mã nhiệm vụ (MaNhiemVu)", "Task code missing"),
        Rule.not_null("status_date_required", "ngaycapnhat", "Thiếu ngày cập nhật (NgayCapNhat)",
                      "Status date missing"),
        Rule.not_null("deadline_required", "hanhoanthanh", "Thiếu hạn hoàn thành (HanHoanThanh)", "Deadline missing"),
        Rule.null("deadline_is_a_date", "deadline_not_a_date", "Hạn hoàn thành không phải ngày yyyy-mm-dd",
                  "HanHoanThanh is not a yyyy-mm-dd day"),
        Rule.null("done_date_is_a_date", "done_on_not_a_date", "Ngày hoàn thành không phải ngày yyyy-mm-dd",
                  "NgayHoanThanh is not a yyyy-mm-dd day"),
        Rule.regex("status_date_format", "ngaycapnhat", DVCQG_TS, "Ngày cập nhật không đúng định dạng "
                   "yyyyMMddHHmmss", "NgayCapNhat not yyyyMMddHHmmss"),
        Rule.in_set("status_code_list", "trangthai", STATUSES, "Trạng thái nhiệm vụ không thuộc danh mục",
                    "Task status outside the code list"),
        Rule.in_set("output_indicator_known", "chisodaura", list(OUTPUT_INDICATORS),
                    "Chỉ số đầu ra không thuộc danh mục Kho đo được",
                    "Output indicator not among those Kho measures (plan02_output_indicators)"),
        Rule.regex("target_is_a_share", "giatrimuctieu", SHARE_0_1, "Giá trị mục tiêu phải là tỷ lệ từ 0 đến 1",
                   "Target is not a share from 0 to 1"),
        Rule.null("done_has_a_date", "done_without_date", "Nhiệm vụ báo hoàn thành nhưng thiếu ngày hoàn thành",
                  "Task reported done without its completion date", severity="warn"),
    ]


def suite() -> Suite:
    # a task row belongs to the day of its status (not its deadline, which may lie months ahead)
    return Suite(name=SUITE, rules=rules(), batch_query=BATCH_QUERY, key="manhiemvu", unit="madonvichutri",
                 date="status_on")
