"""Deterministic Plan 02 readiness returns of a simulated province: every commune's monthly return on the "basic
conditions" of its public administration service centre (Decree 118/2025; Plan 02-KH/BCĐTW), as the provincial
monitoring system receives them.

Each commune of the sandbox province has a staff, and for each basic condition the month from which it is met
(many from the start, some later, some never in the period); before that month a condition is half-met (yellow,
the two months before) or not met (red). A return's figures are drawn to sit well inside the band of the state the
commune is in, so the answer key's colours are the generator's design, not a recomputation of Kho's thresholds.
Most communes report through the monitoring system's API; the others fill the province's template (XLSX or CSV) and
drop it in a folder. Its online-application share is what the commune's dossiers in the sandbox one-stop system
say, except for the communes that over-report it; its software is "in use" whenever that condition is met, whether
or not a dossier was received that month ("reports ready, data says otherwise").

The usual defects: months with no return; staff totals that do not add up; more officials with a digital
certificate, or trained, than staff; a share above 100%; a return for a month not yet over; an unknown commune
code (all refused, half of them corrected by a later version); returns sent three weeks late (a warning); and
communes reporting under their pre-2025 code. ``ReadinessReturns.expected`` is the answer key. The province's
task register (``sandbox.readiness.tasks``), its target files (``sandbox.readiness.targets``) and its register of
departments (``sandbox.readiness.register``) are written beside the communes' files.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from sandbox.onestop.generator import Dossiers, fmt_ts
from sandbox.readiness.register import DepartmentRegister
from sandbox.readiness.targets import TargetSheets
from sandbox.readiness.tasks import TaskRegister
from sandbox.times import DAY, epoch_of, wall

FIELDS = (
    "MaXa", "KyBaoCao", "NgayCapNhat", "TruSo", "SoCanBo", "SoCanBoChuyenTrach", "SoCanBoKiemNhiem",
    "SoCanBoDaTapHuan", "SoMayTinh", "SoMayQuet", "HopTrucTuyen", "SoCanBoCoChuKySo", "PhanMemDVC", "TyLeSoHoa",
    "TyLeHoSoTrucTuyen", "TyLeKetQuaDienTu", "GhiChu",
)
# the template's labels, the row above the field codes (the codes are what a reader keys on)
LABELS = (
    "Mã xã", "Kỳ báo cáo (yyyy-mm)", "Ngày cập nhật (yyyyMMddHHmmss)", "Trụ sở Trung tâm (1/0)", "Tổng số cán bộ",
    "Chuyên trách", "Kiêm nhiệm", "Đã tập huấn", "Số máy tính", "Số máy quét", "Điểm họp trực tuyến (1/0)",
    "Cán bộ có chữ ký số", "Phần mềm DVC (1/0)", "Tỷ lệ số hóa (%)", "Tỷ lệ hồ sơ trực tuyến (%)",
    "Tỷ lệ kết quả điện tử (%)", "Ghi chú",
)
TITLE = "BÁO CÁO ĐIỀU KIỆN CƠ BẢN CỦA TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG CẤP XÃ (Kế hoạch 02-KH/BCĐTW)"
# the basic conditions and how each is reported: a flag (met or not), or a count over the staff, or a share
BASIC = ("premises", "staff_trained", "computers", "scanners", "online_meeting", "digital_signature", "software",
         "digital_data")
FLAGS = frozenset({"premises", "online_meeting", "software"})
ERROR_DEFECTS = ("staff_totals", "certificates_over_staff", "trained_over_staff", "share_over_100",
                 "future_period", "unknown_commune")
GREEN, YELLOW, RED = "green", "yellow", "red"
TASK_FOLDER = "nhiem_vu"
TARGET_FOLDER = "chi_tieu"
DEPARTMENT_FOLDER = "co_quan"
NEVER = 99


@dataclass(frozen=True)
class ReadinessConfig:
    ready_from_start_share: float = 0.45 # communes meeting every condition from the first month
    later_share: float = 0.15  # of a condition of another commune: met from a later month (else from the start)
    never_share: float = 0.06  # ... never met in the period
    api_share: float = 0.7  # communes reporting through the monitoring system's API (the rest: files)
    xlsx_share: float = 0.67  # of the file communes, those sending XLSX (the rest: CSV)
    legacy_code_share: float = 0.3  # communes with a pre-2025 code that report under it
    over_reporting_share: float = 0.1  # communes reporting an online share far above their dossiers'
    missing_share: float = 0.05  # commune-months with no return
    error_share: float = 0.05  # returns with an error defect
    corrected_share: float = 0.5  # of those, corrected by a later version
    late_share: float = 0.03  # returns sent three weeks after the month (a warning)


@dataclass
class Version:
    """One version of a commune's return for a month, as the monitoring system or a file holds it."""

    commune: int  # index in Dossiers.communes
    code_as_sent: str
    month: date
    submitted: int
    values: dict[str, int | float | None]
    channel: str  # api | xlsx | csv
    defect: str | None = None
    late: bool = False
    version: int = 1

    def render(self, clock: int) -> dict:  # the listing protocol passes the clock; a return never changes
        rec: dict[str, str | None] = {"MaXa": self.code_as_sent, "KyBaoCao": f"{self.month:%Y-%m}",
                                      "NgayCapNhat": fmt_ts(self.submitted)}
        for k, v in self.values.items():
            rec[k] = None if v is None else (f"{v:.1f}" if isinstance(v, float) else str(v))
        rec["GhiChu"] = "Báo cáo bổ sung, thay thế bản trước" if self.version > 1 else None
        if self.defect:
            _dirty(rec, self.defect, self.submitted)
        return rec


def _dirty(rec: dict, defect: str, submitted: int) -> None:
    staff = int(rec["SoCanBo"])
    if defect == "staff_totals":
        rec["SoCanBoKiemNhiem"] = str(int(rec["SoCanBoKiemNhiem"]) + 2)
    elif defect == "certificates_over_staff":
        rec["SoCanBoCoChuKySo"] = str(staff + 3)
    elif defect == "trained_over_staff":
        rec["SoCanBoDaTapHuan"] = str(staff + 1)
    elif defect == "share_over_100":
        rec["TyLeSoHoa"] = "130.0"
    elif defect == "future_period":
        nxt = (wall(submitted).date().replace(day=1) + timedelta(days=62)).replace(day=1)
        rec["KyBaoCao"] = f"{nxt:%Y-%m}"
    elif defect == "unknown_commune":
        rec["MaXa"] = "99999"


@dataclass
class Commune:
    index: int
    code: str
    code_as_sent: str
    staff: int
    full_time: int
    ready_at: dict[str, int]
    channel: str
    over_reports: bool
    months: list[date] = field(default_factory=list)

    def state(self, criterion: str, m: int) -> str:
        """The designed state of a basic condition in the m-th month of the period."""
        r = self.ready_at[criterion]
        if m >= r:
            return GREEN
        if criterion in FLAGS:
            return RED
        return YELLOW if r - m <= 2 else RED


class ReadinessReturns:
    """Every commune's monthly readiness returns of one sandbox province."""

    def __init__(self, dossiers: Dossiers, config: ReadinessConfig | None = None):
        self.dossiers = dossiers
        self.config = config or ReadinessConfig()
        self.rng = random.Random(dossiers.config.seed + 17)
        cfg, d = self.config, dossiers
        start = d.config.start_date
        self.months = [_add_months(start, i) for i in range(d.config.months)]
        self.online_share = self._online_shares()
        self.communes: list[Commune] = [self._commune(k) for k in range(len(d.communes))]
        self.versions: list[Version] = []
        for c in self.communes:
            for m, month in enumerate(self.months):
                if self.rng.random() < cfg.missing_share:
                    continue
                self.versions.extend(self._versions(c, m, month))
        self.versions.sort(key=lambda v: (v.submitted, v.code_as_sent, v.month))
        self.tasks = TaskRegister(dossiers)
        self.targets = TargetSheets(dossiers)
        self.register = DepartmentRegister(dossiers)

    # -- design ------------------------------------------------------------------------------------------------
    def _online_shares(self) -> dict[tuple[int, date], float]:
        """The share of each commune's dossiers received online per month, as the one-stop sandbox has them."""
        d = self.dossiers
        months = d.recv_day.astype("datetime64[M]")
        out: dict[tuple[int, date], float] = {}
        mask = d.recv_unit_idx >= 0
        keys = np.stack([d.recv_unit_idx[mask], months[mask].astype(np.int64)], axis=1)
        online = (d.channel[mask] == 2).astype(np.int64)
        uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
        totals = np.bincount(inverse.ravel(), minlength=len(uniq))
        onl = np.bincount(inverse.ravel(), weights=online, minlength=len(uniq))
        for (k, mon), n, o in zip(uniq, totals, onl, strict=True):
            month = np.datetime64(int(mon), "M").astype("datetime64[D]").astype(date)
            out[(int(k), month)] = round(100 * float(o) / int(n), 1)
        return out

    def _commune(self, k: int) -> Commune:
        d, cfg, r = self.dossiers, self.config, self.rng
        staff = r.randint(5, 15)
        full_time = r.randint((staff + 1) // 2, staff)
        if r.random() < cfg.ready_from_start_share:
            ready = dict.fromkeys(BASIC, 0)
        else:
            ready = {}
            for c in BASIC:
                u = r.random()
                ready[c] = r.randint(1, len(self.months) - 1) if u < cfg.later_share else (
                    NEVER if u < cfg.later_share + cfg.never_share else 0)
        u = r.random()
        channel = "api" if u < cfg.api_share else ("xlsx" if r.random() < cfg.xlsx_share else "csv")
        code = d.communes[k].code
        legacy = d.legacy_codes[k]
        sent = legacy[0] if legacy and r.random() < cfg.legacy_code_share else code
        return Commune(k, code, sent, staff, full_time, ready, channel, r.random() < cfg.over_reporting_share)

    def _values(self, c: Commune, m: int, month: date) -> dict[str, int | float | None]:
        r, s = self.rng, c.staff
        state = {k: c.state(k, m) for k in BASIC}
        part = {GREEN: 1.0, YELLOW: 0.65, RED: 0.22}
        online = self.online_share.get((c.index, month))
        if c.over_reports:
            online = round(r.uniform(92, 99), 1)
        return {
            "TruSo": int(state["premises"] == GREEN),
            "SoCanBo": s, "SoCanBoChuyenTrach": c.full_time, "SoCanBoKiemNhiem": s - c.full_time,
            "SoCanBoDaTapHuan": max(1, round(s * part[state["staff_trained"]])),
            "SoMayTinh": max(1, round(s * {GREEN: 1.0, YELLOW: 0.72, RED: 0.25}[state["computers"]])),
            "SoMayQuet": {GREEN: 2 + r.randrange(2), YELLOW: 1, RED: 0}[state["scanners"]],
            "HopTrucTuyen": int(state["online_meeting"] == GREEN),
            "SoCanBoCoChuKySo": max(1, round(s * part[state["digital_signature"]])),
            "PhanMemDVC": int(state["software"] == GREEN),
            "TyLeSoHoa": round(r.uniform(*{GREEN: (85, 98), YELLOW: (56, 74), RED: (8, 38)}[state["digital_data"]]),
                               1),
            "TyLeHoSoTrucTuyen": online,
            "TyLeKetQuaDienTu": round(r.uniform(35, 97), 1),
        }

    def _versions(self, c: Commune, m: int, month: date) -> list[Version]:
        cfg, r = self.config, self.rng
        end = _add_months(month, 1)
        submitted = epoch_of(month.replace(day=26)) + r.randrange(0, 8) * DAY + r.randrange(8 * 3600, 17 * 3600)
        late = r.random() < cfg.late_share
        if late:
            submitted = epoch_of(end) + 21 * DAY + r.randrange(8 * 3600, 17 * 3600)
        values = self._values(c, m, month)
        first = Version(c.index, c.code_as_sent, month, submitted, values, c.channel, late=late)
        if r.random() >= cfg.error_share:
            return [first]
        first.defect = r.choice(ERROR_DEFECTS)
        if r.random() >= cfg.corrected_share:
            return [first]
        fixed = Version(c.index, c.code_as_sent, month, submitted + r.randrange(2, 7) * DAY, dict(values), c.channel,
                        late=late, version=2)
        return [first, fixed]

    # -- what the systems show ---------------------------------------------------------------------------------
    def visible(self, clock: int) -> list[tuple[int, Version]]:
        """The API's returns sent before ``clock``, in change-time order (the listing protocol)."""
        return [(v.submitted, v) for v in self.versions if v.channel == "api" and v.submitted < clock]

    def write_files(self, folder: Path, clock: int) -> list[Path]:
        """The template files the file communes sent before ``clock``, one per commune, month and version, the
        province's task register as re-issued at each month end before it, in ``nhiem_vu/``, its target files
        issued before it, in ``chi_tieu/``, and its department register's files, in ``co_quan/``."""
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for v in self.versions:
            if v.channel == "api" or v.submitted >= clock:
                continue
            suffix = "" if v.version == 1 else f"_v{v.version}"
            path = folder / f"KH02_{self.communes[v.commune].code_as_sent}_{v.month:%Y%m}{suffix}.{v.channel}"
            rec = v.render(clock)
            rows = [list(FIELDS), [rec.get(f) for f in FIELDS]]
            if v.channel == "csv":
                buf = io.StringIO()
                csv.writer(buf, lineterminator="\n").writerows([[x or "" for x in row] for row in rows])
                path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
            else:
                _write_xlsx(path, self.dossiers.communes[v.commune].full_name, rows)
            written.append(path)
        return (written + self.tasks.write_snapshots(folder / TASK_FOLDER, clock)
                + self.targets.write(folder / TARGET_FOLDER, clock)
                + self.register.write(folder / DEPARTMENT_FOLDER, clock))

    # -- the answer key ----------------------------------------------------------------------------------------
    def kept(self, clock: int) -> dict[tuple[str, date], Version]:
        """The version of each commune-month the warehouse keeps: the latest one without an error, sent before
        ``clock`` (by either channel)."""
        out: dict[tuple[str, date], Version] = {}
        for v in self.versions:
            if v.submitted < clock and v.defect is None:
                key = (self.communes[v.commune].code, v.month)
                if key not in out or out[key].submitted < v.submitted:
                    out[key] = v
        return out

    def expected(self, clock: int) -> dict:
        """What the readiness marts must show at ``clock``: per (commune, month) the colour of each basic
        condition, the commune's colour (green: all met; red: one not met, or no valid return; yellow otherwise),
        how many it meets and whether it has a return; per month the province's communes by colour."""
        kept = self.kept(clock)
        months = sorted({m for _, m in kept})
        months = [x for x in self.months if months and months[0] <= x <= months[-1]]
        communes, coverage = {}, {}
        for month in months:
            m = self.months.index(month)
            counts = dict.fromkeys(("green", "yellow", "red", "no_return"), 0)
            for c in self.communes:
                v = kept.get((c.code, month))
                if v is None:
                    cell = {"has_return": False, "colour": RED, "met": 0, "criteria": {}}
                    counts["no_return"] += 1
                else:
                    criteria = {k: c.state(k, m) for k in BASIC}
                    colours = set(criteria.values())
                    colour = GREEN if colours == {GREEN} else (RED if RED in colours else YELLOW)
                    cell = {"has_return": True, "colour": colour, "criteria": criteria,
                            "met": sum(x == GREEN for x in criteria.values())}
                counts[cell["colour"]] += 1
                communes[(c.code, month)] = cell
            coverage[month] = counts
        return {"communes": communes, "coverage": coverage}

    def reported(self, clock: int) -> dict[tuple[str, date], dict]:
        """The figures of every kept return, by (commune, month)."""
        return {key: v.values for key, v in self.kept(clock).items()}


def _add_months(d: date, n: int) -> date:
    y, m = divmod(d.month - 1 + n, 12)
    return date(d.year + y, m + 1, 1)


def _write_xlsx(path: Path, unit_name: str, rows: list[list]) -> None:
    """The province's template: a title block, the labels, the field codes (the header a reader keys on), data."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "KH02"
    ws.append([TITLE])
    ws.append([f"Đơn vị: {unit_name}"])
    ws.append([])
    ws.append(list(LABELS))
    ws.append(rows[0])
    for row in rows[1:]:
        ws.append([_cell(x) for x in row])
    wb.save(path)


def _cell(value: str | None) -> object:
    """A figure as a spreadsheet holds it: numbers as numbers, codes and dates as text."""
    if value is None:
        return None
    try:
        return float(value) if "." in value else value
    except ValueError:
        return value
