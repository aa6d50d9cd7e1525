"""The sandbox province's Plan 02 task register: the tasks the steering office assigned (institutions, architecture,
digital infrastructure and key databases, training, public services), each with its unit in charge, deadline,
expected output and, for some, an output indicator the warehouse can measure and its target; and the register as
the office re-issues it at each month's end (an XLSX snapshot: the status of every task that day).

Tasks start and are reported done in the months the generator draws; some are never done and go overdue; some
measurable ones are reported done although their target is far from what the data shows ("task completed" on
paper). One snapshot carries a status outside the code list and a deadline that is not a date (refused rows), one
task is reported done without its date (a warning). ``TaskRegister.expected`` is the answer key.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sandbox.departments import BY_ABBREVIATION
from sandbox.onestop.generator import Dossiers
from sandbox.readiness.sheets import write_sheet
from sandbox.times import epoch_of

FIELDS = ("MaNhiemVu", "NhomNhiemVu", "TenNhiemVu", "MaDonViChuTri", "DonViChuTri", "HanHoanThanh", "SanPhamDauRa",
          "ChiSoDauRa", "GiaTriMucTieu", "TrangThai", "NgayHoanThanh", "NgayCapNhat")
LABELS = ("Mã nhiệm vụ", "Nhóm nhiệm vụ", "Tên nhiệm vụ", "Mã đơn vị chủ trì", "Đơn vị chủ trì", "Hạn hoàn thành",
          "Sản phẩm đầu ra", "Chỉ số đầu ra", "Giá trị mục tiêu", "Trạng thái", "Ngày hoàn thành", "Ngày cập nhật")
TITLE = "DANH MỤC NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH 02-KH/BCĐTW"
# (group, name, unit in charge (its abbreviation in sandbox.departments), expected output, output indicator, target)
TASKS = (
    ("the_che", "Ban hành quy chế vận hành Trung tâm phục vụ hành chính công cấp xã", "VPUB",
     "Quyết định ban hành quy chế", None, None),
    ("the_che", "Rà soát, công bố danh mục TTHC tiếp nhận không phụ thuộc địa giới", "VPUB",
     "Quyết định công bố danh mục", None, None),
    ("kien_truc", "Cập nhật Kiến trúc chính quyền số của tỉnh theo mô hình hai cấp", "SKHCN",
     "Kiến trúc phiên bản mới", None, None),
    ("kien_truc", "Kết nối hệ thống một cửa điện tử với Cổng DVCQG", "SKHCN",
     "Hồ sơ đồng bộ lên Cổng DVCQG", "dossier_sync", "0.95"),
    ("ha_tang_so", "Bảo đảm điều kiện cơ bản cho Trung tâm phục vụ hành chính công cấp xã", "SNV",
     "Các xã đáp ứng điều kiện cơ bản", "plan02_green_share", "0.9"),
    ("ha_tang_so", "Kết nối điểm họp trực tuyến từ tỉnh đến xã", "SKHCN",
     "Điểm họp trực tuyến tại xã", None, None),
    ("co_so_du_lieu", "Số hóa hồ sơ, kết quả giải quyết TTHC", "VPUB",
     "Hồ sơ được số hóa", "digitized_dossiers", "0.8"),
    ("co_so_du_lieu", "Khai thác dữ liệu dân cư trong giải quyết TTHC", "CAT",
     "Hồ sơ dùng dữ liệu dân cư", None, None),
    ("dao_tao", "Tập huấn cán bộ Trung tâm cấp xã về phần mềm một cửa", "SNV",
     "Cán bộ được tập huấn", None, None),
    ("dao_tao", "Cấp chứng thư chữ ký số cho cán bộ cấp xã", "VPUB",
     "Chứng thư số được cấp", None, None),
    ("dich_vu_cong", "Nâng tỷ lệ hồ sơ trực tuyến", "VPUB",
     "Hồ sơ nộp trực tuyến", "online_dossiers", "0.8"),
    ("dich_vu_cong", "Trả kết quả giải quyết TTHC bản điện tử", "VPUB",
     "Kết quả điện tử", "electronic_results", "0.5"),
    ("dich_vu_cong", "Thanh toán trực tuyến phí, lệ phí", "STC",
     "Hồ sơ thanh toán trực tuyến", "online_payment_dossiers", "0.6"),
    ("dich_vu_cong", "Cung cấp dịch vụ công trực tuyến toàn trình", "VPUB",
     "Hồ sơ toàn trình", "full_online_dossiers", "0.5"),
)
DONE, DOING, NOT_STARTED = "HOAN_THANH", "DANG_THUC_HIEN", "CHUA_THUC_HIEN"


@dataclass(frozen=True)
class Task:
    code: str
    group: str
    name: str
    owner: str
    output: str
    indicator: str | None
    target: str | None
    deadline: date
    started: date | None  # None = never started in the period
    done: date | None  # reported done on


class TaskRegister:
    """The task register of one sandbox province and its monthly snapshots."""

    def __init__(self, dossiers: Dossiers):
        self.dossiers = dossiers
        self.province = dossiers.province
        r = random.Random(dossiers.config.seed + 19)
        start = dossiers.config.start_date
        self.tasks: list[Task] = []
        for i, (group, name, owner, output, indicator, target) in enumerate(TASKS, start=1):
            deadline = _month_end(start, r.randint(1, dossiers.config.months + 2))
            started = start + timedelta(days=r.randrange(0, 90)) if r.random() < 0.9 else None
            done = None
            if started and r.random() < 0.6:
                done = started + timedelta(days=r.randrange(20, 150))
            self.tasks.append(Task(f"KH02-{self.province.code}-{i:02d}", group, name, owner, output, indicator,
                                   target, deadline, started, done))
        # the month ends the office re-issues the register at: from the period's second month on
        self.snapshots = [_month_end(start, m) for m in range(1, dossiers.config.months + 1)]
        self.defective_snapshot = self.snapshots[1]  # two refused rows, and a done task without its date

    def status(self, t: Task, on: date) -> str:
        if t.done and t.done <= on:
            return DONE
        return DOING if t.started and t.started <= on else NOT_STARTED

    def rows(self, on: date) -> list[dict]:
        out = []
        for i, t in enumerate(self.tasks):
            status = self.status(t, on)
            row = {"MaNhiemVu": t.code, "NhomNhiemVu": t.group, "TenNhiemVu": t.name,
                   "MaDonViChuTri": BY_ABBREVIATION[t.owner].code(self.province.code),
                   "DonViChuTri": BY_ABBREVIATION[t.owner].name,
                   "HanHoanThanh": t.deadline.isoformat(), "SanPhamDauRa": t.output, "ChiSoDauRa": t.indicator,
                   "GiaTriMucTieu": t.target, "TrangThai": status,
                   "NgayHoanThanh": t.done.isoformat() if status == DONE else None,
                   "NgayCapNhat": f"{on:%Y%m%d}170000"}
            if on == self.defective_snapshot:
                if i == 0:
                    row["TrangThai"] = "XONG"
                elif i == 1:
                    row["HanHoanThanh"] = f"{t.deadline:%d/%m/%Y}"
                elif status == DONE and not any(self.status(x, on) == DONE for x in self.tasks[2:i]):
                    row["NgayHoanThanh"] = None
            out.append(row)
        return out

    def write_snapshots(self, folder: Path, clock: int) -> list[Path]:
        """The register as re-issued at each month end before ``clock``, one XLSX each."""
        return [write_sheet(folder / f"KH02_NhiemVu_{on:%Y%m%d}.xlsx", TITLE,
                            f"Tình hình thực hiện đến ngày {on:%d/%m/%Y}", LABELS, FIELDS, self.rows(on))
                for on in self.snapshots if epoch_of(on) + 17 * 3600 < clock]

    def expected(self, clock: int) -> dict[tuple[str, date], dict]:
        """(task, status date) → status and whether the task is overdue that day (not done, deadline passed), for
        every row the warehouse keeps (the refused rows of the defective snapshot left out)."""
        out = {}
        for on in self.snapshots:
            if epoch_of(on) + 17 * 3600 >= clock:
                continue
            for i, t in enumerate(self.tasks):
                if on == self.defective_snapshot and i in (0, 1):
                    continue
                status = self.status(t, on)
                out[(t.code, on)] = {"status": status, "overdue": status != DONE and t.deadline < on,
                                     "indicator": t.indicator, "target": t.target}
        return out


def _month_end(start: date, months: int) -> date:
    """The last day of the month ``months`` after ``start``'s."""
    y, m = divmod(start.month - 1 + months + 1, 12)
    return date(start.year + y, m + 1, 1) - timedelta(days=1)
