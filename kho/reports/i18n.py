"""Words and number formats of the reports, Vietnamese and English (numbers and dates through Babel's CLDR data)."""

from __future__ import annotations

from datetime import date, datetime

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

LANGS = ("vi", "en")
LOCALES = {"vi": "vi_VN", "en": "en_GB"}

SOURCES = {
    "vi": {"onestop": "Hồ sơ một cửa", "documents": "Văn bản điện tử", "civil_status": "Hộ tịch",
           "judicial": "Lý lịch tư pháp", "land": "Đất đai",
           "readiness": "Kế hoạch 02 (báo cáo điều kiện)"},
    "en": {"onestop": "One-stop dossiers", "documents": "Official documents", "civil_status": "Civil status",
           "judicial": "Judicial records", "land": "Land registration", "readiness": "Plan 02 readiness"},
}
# the national and external links of national_link_health
LINKS = {
    "vi": {"population": "CSDL quốc gia về dân cư (xác thực số định danh)", "judicial": "Hệ thống lý lịch tư pháp",
           "land": "Hệ thống đăng ký đất đai", "onestop": "Hệ thống một cửa điện tử (API)",
           "documents": "Trục liên thông văn bản", "dvcqg_sync": "Đồng bộ hồ sơ lên Cổng DVCQG"},
    "en": {"population": "National population database (ID checks)", "judicial": "Judicial-record system",
           "land": "Land registration system", "onestop": "One-stop system (API)", "documents": "Document axis",
           "dvcqg_sync": "Dossier sync to the National Public Service Portal"},
}

STREAMS = {
    "vi": {"dossiers": "hồ sơ", "edocs": "văn bản", "status_events": "trạng thái văn bản", "births": "khai sinh",
           "deaths": "khai tử", "marriages": "kết hôn", "requests": "yêu cầu", "transactions": "giao dịch",
           "returns": "báo cáo", "tasks": "nhiệm vụ"},
    "en": {"dossiers": "dossier", "edocs": "document", "status_events": "document status", "births": "birth",
           "deaths": "death", "marriages": "marriage", "requests": "request", "transactions": "transaction",
           "returns": "return", "tasks": "task"},
}

LABELS = {
    "vi": {
        "title_unit": "Báo cáo chất lượng dữ liệu",
        "title_overview": "Tổng quan chất lượng dữ liệu toàn tỉnh",
        "period": "Kỳ báo cáo",
        "month_of": "Tháng {month}",
        "generated": "Lập lúc",
        "score": "Điểm chất lượng",
        "score_note": "100 × (1 − (bản ghi có lỗi + 0,25 × bản ghi chỉ có cảnh báo) / bản ghi được kiểm tra)",
        "rank": "Xếp hạng trong tỉnh",
        "rank_of": "{rank}/{total}",
        "change": "So với tháng trước",
        "no_previous": "chưa có tháng trước",
        "records_checked": "Bản ghi được kiểm tra",
        "records_clean": "Bản ghi đạt",
        "records_errors": "Bản ghi có lỗi (bị giữ lại)",
        "records_warnings": "Bản ghi chỉ có cảnh báo",
        "trend": "Diễn biến 12 tháng",
        "trend_score": "Điểm chất lượng",
        "trend_errors": "Tỷ lệ bản ghi có lỗi",
        "breakdown": "Lỗi theo quy tắc trong tháng",
        "rules": "Kết quả theo quy tắc",
        "rule": "Quy tắc",
        "source": "Nguồn",
        "severity": "Mức độ",
        "error": "Lỗi",
        "warn": "Cảnh báo",
        "checked": "Kiểm tra",
        "failed": "Vi phạm",
        "rate": "Tỷ lệ",
        "examples": "Ví dụ",
        "no_failures": "Không có bản ghi nào vi phạm quy tắc trong tháng này.",
        "no_records": "Không nhận được bản ghi nào của đơn vị trong tháng này.",
        "freshness": "Tính kịp thời và đầy đủ",
        "records": "Bản ghi",
        "missing_days": "Ngày làm việc không có dữ liệu",
        "last_record": "Bản ghi gần nhất",
        "days_behind": "Chậm so với nguồn (ngày)",
        "late_syncs": "Đồng bộ DVCQG trễ (>24 giờ) hoặc chưa đồng bộ",
        "to_fix": "Bản ghi cần sửa",
        "to_fix_note": "Sửa các bản ghi dưới đây trên hệ thống nguồn; bản ghi có lỗi chưa được đưa vào kho cho đến khi "
                       "được sửa. Danh sách đầy đủ: tệp CSV kèm theo.",
        "shown_of": "Hiển thị {shown} trên {total} vi phạm.",
        "key": "Mã bản ghi",
        "date": "Ngày",
        "no_key": "(không có mã)",
        "what_to_fix": "Cần sửa",
        "ranking": "Xếp hạng đơn vị",
        "unit": "Đơn vị",
        "units": "Số đơn vị",
        "attention": "Đơn vị cần chú ý (điểm thấp nhất)",
        "distribution": "Phân bố điểm chất lượng",
        "province_rules": "Quy tắc bị vi phạm nhiều nhất toàn tỉnh",
        "province_freshness": "Đơn vị thiếu dữ liệu nhiều ngày nhất",
        "link_health": "Kết nối với các hệ thống quốc gia (30 ngày gần nhất)",
        "link_system": "Hệ thống",
        "link_calls": "Lượt gọi",
        "link_failures": "Lỗi",
        "link_timeouts": "Quá thời gian chờ",
        "link_server_errors": "Lỗi máy chủ (5xx)",
        "link_p95": "Độ trễ p95 (ms)",
        "link_outages": "Số lần gián đoạn",
        "link_outage_minutes": "Thời gian gián đoạn (phút)",
        "link_pending": "Việc còn chờ",
        "unattributed": "Bản ghi không xác định được đơn vị (mã đơn vị không có trong danh mục)",
        "unit_reports": "Báo cáo từng đơn vị",
        "privacy": "Báo cáo không chứa họ tên hay số định danh cá nhân; bản ghi được nêu bằng mã trên hệ thống nguồn.",
        "s766_title": "Bảng xếp hạng chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766)",
        "s766_computable": "Kho tính được {computable}/100 điểm (các nhóm chưa có nguồn dữ liệu để trống). Điểm quy "
                           "đổi thang 100 = tổng điểm / điểm tối đa tính được × 100; dưới {urgent} điểm: cần xử lý "
                           "ngay, từ {urgent} đến dưới {watch}: cần theo dõi.",
        "s766_province_score": "Điểm của tỉnh (thang 100)",
        "s766_units": "Đơn vị được xếp hạng",
        "s766_band_urgent": "Dưới {urgent} điểm: cần xử lý ngay",
        "s766_band_watch": "{urgent}–{watch} điểm: cần theo dõi",
        "s766_trend": "Điểm của tỉnh 12 tháng gần nhất (thang 100)",
        "s766_score_100": "Điểm (thang 100)",
        "s766_points": "Tổng điểm",
        "s766_lowest_departments": "5 sở, ngành điểm thấp nhất",
        "s766_lowest_communes": "5 xã, phường điểm thấp nhất",
        "s766_ranking": "Xếp hạng theo tổng điểm và theo nhóm",
        "s766_group": "Nhóm",
        "s766_group_1": "Công khai, minh bạch", "s766_group_2": "Tiến độ giải quyết",
        "s766_group_3": "Dịch vụ công trực tuyến", "s766_group_4": "Số hóa hồ sơ", "s766_group_5": "Mức độ hài lòng",
        "s766_group_6": "Thanh toán trực tuyến",
        "s766_urgent": "Cần xử lý ngay", "s766_watch": "Cần theo dõi", "s766_good": "Đạt",
        "s766_none": "Không có đơn vị nào.",
        "766_mail_subject": "[Kho] Bản tin chỉ số 766 tuần {week} (số liệu {figures_month}) — {unit}",
        "766_mail_body": "Kính gửi {unit},\n\nĐiểm chỉ số 766 của tỉnh {figures_month}: {score}/100 (thang quy "
                         "đổi; Kho tính được {computable}/100 điểm).\nĐơn vị cần xử lý ngay (dưới 80 điểm): {urgent}; "
                         "cần theo dõi (80–90 điểm): {watch}.\nĐiểm thấp nhất:\n{lowest}\n\nBảng xếp hạng đầy đủ "
                         "trong tệp đính kèm.\n\nTrân trọng,\nKho",
        "plan02_mail_subject": "[Kho] Báo cáo mức độ sẵn sàng Kế hoạch 02 tháng {month} — {unit}",
        "plan02_mail_body": "Kính gửi {unit},\n\nKho gửi báo cáo mức độ sẵn sàng theo Kế hoạch 02-KH/BCĐTW "
                            "tháng {month} (tệp đính kèm): {status}.\nBáo cáo đặt số liệu đơn vị tự báo cáo bên "
                            "cạnh số liệu Kho đo được từ các hệ thống, và nêu các tiêu chí không khớp.\n\n"
                            "Trân trọng,\nKho",
        "plan02_mail_unit_status": "mức {colour}, đạt {met}/{total} điều kiện cơ bản",
        "plan02_mail_province_status": "{share} số xã đáp ứng đầy đủ điều kiện cơ bản",
        "plan02_tasks_by_owner": "Nhiệm vụ theo nhóm và đơn vị chủ trì",
        "plan02_group": "Nhóm nhiệm vụ",
        "plan02_tasks": "Số nhiệm vụ",
        "plan02_overdue": "Quá hạn",
        "plan02_title": "Báo cáo mức độ sẵn sàng theo Kế hoạch 02-KH/BCĐTW",
        "plan02_title_unit": "Điều kiện cơ bản của Trung tâm phục vụ hành chính công",
        "plan02_coverage": "Số xã theo mức đáp ứng điều kiện cơ bản",
        "plan02_communes": "Số xã",
        "plan02_green": "Đáp ứng đầy đủ (xanh)",
        "plan02_yellow": "Đáp ứng một phần (vàng)",
        "plan02_red": "Chưa đáp ứng (đỏ)",
        "plan02_no_return": "Không báo cáo",
        "plan02_green_share": "Tỷ lệ xã đáp ứng đầy đủ",
        "plan02_open_month": "Kỳ này còn đang nhận báo cáo (hạn {day}): số liệu có thể thay đổi.",
        "plan02_colours": "Mức đáp ứng từng tiêu chí của các xã",
        "plan02_criterion": "Tiêu chí",
        "plan02_reported": "Xã báo cáo",
        "plan02_measured": "Số liệu đo được",
        "plan02_met": "Đạt",
        "plan02_colour": "Mức",
        "plan02_disagree": "Báo cáo khác số liệu",
        "plan02_disagreements": "Xã báo cáo đạt nhưng số liệu cho thấy chưa đạt",
        "plan02_reported_ready_data_not": "báo cáo đạt, số liệu chưa đạt",
        "plan02_reported_above_measured": "tỷ lệ báo cáo cao hơn số liệu",
        "plan02_no_disagreements": "Không có xã nào có báo cáo khác với số liệu trong kỳ.",
        "plan02_tasks_overdue": "Nhiệm vụ quá hạn",
        "plan02_tasks_on_paper": "Nhiệm vụ báo hoàn thành nhưng chỉ số đầu ra chưa đạt mục tiêu",
        "plan02_task": "Nhiệm vụ",
        "plan02_owner": "Đơn vị chủ trì",
        "plan02_deadline": "Hạn",
        "plan02_status": "Trạng thái",
        "plan02_days_over": "Số ngày quá hạn",
        "plan02_target": "Mục tiêu",
        "plan02_no_tasks": "Không có nhiệm vụ nào trong mục này.",
        "plan02_history": "Diễn biến các tháng",
        "plan02_no_return_month": "Xã không gửi báo cáo hợp lệ cho kỳ này.",
        "plan02_status_CHUA_THUC_HIEN": "Chưa thực hiện", "plan02_status_DANG_THUC_HIEN": "Đang thực hiện",
        "plan02_status_HOAN_THANH": "Hoàn thành",
        "plan02_colour_green": "Xanh", "plan02_colour_yellow": "Vàng", "plan02_colour_red": "Đỏ",
        "plan02_note": "Ngưỡng xanh/vàng/đỏ là cách đọc của Kho (bảng plan02_criteria) khi quy tắc KH02 chưa công bố; "
                       "số liệu đo được lấy từ hồ sơ trên hệ thống một cửa điện tử mà xã tiếp nhận.",
        "footer": "Kho — kho dữ liệu dùng chung",
        "mail_subject": "[Kho] Báo cáo chất lượng dữ liệu tháng {month} — {unit}",
        "mail_body": "Kính gửi {unit},\n\nKho gửi báo cáo chất lượng dữ liệu tháng {month} của đơn vị (tệp đính kèm).\n"
                     "Điểm chất lượng: {score}. Bản ghi có lỗi: {errors}; chỉ có cảnh báo: {warnings}.\n"
                     "Danh sách bản ghi cần sửa nằm trong báo cáo và tệp CSV kèm theo.\n\nTrân trọng,\nKho",
    },
    "en": {
        "title_unit": "Data-quality report",
        "title_overview": "Province data-quality overview",
        "period": "Period",
        "month_of": "{month}",
        "generated": "Generated",
        "score": "Quality score",
        "score_note": "100 × (1 − (records with an error + 0.25 × records with warnings only) / records checked)",
        "rank": "Rank in the province",
        "rank_of": "{rank} of {total}",
        "change": "Against the previous month",
        "no_previous": "no previous month",
        "records_checked": "Records checked",
        "records_clean": "Records passing",
        "records_errors": "Records with errors (held back)",
        "records_warnings": "Records with warnings only",
        "trend": "Last 12 months",
        "trend_score": "Quality score",
        "trend_errors": "Share of records with errors",
        "breakdown": "Failures by rule this month",
        "rules": "Results by rule",
        "rule": "Rule",
        "source": "Source",
        "severity": "Severity",
        "error": "Error",
        "warn": "Warning",
        "checked": "Checked",
        "failed": "Failed",
        "rate": "Rate",
        "examples": "Examples",
        "no_failures": "No record broke a rule this month.",
        "no_records": "No records were received from this unit this month.",
        "freshness": "Timeliness and completeness",
        "records": "Records",
        "missing_days": "Working days without data",
        "last_record": "Latest record",
        "days_behind": "Days behind the source",
        "late_syncs": "Synced to DVCQG late (>24 h) or not at all",
        "to_fix": "Records to fix",
        "to_fix_note": "Correct these records in the source system; records with errors stay out of the warehouse "
                       "until fixed. The full list is in the attached CSV.",
        "shown_of": "Showing {shown} of {total} failures.",
        "key": "Record key",
        "date": "Date",
        "no_key": "(no key)",
        "what_to_fix": "To fix",
        "ranking": "Units ranked",
        "unit": "Unit",
        "units": "Units",
        "attention": "Units needing attention (lowest scores)",
        "distribution": "Distribution of quality scores",
        "province_rules": "Rules broken most across the province",
        "province_freshness": "Units with the most days without data",
        "link_health": "Links to national systems (last 30 days)",
        "link_system": "System",
        "link_calls": "Calls",
        "link_failures": "Failures",
        "link_timeouts": "Timeouts",
        "link_server_errors": "Server errors (5xx)",
        "link_p95": "p95 latency (ms)",
        "link_outages": "Outages",
        "link_outage_minutes": "Outage time (min)",
        "link_pending": "Still waiting",
        "unattributed": "Records whose unit cannot be determined (unit code not in the register)",
        "unit_reports": "Unit reports",
        "privacy": "This report holds no names or personal ID numbers; records are named by their key in the source "
                   "system.",
        "plan02_title": "Readiness under Plan 02-KH/BCĐTW",
        "plan02_title_unit": "Basic conditions of the public administration service centre",
        "plan02_coverage": "Communes by how far they meet the basic conditions",
        "plan02_communes": "Communes",
        "plan02_green": "All met (green)",
        "plan02_yellow": "Partly met (yellow)",
        "plan02_red": "Not met (red)",
        "plan02_no_return": "No return",
        "plan02_green_share": "Communes meeting every basic condition",
        "plan02_open_month": "Returns for this month are still due (until {day}): figures may change.",
        "plan02_colours": "Each commune's criteria",
        "plan02_criterion": "Criterion",
        "plan02_reported": "Reported",
        "plan02_measured": "Measured",
        "plan02_met": "Met",
        "plan02_colour": "Colour",
        "plan02_disagree": "Report and data disagree",
        "plan02_disagreements": "Communes reporting ready where the data says otherwise",
        "plan02_reported_ready_data_not": "reported met, data not",
        "plan02_reported_above_measured": "share reported above the data",
        "plan02_no_disagreements": "No commune's return disagrees with the data this month.",
        "plan02_tasks_overdue": "Overdue tasks",
        "plan02_tasks_on_paper": "Tasks reported done whose output indicator misses its target",
        "plan02_task": "Task",
        "plan02_owner": "In charge",
        "plan02_deadline": "Deadline",
        "plan02_status": "Status",
        "plan02_days_over": "Days overdue",
        "plan02_target": "Target",
        "plan02_no_tasks": "No task in this list.",
        "plan02_history": "Month by month",
        "plan02_no_return_month": "The commune sent no valid return for this month.",
        "plan02_status_CHUA_THUC_HIEN": "Not started", "plan02_status_DANG_THUC_HIEN": "In progress",
        "plan02_status_HOAN_THANH": "Done",
        "plan02_colour_green": "Green", "plan02_colour_yellow": "Yellow", "plan02_colour_red": "Red",
        "plan02_note": "The green/yellow/red thresholds are Kho's reading (table plan02_criteria) while the KH02 rules "
                       "are unpublished; measured figures come from the one-stop dossiers the commune received.",
        "footer": "Kho — the shared data warehouse",
        "s766_title": "Service index scoreboard (Decision 766)",
        "s766_computable": "Kho computes {computable} of the 100 points (groups without a source are left blank). "
                           "Score on a 100-point scale = total / computable maximum × 100; below {urgent}: urgent, "
                           "{urgent} to below {watch}: watch.",
        "s766_province_score": "Province score (100-point scale)",
        "s766_units": "Units ranked",
        "s766_band_urgent": "Below {urgent} points: urgent",
        "s766_band_watch": "{urgent}–{watch} points: watch",
        "s766_trend": "The province's score, last 12 months (100-point scale)",
        "s766_score_100": "Score (of 100)",
        "s766_points": "Points",
        "s766_lowest_departments": "The 5 lowest departments",
        "s766_lowest_communes": "The 5 lowest communes and wards",
        "s766_ranking": "Ranking by total and by group",
        "s766_group": "Group",
        "s766_group_1": "Publicity and transparency", "s766_group_2": "Processing progress",
        "s766_group_3": "Online services", "s766_group_4": "Digitization", "s766_group_5": "Satisfaction",
        "s766_group_6": "Online payment",
        "s766_urgent": "Urgent", "s766_watch": "Watch", "s766_good": "On track",
        "s766_none": "No unit.",
        "766_mail_subject": "[Kho] Decision 766 digest, week of {week} (figures of {figures_month}) — {unit}",
        "766_mail_body": "Dear {unit},\n\nThe province's Decision 766 score for {figures_month}: {score}/100 (scaled; "
                         "Kho computes {computable} of the 100 points).\nUnits urgent (below 80): {urgent}; to watch "
                         "(80-90): {watch}.\nLowest scores:\n{lowest}\n\nThe full scoreboard is attached.\n\n"
                         "Kind regards,\nKho",
        "plan02_tasks_by_owner": "Tasks by group and unit in charge",
        "plan02_group": "Task group",
        "plan02_tasks": "Tasks",
        "plan02_overdue": "Overdue",
        "plan02_mail_subject": "[Kho] Plan 02 readiness report {month} — {unit}",
        "plan02_mail_body": "Dear {unit},\n\nKho sends your readiness report under Plan 02-KH/BCĐTW for {month} "
                            "(attached): {status}.\nThe report sets what the unit reported beside what Kho measures in "
                            "the systems, and lists the criteria where they disagree.\n\nKind regards,\nKho",
        "plan02_mail_unit_status": "{colour}, {met} of {total} basic conditions met",
        "plan02_mail_province_status": "{share} of communes meet every basic condition",
        "mail_subject": "[Kho] Data-quality report {month} — {unit}",
        "mail_body": "Dear {unit},\n\nKho sends your data-quality report for {month} (attached).\n"
                     "Quality score: {score}. Records with errors: {errors}; with warnings only: {warnings}.\n"
                     "The records to fix are listed in the report and the attached CSV.\n\nKind regards,\nKho",
    },
}


class Words:
    """Labels and formatters for one language, handed to the templates as ``t``."""

    def __init__(self, lang: str):
        if lang not in LANGS:
            raise ValueError(f"report language {lang!r}: expected one of {', '.join(LANGS)}")
        self.lang = lang
        self.locale = Locale.parse(LOCALES[lang])  # parsed once, not on every number and date
        self.labels = LABELS[lang]

    def __call__(self, key: str, **kw) -> str:
        return self.labels[key].format(**kw) if kw else self.labels[key]

    def source(self, source: str) -> str:
        return SOURCES[self.lang].get(source, source)

    def colour(self, colour: str | None) -> str:
        return self.labels[f"plan02_colour_{colour}"] if colour else "–"

    def link(self, system: str) -> str:
        return LINKS[self.lang].get(system, system)

    def stream(self, stream: str) -> str:
        return STREAMS[self.lang].get(stream, stream)

    def severity(self, severity: str) -> str:
        return self.labels["error" if severity == "error" else "warn"]

    def number(self, value, digits: int = 0) -> str:
        if value is None:
            return "–"
        fmt = "#,##0" + ("." + "0" * digits if digits else "")
        return format_decimal(value, format=fmt, locale=self.locale)

    def percent(self, value, digits: int = 1) -> str:
        if value is None:
            return "–"
        return format_percent(value, format="#,##0." + "0" * digits + "%", locale=self.locale)

    def signed_points(self, change, digits: int = 1) -> str:
        """A change in percentage points (rates) or score points, with its sign."""
        if change is None:
            return "–"
        change = round(float(change), digits)  # a change that rounds to zero reads ±0, not −0
        sign = "+" if change > 0 else "−" if change < 0 else "±"
        return sign + format_decimal(abs(change), format="#,##0." + "0" * digits, locale=self.locale)

    def month_plain(self, value: date) -> str:
        """06/2026 (vi), June 2026 (en): for running text ("tháng 06/2026")."""
        return format_date(value, "MM/yyyy" if self.lang == "vi" else "MMMM yyyy", locale=self.locale)

    def month(self, value: date) -> str:
        """Tháng 06/2026 (vi), June 2026 (en): as a heading."""
        return self("month_of", month=self.month_plain(value))

    def short_month(self, value: date) -> str:
        return format_date(value, "MM/yy" if self.lang == "vi" else "MMM yy", locale=self.locale)

    def period_plain(self, period_type: str, start: date) -> str:
        """For running text: tháng 06/2026, quý 2/2026, 6 tháng đầu năm 2026, năm 2026 (vi); June 2026, Q2 2026,
        H1 2026, 2026 (en)."""
        half = 1 if start.month <= 6 else 2
        if period_type == "month":
            return ("tháng " if self.lang == "vi" else "") + self.month_plain(start)
        if period_type == "quarter":
            q = (start.month + 2) // 3
            return f"quý {q}/{start.year}" if self.lang == "vi" else f"Q{q} {start.year}"
        if period_type == "half_year":
            return (f"6 tháng {'đầu' if half == 1 else 'cuối'} năm {start.year}" if self.lang == "vi"
                    else f"H{half} {start.year}")
        return f"năm {start.year}" if self.lang == "vi" else f"{start.year}"

    def period(self, period_type: str, start: date) -> str:
        """As a heading: Tháng 06/2026, Quý 2/2026, 6 tháng đầu năm 2026, Năm 2026 (vi)."""
        plain = self.period_plain(period_type, start)
        return plain[:1].upper() + plain[1:]

    def short_period(self, period_type: str, start: date) -> str:
        """An axis label: 06/26, Q2/26, H1/26, 2026 (vi); Jun 26, Q2 26, H1 26, 2026 (en)."""
        sep = "/" if self.lang == "vi" else " "
        if period_type == "month":
            return self.short_month(start)
        if period_type == "quarter":
            return f"Q{(start.month + 2) // 3}{sep}{start:%y}"
        if period_type == "half_year":
            return f"H{1 if start.month <= 6 else 2}{sep}{start:%y}"
        return f"{start.year}"

    def day(self, value: date | None) -> str:
        return "–" if value is None else format_date(value, "dd/MM/yyyy" if self.lang == "vi" else "d MMM yyyy",
                                                     locale=self.locale)

    def timestamp(self, value: datetime) -> str:
        return format_datetime(value, "dd/MM/yyyy HH:mm" if self.lang == "vi" else "d MMM yyyy HH:mm",
                               locale=self.locale)
