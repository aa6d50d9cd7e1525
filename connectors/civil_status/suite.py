"""Validation suites for civil-status registers: ``births`` (KS), ``deaths`` (KT), ``marriages`` (KH).

Error rules quarantine an entry the register must fix before it can count: a missing required field, a date that
is not a date, dates out of order (born after the registration, died before being born), a commune code that is
not a current unit, an ID that cannot be a personal ID. Warn rules record and let the entry through: an ID whose
century/sex digit or year digits do not fit the person (the ID, the sex or the birth date is wrong; the population
check tells which), a requester ID outside the structure. Each entry is keyed ``commune/type/book/number``; the
same key twice is not a defect here (a correction is sent as the entry again), staging reads versions.
"""

from __future__ import annotations

from connectors.civil_status.schema import CHECKED_PEOPLE, KIND_OF, STREAM_OF
from expectations.validation import Rule, Suite
from kho.domain.citizen_ids import citizen_id_regex, inconsistency_sql
from kho.domain.sql_rules import registration_key
from kho.domain.units import unit_codes

# each checked person (schema.CHECKED_PEOPLE): Vietnamese label and sex as SQL (known from the role, or read)
LABEL = {"me": "mẹ", "cha": "cha", "nkt": "người chết", "chong": "chồng", "vo": "vợ"}
FEMALE = {"me": "true", "cha": "false", "nkt": "case nktgioitinh when 'Nữ' then true when 'Nam' then false end",
          "chong": "false", "vo": "true"}
PEOPLE = {kind: tuple((p, LABEL[p], FEMALE[p]) for p in prefixes) for kind, prefixes in CHECKED_PEOPLE.items()}
REQUIRED = {
    "KS": (("nkshoten", "họ tên người được khai sinh"), ("nksgioitinh", "giới tính người được khai sinh"),
           ("nksngaysinh", "ngày sinh người được khai sinh")),
    "KT": (("nkthoten", "họ tên người chết"), ("nktngaychet", "ngày chết")),
    "KH": (("chonghoten", "họ tên chồng"), ("vohoten", "họ tên vợ"), ("chongngaysinh", "ngày sinh chồng"),
           ("vongaysinh", "ngày sinh vợ")),
}
SEX_VALUES = ["Nam", "Nữ"]


def _dates(kind: str) -> list[str]:
    cols = ["ngaydangky"] + [f"{p}ngaysinh" for p, _, _ in PEOPLE[kind]]
    if kind == "KS":
        cols += ["nksngaysinh"]
    if kind == "KT":
        cols += ["nktngaychet"]
    return cols


def batch_query(kind: str) -> str:
    stream = STREAM_OF[kind]
    parsed = ", ".join(f"kho.parse_vn_date({c}) as {c}_d" for c in _dates(kind))
    unreadable = ", ".join(f"case when nullif({c}, '') is not null and kho.parse_vn_date({c}) is null then {c} end "
                           f"as {c}_unreadable" for c in _dates(kind))
    ids = ", ".join(
        f"{p}sogiaytotuythan, {inconsistency_sql(f'{p}sogiaytotuythan', f'kho.parse_vn_date({p}ngaysinh)', female)}"
        f" as {p}_id_inconsistent" for p, _, female in PEOPLE[kind])
    required = ", ".join(c for c, _ in REQUIRED[kind])
    extra = ", nktgioitinh" if kind == "KT" else ""
    return (f"select _row_num, {registration_key(kind)} as registration_key, _file_unit_code, so, quyenso, "
            f"ngaydangky, nycsogiaytotuythan, {required}{extra}, {parsed}, {unreadable}, {ids} "
            f"from raw_civil_status.{stream} where _batch_id = '{{batch_id}}'")


def rules(kind: str) -> list[Rule]:
    out = [
        Rule.not_null("registration_number_required", "so", "Thiếu số đăng ký", "Registration number missing"),
        Rule.not_null("book_required", "quyenso", "Thiếu quyển số", "Register book missing"),
        Rule.not_null("registration_date_required", "ngaydangky", "Thiếu ngày đăng ký", "Registration date missing"),
        Rule.in_set("unit_code_known", "_file_unit_code", sorted(unit_codes()),
                    "Mã xã/phường trên tên tệp không thuộc danh mục đơn vị hành chính hiện hành",
                    "The commune code in the file name is not a current unit"),
        Rule.regex("requester_id_structure", "nycsogiaytotuythan", citizen_id_regex(),
                   "Số giấy tờ của người yêu cầu sai cấu trúc số định danh cá nhân",
                   "Requester's ID does not have the personal-ID structure", severity="warn"),
    ]
    for col, label in REQUIRED[kind]:
        out.append(Rule.not_null(f"{col}_required", col, f"Thiếu {label}", f"Required field {col} missing"))
    for col in _dates(kind):
        out.append(Rule.null(f"{col}_readable", f"{col}_unreadable", f"Ngày không hợp lệ ở cột {col}",
                             f"{col} is not a date"))
    for prefix, label, _ in PEOPLE[kind]:
        out += [
            Rule.regex(f"{prefix}_id_structure", f"{prefix}sogiaytotuythan", citizen_id_regex(),
                       f"Số định danh cá nhân của {label} sai cấu trúc (12 số, mã tỉnh nơi đăng ký khai sinh)",
                       f"{prefix}: ID does not have the 12-digit structure"),
            Rule.null(f"{prefix}_id_consistent", f"{prefix}_id_inconsistent",
                      f"Số định danh của {label} không khớp giới tính/năm sinh (chữ số thứ 4, thứ 5-6)",
                      f"{prefix}: ID digit 4 or 5-6 does not fit sex and birth year", severity="warn"),
            Rule.ordered(f"{prefix}_born_before_registration", "ngaydangky_d", f"{prefix}ngaysinh_d",
                         f"Ngày sinh của {label} sau ngày đăng ký", f"{prefix}: born after the registration date"),
        ]
    if kind == "KS":
        out += [
            Rule.in_set("child_sex_code_list", "nksgioitinh", SEX_VALUES, "Giới tính không phải Nam/Nữ",
                        "Sex is neither Nam nor Nữ"),
            Rule.ordered("child_born_before_registration", "ngaydangky_d", "nksngaysinh_d",
                         "Ngày sinh sau ngày đăng ký khai sinh", "Born after the birth registration date"),
        ]
    if kind == "KT":
        out += [
            Rule.in_set("deceased_sex_code_list", "nktgioitinh", SEX_VALUES, "Giới tính không phải Nam/Nữ",
                        "Sex is neither Nam nor Nữ"),
            Rule.ordered("death_after_birth", "nktngaychet_d", "nktngaysinh_d", "Ngày chết trước ngày sinh",
                         "Died before being born"),
            Rule.ordered("death_before_registration", "ngaydangky_d", "nktngaychet_d",
                         "Ngày chết sau ngày đăng ký khai tử", "Death date after the death registration date"),
        ]
    return out


def suite(stream: str) -> Suite:
    kind = KIND_OF[stream]
    return Suite(name=f"civil_status_{stream}_raw", rules=rules(kind), batch_query=batch_query(kind),
                 key="registration_key", unit="_file_unit_code", date="ngaydangky_d")


SUITES = {stream: (lambda s=stream: suite(s)) for stream in STREAM_OF.values()}
