"""Validation suite for raw one-stop dossiers (one landed batch at a time).

Each rule is written once as a pair: the GX expectation that judges the batch, and the SQL predicate that finds
the failing rows by key so they can be quarantined (GX caps the failing values it returns). A test holds the two
to the same counts. Rules run over ``BATCH_QUERY``, which normalizes empty strings of optional fields to NULL and
derives the few columns the rules need, without changing the raw data.
"""

from __future__ import annotations

from connectors.onestop.schema import NESTED_FIELDS
from expectations.validation import Rule, Suite
from kho.domain.agencies import AGENCY_CODE_SQL
from kho.domain.citizen_ids import citizen_id_regex
from kho.domain.legacy_units import resolvable_unit_codes
from kho.domain.sql_rules import DVCQG_TS, DVCQG_TS_SHAPE, dvcqg_day

SUITE = "onestop_dossiers_raw"
KEY = "mahoso"
UNIT = "madonvixuly"

TS14 = DVCQG_TS
_SHAPE = DVCQG_TS_SHAPE.replace("{", "{{").replace("}", "}}")  # the query goes through str.format
CITIZEN_ID = citizen_id_regex()
PROCEDURE_CODE = r"^[0-9]\.[0-9]{6}(\.[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2})?$"
CHANNELS = ["1", "2", "3"]
STATUSES = [str(i) for i in range(1, 11)]
NESTED_COLUMNS = [f.lower() for f in NESTED_FIELDS]

BATCH_QUERY = """
select _row_num, mahoso, matthc, kenhthuchien, trangthaihoso, madonvixuly, madonvitiepnhan, ngaytiepnhan,
       ngayhentra, ngayketthucxuly, citizen_id, received_ts, finished_ts, due_if_accepted, receiving_agency_code,
       -- the same code on different dossiers (another reception, procedure or owner); two versions of one dossier
       -- in a batch (it changed while the window was read) are not a duplicate: staging keeps the latest. More
       -- than one case identity under a code is its least and greatest differing: one window, one sort by code
       case when mahoso is not null and min(case_identity) over same_code <> max(case_identity) over same_code
            then mahoso end as code_on_different_dossiers,
       list_fields_not_lists, ended_without_history, history_contradicts_status
from (
    select _row_num, mahoso, matthc, kenhthuchien, trangthaihoso, madonvixuly, madonvitiepnhan,
           nullif(ngaytiepnhan, '') as ngaytiepnhan,
           nullif(ngayhentra, '') as ngayhentra,
           nullif(ngayketthucxuly, '') as ngayketthucxuly,
           case when loaidoituong = '1' then sogiaytochuhoso end as citizen_id,
           case when ngaytiepnhan ~ {ts_shape} and ngayketthucxuly ~ {ts_shape}
                then ngaytiepnhan end as received_ts,
           case when ngaytiepnhan ~ {ts_shape} and ngayketthucxuly ~ {ts_shape}
                then ngayketthucxuly end as finished_ts,
           case when trangthaihoso in ('1', '3') then 'n/a' else nullif(ngayhentra, '') end as due_if_accepted,
           split_part(mahoso, '-', 1) as receiving_agency_code,
           md5(concat_ws('|', coalesce(ngaytiepnhan, '-'), coalesce(matthc, '-'), coalesce(chuhoso, '-'),
                         coalesce(sogiaytochuhoso, '-'))) as case_identity,
           -- list fields retyped at the source (a string or an object where a list belongs) cannot be modelled
           nullif(concat_ws(', ', {nested_checks}), '') as list_fields_not_lists,
           case when trangthaihoso in ('3', '7', '8', '9', '10') and h.steps = 0
                then 'ended without a processing history' end as ended_without_history,
           case when h.steps > 0 and trangthaihoso in ('9', '10') and not h.has_finish
                    then 'the history never reaches processed or returned'
                when h.steps > 0 and trangthaihoso in ('1', '2', '4', '5', '6') and h.has_finish
                    then 'the history is finished, the dossier open' end as history_contradicts_status
    from raw_onestop.dossiers as d
    cross join lateral (
        select count(*) as steps, coalesce(bool_or(s ->> 'TrangThai' in ('9', '10')), false) as has_finish
        from json_array_elements(case when json_typeof(d.quatrinhxuly) = 'array' then d.quatrinhxuly
                                      else '[]'::json end) as s
    ) as h
    where _batch_id = '{batch_id}'
    -- not flattened: every column is computed here, so the window's sort moves these narrow rows, not the raw rows
    -- with their lists (1M dossiers: 0.2 GB of temporary files against 1.4 GB when two ranks sorted the raw rows)
    offset 0
) as b
window same_code as (partition by mahoso)
"""


def _nested_checks() -> str:
    """One term per list field of the contract: its name when it holds JSON that is not a list."""
    return ", ".join(f"case when json_typeof({c}) not in ('array', 'null') then '{c}' end" for c in NESTED_COLUMNS)


def rules() -> list[Rule]:
    units = sorted(resolvable_unit_codes())
    return [
        Rule.not_null("mahoso_required", "mahoso", "Thiếu mã hồ sơ (MaHoSo)", "Dossier code missing"),
        Rule.not_null("received_date_required", "ngaytiepnhan", "Thiếu ngày tiếp nhận (NgayTiepNhan)",
                      "Reception date missing"),
        Rule.not_null("procedure_code_required", "matthc", "Thiếu mã thủ tục (MaTTHC)", "Procedure code missing"),
        Rule.not_null("status_required", "trangthaihoso", "Thiếu trạng thái hồ sơ", "Status missing"),
        Rule.null("list_fields_are_lists", "list_fields_not_lists",
                  "Trường danh sách (QuaTrinhXuLy, TaiLieuNop, …) không phải là danh sách JSON",
                  "A list field (QuaTrinhXuLy, TaiLieuNop, …) is not a JSON list"),
        Rule.null("mahoso_unique_in_batch", "code_on_different_dossiers",
                  "Mã hồ sơ bị trùng: hai hồ sơ khác nhau cùng một mã", "Same dossier code on different dossiers"),
        Rule.in_set("channel_code_list", "kenhthuchien", CHANNELS,
                    "Kênh thực hiện không thuộc danh mục (1, 2, 3)", "Channel outside the code list 1-3"),
        Rule.in_set("status_code_list", "trangthaihoso", STATUSES,
                    "Trạng thái hồ sơ không thuộc danh mục (1-10)", "Status outside the code list 1-10"),
        Rule.in_set("unit_code_known", "madonvixuly", units,
                    "Mã đơn vị xử lý không có trong danh mục đơn vị hành chính (hiện hành hoặc trước 01/7/2025)",
                    "Processing unit code in neither the current unit list nor the convertible pre-2025 list"),
        Rule.in_set("receiving_unit_code_known", "madonvitiepnhan", units,
                    "Mã đơn vị tiếp nhận không có trong danh mục đơn vị hành chính (hiện hành hoặc trước 01/7/2025)",
                    "Receiving unit code in neither the current unit list nor the convertible pre-2025 list"),
        Rule.regex("citizen_id_structure", "citizen_id", CITIZEN_ID,
                   "Số định danh cá nhân sai cấu trúc (12 số, mã tỉnh nơi đăng ký khai sinh)",
                   "Citizen ID does not have the 12-digit structure"),
        Rule.regex("procedure_code_format", "matthc", PROCEDURE_CODE,
                   "Mã thủ tục không đúng định dạng D.NNNNNN", "Procedure code not in the D.NNNNNN format"),
        Rule.regex("received_date_format", "ngaytiepnhan", TS14,
                   "Ngày tiếp nhận không đúng định dạng yyyyMMddHHmmss", "Reception date not yyyyMMddHHmmss"),
        Rule.regex("due_date_format", "ngayhentra", TS14,
                   "Ngày hẹn trả không đúng định dạng yyyyMMddHHmmss", "Due date not yyyyMMddHHmmss"),
        Rule.regex("finished_date_format", "ngayketthucxuly", TS14,
                   "Ngày kết thúc xử lý không đúng định dạng yyyyMMddHHmmss", "End date not yyyyMMddHHmmss"),
        Rule.ordered("finished_not_before_received", "finished_ts", "received_ts",
                     "Ngày kết thúc xử lý trước ngày tiếp nhận", "Processing ends before reception"),
        Rule.regex("agency_code_format", "receiving_agency_code", AGENCY_CODE_SQL,
                   "Mã hồ sơ không bắt đầu bằng mã định danh cơ quan tiếp nhận (NNN.NN.NN.XNN)",
                   "Dossier code does not start with the receiving agency's identifier code (NNN.NN.NN.XNN)",
                   severity="warn"),
        Rule.not_null("due_date_present", "due_if_accepted",
                      "Hồ sơ đã tiếp nhận nhưng thiếu ngày hẹn trả (sẽ dùng thời hạn theo quy định)",
                      "Accepted dossier without a due date (the statutory time is used instead)",
                      severity="warn"),
        Rule.null("ended_with_history", "ended_without_history",
                  "Hồ sơ đã kết thúc nhưng không có quá trình xử lý (QuaTrinhXuLy): đúng hạn được đánh giá theo "
                  "trạng thái và các ngày của hồ sơ",
                  "Ended dossier without a processing history (QuaTrinhXuLy): judged on time from the dossier's "
                  "status and dates", severity="warn"),
        Rule.null("history_agrees_with_status", "history_contradicts_status",
                  "Quá trình xử lý mâu thuẫn với trạng thái hồ sơ (đã xong mà quá trình chưa xong, hoặc ngược lại)",
                  "The processing history contradicts the dossier's status (finished without a finishing step, or "
                  "the reverse)", severity="warn"),
    ]


# the day of reception (NgayTiepNhan, yyyyMMddHHmmss) when it is one
RECEIVED_ON = dvcqg_day("ngaytiepnhan")


def suite() -> Suite:
    return Suite(name=SUITE, rules=rules(), batch_query=BATCH_QUERY.replace("{nested_checks}", _nested_checks())
                 .replace("{ts_shape}", f"'{_SHAPE}'"),
                 key=KEY, unit=UNIT, date=RECEIVED_ON)
