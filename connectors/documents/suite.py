"""Validation suites for landed document messages: ``edocs`` (documents) and ``status_events`` (handling status).

Error rules quarantine a message (it cannot be placed: no document id, an agency code that is not one, a number or
date that cannot be read). Warn rules record without quarantining, so that the marts still count the document:
an unsigned document must stay in the signature rate, a mis-noted one in the handling figures. Number sequences
(gaps and duplicates per agency and year) need every batch, so dbt checks them (``document_number_issues``).
"""

from __future__ import annotations

from expectations.validation import Rule, Suite
from kho.domain.agencies import AGENCY_CODE_SQL
from kho.domain.document_types import ABBREVIATIONS, CODE_NUMBER, DOCUMENT_TYPES, NOTATION
from kho.domain.sql_rules import EDXML_DATE, EDXML_TS

DATE_SLASH = EDXML_DATE
TS_SLASH = EDXML_TS
STATUS_CODES = ["01", "02", "03", "04", "05", "06", "13", "15", "16"]
BUSINESS_TYPES = ["0", "1", "2", "3"]


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _expected_prefix_sql() -> str:
    whens = " ".join(f"when {_quote(t.name)} then {_quote(t.abbreviation)}" for t in DOCUMENT_TYPES if t.abbreviation)
    return f"case type_name {whens} end"


_DATE = DATE_SLASH.replace("{", "{{").replace("}", "}}")  # the query goes through str.format (its {batch_id})
EDOCS_QUERY = f"""
select _row_num, message_id, document_id, from_organ_id, code_number, code_notation, type_name, has_signature,
       business_doc_type,
       nullif(promulgation_date, '') as promulgation_date,
       nullif(due_date, '') as due_date,
       case when promulgation_date ~ '{_DATE}' and due_date ~ '{_DATE}' then promulgation_date end
           as promulgated_on,
       case when promulgation_date ~ '{_DATE}' and due_date ~ '{_DATE}' then due_date end as due_on,
       case
           when type_name not in ({", ".join(_quote(t.name) for t in DOCUMENT_TYPES)}) then null
           when expected_prefix is null
               and notation_prefix in ({", ".join(_quote(a) for a in sorted(ABBREVIATIONS))})
               then 'official letter notation starts with a type abbreviation'
           when expected_prefix is not null and notation_prefix is distinct from expected_prefix
               then 'expected ' || expected_prefix || ', found ' || notation_prefix
       end as notation_type_problem,
       case when document_id is not null and from_organ_id is not null and promulgation_date ~ '{_DATE}'
                 and document_id <> from_organ_id || ',' || promulgation_date || ',' || code_number || '/'
                                      || code_notation
            then document_id end as inconsistent_document_id
from (
    select *, split_part(code_notation, '-', 1) as notation_prefix, {_expected_prefix_sql()} as expected_prefix
    from raw_documents.edocs where _batch_id = '{{batch_id}}'
) as e
"""

STATUS_QUERY = """
select _row_num, message_id, document_id, from_organ_id, status_code, nullif(status_timestamp, '') as status_timestamp
from raw_documents.status_events where _batch_id = '{batch_id}'
"""


def edocs_rules() -> list[Rule]:
    return [
        Rule.not_null("document_id_required", "document_id", "Thiếu mã văn bản (DocumentId)", "DocumentId missing"),
        Rule.unique("message_unique_in_batch", "message_id", "Một thông điệp xuất hiện hai lần trong lô",
                    "The same message twice in one batch"),
        Rule.not_null("sender_required", "from_organ_id", "Thiếu mã định danh cơ quan gửi (From/OrganId)",
                      "Sender agency code (From/OrganId) missing"),
        Rule.regex("sender_code_format", "from_organ_id", AGENCY_CODE_SQL,
                   "Mã định danh cơ quan gửi sai cấu trúc NNN.NN.NN.XNN (QĐ 20/2020/QĐ-TTg)",
                   "Sender agency code not in the NNN.NN.NN.XNN format (Decision 20/2020)"),
        Rule.regex("code_number_format", "code_number", CODE_NUMBER, "Số văn bản phải là chữ số",
                   "Document number is not a number"),
        Rule.not_null("promulgation_date_required", "promulgation_date", "Thiếu ngày ban hành",
                      "Promulgation date missing"),
        Rule.regex("promulgation_date_format", "promulgation_date", DATE_SLASH,
                   "Ngày ban hành không đúng định dạng yyyy/MM/dd", "Promulgation date not yyyy/MM/dd"),
        Rule.regex("due_date_format", "due_date", DATE_SLASH, "Hạn xử lý không đúng định dạng yyyy/MM/dd",
                   "Due date not yyyy/MM/dd", severity="warn"),
        Rule.ordered("due_not_before_promulgation", "due_on", "promulgated_on",
                     "Hạn xử lý trước ngày ban hành", "Due date before the promulgation date", severity="warn"),
        Rule.regex("notation_format", "code_notation", NOTATION,
                   "Ký hiệu văn bản sai định dạng (nhóm chữ in hoa nối bằng dấu -, NĐ 30/2020)",
                   "Notation not in the Decree 30/2020 format (upper-case groups joined by -)", severity="warn"),
        Rule.null("notation_type_abbreviation", "notation_type_problem",
                  "Chữ viết tắt tên loại văn bản trong ký hiệu không khớp loại văn bản (phân biệt hoa thường: "
                  "HĐ ≠ HD)", "Type abbreviation in the notation does not match the document type (case matters)",
                  severity="warn"),
        Rule.in_set("document_type_known", "type_name", [t.name for t in DOCUMENT_TYPES],
                    "Tên loại văn bản không thuộc Phụ lục III NĐ 30/2020", "Type name outside Decree 30/2020 App. III",
                    severity="warn"),
        Rule.in_set("business_type_code_list", "business_doc_type", BUSINESS_TYPES,
                    "Loại nghiệp vụ (BussinessDocType) không thuộc 0-3", "BussinessDocType outside 0-3"),
        Rule.in_set("signature_present", "has_signature", ["1"],
                    "Văn bản điện tử không có chữ ký số", "Electronic document without a digital signature",
                    severity="warn"),
        Rule.null("document_id_consistent", "inconsistent_document_id",
                  "Mã văn bản (DocumentId) không khớp cơ quan gửi, ngày ban hành, số và ký hiệu",
                  "DocumentId does not match sender, promulgation date, number and notation", severity="warn"),
    ]


def status_rules() -> list[Rule]:
    return [
        Rule.not_null("document_id_required", "document_id", "Thiếu mã văn bản được cập nhật trạng thái",
                      "Status message names no document (ResponseFor/DocumentId)"),
        Rule.unique("message_unique_in_batch", "message_id", "Một thông điệp xuất hiện hai lần trong lô",
                    "The same message twice in one batch"),
        Rule.regex("sender_code_format", "from_organ_id", AGENCY_CODE_SQL,
                   "Mã định danh cơ quan gửi sai cấu trúc NNN.NN.NN.XNN", "Sender agency code not NNN.NN.NN.XNN"),
        Rule.not_null("status_time_required", "status_timestamp", "Thiếu thời điểm trạng thái", "Status time missing"),
        Rule.regex("status_time_format", "status_timestamp", TS_SLASH,
                   "Thời điểm trạng thái không đúng định dạng yyyy/MM/dd HH:mm:ss",
                   "Status time not yyyy/MM/dd HH:mm:ss"),
        Rule.in_set("status_code_list", "status_code", STATUS_CODES,
                    "Mã trạng thái ngoài danh mục đã biết (01-06, 13, 15, 16)",
                    "Status code outside the known list (01-06, 13, 15, 16)", severity="warn"),
    ]


def _day(column: str) -> str:
    """The day of an edXML date or timestamp (yyyy/MM/dd…), null when unreadable."""
    return f"kho.parse_vn_date(replace(left({column}, 10), '/', '-'))"


SUITES = {
    "edocs": lambda: Suite(name="documents_edocs_raw", rules=edocs_rules(), batch_query=EDOCS_QUERY,
                           key="message_id", unit="from_organ_id", date=_day("promulgation_date")),
    "status_events": lambda: Suite(name="documents_status_events_raw", rules=status_rules(),
                                   batch_query=STATUS_QUERY, key="message_id", unit="from_organ_id",
                                   date=_day("status_timestamp")),
}
