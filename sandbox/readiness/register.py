"""The sandbox province's register of its departments and agencies (``sandbox.departments``), as the province issues
it: a file in January and a revision in March. The January file leaves out one department that receives dossiers
(Sở Ngoại vụ: its dossiers stay on the province), and carries the usual defects: an identifier not of the
NNN.NN.NN.XNN shape, a unit whose parent department no longer exists, a commune's code typed as a unit code, an
identifier of another province, and one identifier given to two units (both refused). The March revision renames a
department and sends the two units of the shared identifier again, each with its own. ``DepartmentRegister.expected``
is the answer key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sandbox.departments import DEPARTMENTS, agency_suffix, department_agency_id
from sandbox.onestop.generator import Dossiers
from sandbox.readiness.sheets import write_sheet
from sandbox.times import epoch_of

FIELDS = ("MaDonVi", "TenDonVi", "TenTiengAnh", "CapDonVi", "MaDonViCha", "MaDinhDanh", "NgayCapNhat")
LABELS = ("Mã đơn vị", "Tên đơn vị", "Tên tiếng Anh", "Cấp đơn vị (SO_NGANH/TRUC_THUOC)", "Mã đơn vị cha",
          "Mã định danh (QĐ 20/2020)", "Ngày cập nhật")
TITLE = "DANH MỤC CƠ QUAN, ĐƠN VỊ TIẾP NHẬN, GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH CẤP TỈNH"
UNREGISTERED = "SNGV"  # left out of the register: its dossiers stay on the province
RENAMED = ("BQLKCN", "Ban Quản lý Khu kinh tế và các khu công nghiệp", "Economic and Industrial Zones Authority")


@dataclass(frozen=True)
class Sheet:
    name: str
    issued: datetime
    rows: list[dict]
    refused: dict[str, str]  # unit code as sent → the rule its row breaks


class DepartmentRegister:
    def __init__(self, dossiers: Dossiers):
        prov = dossiers.province.code
        year = dossiers.config.start_date.year
        self.province = prov
        self.suffix = suffix = agency_suffix(prov)

        def row(code: str, name: str, name_en: str, level: str, parent: str, agency: str, issued: datetime) -> dict:
            return {"MaDonVi": code, "TenDonVi": name, "TenTiengAnh": name_en, "CapDonVi": level,
                    "MaDonViCha": parent, "MaDinhDanh": agency, "NgayCapNhat": f"{issued:%Y%m%d%H%M%S}"}

        def unit(d, issued: datetime, name: str | None = None, name_en: str | None = None) -> dict:
            return row(d.code(prov), name or d.name, name_en or d.name_en, "TRUC_THUOC" if d.parent else "SO_NGANH",
                       f"{prov}.{d.parent}" if d.parent else prov, department_agency_id(prov, d.number), issued)

        first_at = datetime(year, 1, 5, 8, 30)
        by_abbr = {d.abbreviation: d for d in DEPARTMENTS}
        shared = department_agency_id(prov, by_abbr["CCKL"].number)  # given to Chi cục Thủy lợi as well
        first = [unit(d, first_at) for d in DEPARTMENTS if d.abbreviation != UNREGISTERED]
        first += [
            row(f"{prov}.CCTL", "Chi cục Thủy lợi", "Irrigation Sub-department", "TRUC_THUOC", f"{prov}.SNNMT",
                shared, first_at),
            row(f"{prov}.TTPVHCC", "Trung tâm Phục vụ hành chính công tỉnh", "Provincial Public Service Centre",
                "TRUC_THUOC", f"{prov}.VPUB", f"000.00.2.{suffix}", first_at),
            row(f"{prov}.BQLDA", "Ban Quản lý dự án đầu tư xây dựng", "Construction Project Management Board",
                "TRUC_THUOC", f"{prov}.SKHDT", f"000.00.22.{suffix}", first_at),
            row(f"{prov}024", "Trung tâm Xúc tiến đầu tư", "Investment Promotion Centre", "SO_NGANH", prov,
                f"000.00.23.{suffix}", first_at),
            row(f"{prov}.TTXTTM", "Trung tâm Xúc tiến thương mại", "Trade Promotion Centre", "TRUC_THUOC",
                f"{prov}.SCT", "000.00.24.H41" if suffix != "H41" else "000.00.24.H56", first_at),
        ]
        first_refused = {
            by_abbr["CCKL"].code(prov): "agency_code_once", f"{prov}.CCTL": "agency_code_once",
            f"{prov}.TTPVHCC": "agency_code_format", f"{prov}.BQLDA": "parent_fits_level",
            f"{prov}024": "department_code_format", f"{prov}.TTXTTM": "agency_code_of_the_province",
        }
        second_at = datetime(year, 3, 16, 10)
        abbr, name, name_en = RENAMED
        second = [unit(by_abbr[abbr], second_at, name, name_en), unit(by_abbr["CCKL"], second_at),
                  row(f"{prov}.CCTL", "Chi cục Thủy lợi", "Irrigation Sub-department", "TRUC_THUOC",
                      f"{prov}.SNNMT", f"000.00.21.{suffix}", second_at)]
        self.sheets = [Sheet(f"DanhMucCoQuan_{prov}_{year}.xlsx", first_at, first, first_refused),
                       Sheet(f"DanhMucCoQuan_{prov}_{year}_bo_sung.xlsx", second_at, second, {})]

    def issued(self, clock: int) -> list[Sheet]:
        return [s for s in self.sheets if epoch_of(s.issued) < clock]

    def write(self, folder: Path, clock: int) -> list[Path]:
        return [write_sheet(folder / s.name, TITLE, f"(Ban hành ngày {s.issued:%d/%m/%Y})", LABELS, FIELDS, s.rows)
                for s in self.issued(clock)]

    # -- the answer key ----------------------------------------------------------------------------------------
    def refused(self, clock: int) -> list[tuple[str, str, str]]:
        """(file, unit code as sent, rule) of every row validation refuses."""
        return [(s.name, code, rule) for s in self.issued(clock) for code, rule in s.refused.items()]

    def expected(self, clock: int) -> dict[str, dict]:
        """Unit code → its row in force: the latest one issued before ``clock`` that validation lets through."""
        out: dict[str, dict] = {}
        for sheet in self.issued(clock):
            for r in sheet.rows:
                if r["MaDonVi"] not in sheet.refused:
                    out[r["MaDonVi"]] = r
        return out

    def agency_units(self, clock: int) -> dict[str, str]:
        """Agency identifier → the registered unit its dossiers land on."""
        return {r["MaDinhDanh"]: code for code, r in self.expected(clock).items()}
