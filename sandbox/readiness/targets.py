"""The sandbox province's annual targets per unit and Decision 766 indicator, as its decisions issue them: a file at
the start of the year (the province's defaults for all its units, and some communes' own targets) and a revision in
spring that changes two of them. Two departments have their own targets. One row names an indicator Kho does not
compute, one gives a percentage for a share and one names a department the register does not hold (all refused);
one commune is named by its pre-2025 code. ``TargetSheets.expected`` is the answer key."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sandbox.departments import BY_ABBREVIATION
from sandbox.onestop.generator import Dossiers
from sandbox.readiness.register import UNREGISTERED
from sandbox.readiness.sheets import write_sheet
from sandbox.times import epoch_of

FIELDS = ("NamKeHoach", "MaDonVi", "TenDonVi", "PhamVi", "ChiSo", "GiaTriMucTieu", "CanCu", "NgayCapNhat")
LABELS = ("Năm kế hoạch", "Mã đơn vị", "Tên đơn vị", "Phạm vi (TINH/DON_VI)", "Chỉ số", "Giá trị mục tiêu (0-1)",
          "Căn cứ", "Ngày cập nhật")
DEFAULTS = {"on_time": "0.95", "online_dossiers": "0.55", "electronic_results": "0.85", "dossier_sync": "0.97",
            "digitized_dossiers": "0.8", "online_payment_dossiers": "0.6"}


@dataclass(frozen=True)
class Sheet:
    name: str
    issued: datetime
    basis: str
    rows: list[dict]


class TargetSheets:
    def __init__(self, dossiers: Dossiers):
        r = random.Random(dossiers.config.seed + 23)
        prov = dossiers.province
        year = dossiers.config.start_date.year
        picks = sorted(r.sample(range(len(dossiers.communes)), 10))
        ts = lambda d: f"{d:%Y%m%d%H%M%S}"  # noqa: E731

        def row(unit: str, name: str, scope: str, indicator: str, value: str, issued: datetime, basis: str):
            return {"NamKeHoach": str(year), "MaDonVi": unit, "TenDonVi": name, "PhamVi": scope, "ChiSo": indicator,
                    "GiaTriMucTieu": value, "CanCu": basis, "NgayCapNhat": ts(issued)}

        first_at, first = datetime(year, 1, 15, 9), f"Quyết định 125/QĐ-UBND ngày 15/01/{year}"
        rows = [row(prov.code, prov.full_name, "TINH", k, v, first_at, first) for k, v in DEFAULTS.items()]
        self.legacy_commune = None
        for k in picks:
            c = dossiers.communes[k]
            code = c.code
            if self.legacy_commune is None and dossiers.legacy_codes[k]:
                code, self.legacy_commune = dossiers.legacy_codes[k][0], c.code
            rows.append(row(code, c.full_name, "DON_VI", "online_dossiers", f"{r.choice((0.65, 0.7, 0.75))}",
                            first_at, first))
        # departments' own targets (sandbox.departments; the register's codes), one of a department not registered
        for abbr, indicator, value in (("STP", "online_dossiers", "0.7"), ("SNNMT", "on_time", "0.9"),
                                       (UNREGISTERED, "digitized_dossiers", "0.8")):
            dept = BY_ABBREVIATION[abbr]
            rows.append(row(dept.code(prov.code), dept.name, "DON_VI", indicator, value, first_at, first))
        self.unregistered = BY_ABBREVIATION[UNREGISTERED].code(prov.code)
        rows.append(row(prov.code, prov.full_name, "TINH", "ty_le_hai_long", "0.9", first_at, first))  # refused
        rows.append(row(dossiers.communes[picks[0]].code, "", "DON_VI", "on_time", "85", first_at, first))  # refused
        second_at, second = datetime(year, 4, 10, 14), f"Quyết định 980/QĐ-UBND ngày 10/4/{year} (điều chỉnh)"
        revised = [row(prov.code, prov.full_name, "TINH", "online_dossiers", "0.6", second_at, second),
                   row(dossiers.communes[picks[1]].code, dossiers.communes[picks[1]].full_name, "DON_VI",
                       "online_dossiers", "0.8", second_at, second)]
        self.sheets = [Sheet(f"ChiTieu_{prov.code}_{year}.xlsx", first_at, first, rows),
                       Sheet(f"ChiTieu_{prov.code}_{year}_dieu_chinh.xlsx", second_at, second, revised)]
        self.refused = 3

    def write(self, folder: Path, clock: int) -> list[Path]:
        return [write_sheet(folder / s.name, "CHỈ TIÊU CẢI CÁCH HÀNH CHÍNH, CHUYỂN ĐỔI SỐ GIAO CÁC CƠ QUAN, ĐƠN VỊ",
                            s.basis, LABELS, FIELDS, s.rows)
                for s in self.sheets if epoch_of(s.issued) < clock]

    def expected(self, clock: int, current_code=lambda code: code) -> dict[tuple[int, str, str, str], float]:
        """(year, unit in force, applies_to, indicator) → the target in force: the latest issued before ``clock``
        (the refused rows left out)."""
        out: dict[tuple[int, str, str, str], float] = {}
        for sheet in self.sheets:
            if epoch_of(sheet.issued) >= clock:
                continue
            for row in sheet.rows:
                value = float(row["GiaTriMucTieu"])
                if row["ChiSo"] == "ty_le_hai_long" or value > 1 or row["MaDonVi"] == self.unregistered:
                    continue
                scope = "all_units_of_province" if row["PhamVi"] == "TINH" else "unit"
                out[(int(row["NamKeHoach"]), current_code(row["MaDonVi"]), scope, row["ChiSo"])] = value
        return out
