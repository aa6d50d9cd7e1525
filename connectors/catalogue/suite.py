"""Validation suite for the raw procedure records (one landed batch at a time).

Error rules quarantine a record the 766 indicators cannot read: no code, name or change time; a code that is not a
national base code D.NNNNNN; an online level, state or payment flag outside its code list; a fee or processing time
that is not a whole number; a change time that is not yyyyMMddHHmmss; applied units or decisions that are not a JSON
list; a decision without a yyyyMMddHHmmss decision date or legal-basis effective date, or with a public date in
another shape. A warn rule records and lets through a procedure made public before its decision was signed.
"""

from __future__ import annotations

from expectations.validation import Rule, Suite
from kho.domain.sql_rules import DVCQG_TS, dvcqg_day

SUITE = "catalogue_procedures_raw"
LEVELS = ["FULL", "PARTIAL", "NONE"]
STATES = ["PUBLISHED", "REVOKED"]
WHOLE = r"^[0-9]+$"
BASE_CODE = r"^[0-9]\.[0-9]{6}$"

_QUERY = f"""
select t._row_num, t.code, t.name, t.state, t.onlineservicelevel, t.paymentintegrated, t.feevnd, t.processingdays,
       t.updatedat,
       t.publishingdepartmentids::json ->> 0 as publisher,
       {dvcqg_day("t.updatedat")} as updated_on,
       case when json_typeof(t.applieddepartmentids) is distinct from 'array' then 'not a list'
            end as applied_units_not_list,
       case when json_typeof(t.decisions) is distinct from 'array' then 'not a list' end as decisions_not_list,
       (select min(e ->> 'number') from json_array_elements(
            case when json_typeof(t.decisions) = 'array' then t.decisions end) as e
        where coalesce(e ->> 'decisionDate', '') !~ '{DVCQG_TS}'
            or coalesce(e ->> 'legalBasisEffectiveDate', '') !~ '{DVCQG_TS}'
            or coalesce(e ->> 'publicDate', '20000101000000') !~ '{DVCQG_TS}') as decision_without_dates,
       (select min(e ->> 'number') from json_array_elements(
            case when json_typeof(t.decisions) = 'array' then t.decisions end) as e
        where e ->> 'publicDate' ~ '{DVCQG_TS}' and e ->> 'decisionDate' ~ '{DVCQG_TS}'
            and e ->> 'publicDate' < e ->> 'decisionDate') as public_before_decision
from raw_catalogue.procedures as t
where t._batch_id = '@BATCH@'
"""
# the query goes through str.format(batch_id=...): its own braces (regex counts) are escaped
BATCH_QUERY = _QUERY.replace("{", "{{").replace("}", "}}").replace("@BATCH@", "{batch_id}")


def rules() -> list[Rule]:
    out = [Rule.not_null(f"{c}_required", c, f"Thiếu {label}", f"{c} missing")
           for c, label in (("code", "mã thủ tục"), ("name", "tên thủ tục"), ("updatedat", "ngày cập nhật"))]
    return out + [
        Rule.regex("procedure_code_format", "code", BASE_CODE, "Mã thủ tục không đúng dạng D.NNNNNN",
                   "code is not a national base code D.NNNNNN"),
        Rule.in_set("online_level_code_list", "onlineservicelevel", LEVELS,
                    "Mức độ DVCTT không thuộc danh mục (FULL, PARTIAL, NONE)",
                    "onlineServiceLevel outside FULL, PARTIAL, NONE"),
        Rule.in_set("state_code_list", "state", STATES, "Trạng thái không thuộc danh mục",
                    "state outside PUBLISHED, REVOKED"),
        Rule.in_set("payment_flag", "paymentintegrated", ["true", "false"],
                    "Tích hợp thanh toán phải là true hoặc false", "paymentIntegrated is not true or false"),
        Rule.regex("fee_whole_number", "feevnd", WHOLE, "Lệ phí không phải số nguyên", "feeVnd not a whole number"),
        Rule.regex("processing_days_whole_number", "processingdays", WHOLE,
                   "Thời hạn giải quyết không phải số nguyên", "processingDays not a whole number"),
        Rule.regex("updated_at_format", "updatedat", DVCQG_TS, "Ngày cập nhật không đúng định dạng yyyyMMddHHmmss",
                   "updatedAt not yyyyMMddHHmmss"),
        Rule.null("applied_units_list", "applied_units_not_list", "Đơn vị áp dụng không phải danh sách",
                  "appliedDepartmentIds is not a JSON list"),
        Rule.null("decisions_list", "decisions_not_list", "Quyết định công bố không phải danh sách",
                  "decisions is not a JSON list"),
        Rule.null("decision_dates_format", "decision_without_dates",
                  "Quyết định công bố thiếu ngày quyết định hoặc ngày hiệu lực, hoặc sai định dạng yyyyMMddHHmmss",
                  "a decision without a yyyyMMddHHmmss decisionDate or legalBasisEffectiveDate, or a malformed "
                  "publicDate"),
        Rule.null("made_public_after_decision", "public_before_decision",
                  "Công khai trước ngày ký quyết định công bố", "made public before its decision was signed",
                  severity="warn"),
    ]


def suite() -> Suite:
    return Suite(name=SUITE, rules=rules(), batch_query=BATCH_QUERY, key="code", unit="publisher",
                 date="updated_on")
