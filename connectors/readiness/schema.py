"""Schema contract of a Plan 02 readiness return as landed: one commune's figures for one month on the basic
conditions of its public administration service centre, from the monitoring system's API or the province's
template (the same field codes), all kept as text as received.

The commune (``MaXa``, its code as the commune sent it: a pre-2025 code is resolved in the warehouse), the month
(``KyBaoCao``, yyyy-mm), when it was sent (``NgayCapNhat``, yyyyMMddHHmmss: the cursor, and which version of a
month's return is the latest), then the figures: premises arranged (``TruSo`` 1/0), staff (``SoCanBo`` = full-time
``SoCanBoChuyenTrach`` + part-time ``SoCanBoKiemNhiem``; trained ``SoCanBoDaTapHuan``), computers ``SoMayTinh``,
scanners ``SoMayQuet``, an online meeting point to the province (``HopTrucTuyen`` 1/0), officials with a digital
certificate ``SoCanBoCoChuKySo``, public-service software deployed (``PhanMemDVC`` 1/0), and the shares (0-100) the
commune reports: records digitized ``TyLeSoHoa``, applications online ``TyLeHoSoTrucTuyen``, results issued
electronically ``TyLeKetQuaDienTu``; a note ``GhiChu``. A row from a file also records the file, its row number and
its SHA-256. Fields outside the contract go to ``_extra``.
"""

from __future__ import annotations

from connectors.listing import FlatContract

FIELDS = (
    "MaXa", "KyBaoCao", "NgayCapNhat", "TruSo", "SoCanBo", "SoCanBoChuyenTrach", "SoCanBoKiemNhiem",
    "SoCanBoDaTapHuan", "SoMayTinh", "SoMayQuet", "HopTrucTuyen", "SoCanBoCoChuKySo", "PhanMemDVC", "TyLeSoHoa",
    "TyLeHoSoTrucTuyen", "TyLeKetQuaDienTu", "GhiChu",
)
CURSOR = "NgayCapNhat"
CONTRACT = FlatContract(FIELDS)
COLUMNS = CONTRACT.columns
records_to_arrow = CONTRACT.to_arrow
contract_name = CONTRACT.name_of

# The Plan 02 task register as the province's steering office keeps it (one XLSX/CSV snapshot per status date): the
# task (``MaNhiemVu``), its group, name, the unit in charge (``DonViChuTri``: code and name), the deadline
# (``HanHoanThanh``, yyyy-mm-dd), the expected output and, where it can be measured, the output indicator
# (``ChiSoDauRa``, a code of plan02_output_indicators) and its target (``GiaTriMucTieu``, a share 0-1); the status
# reported (``TrangThai``) and its date (``NgayCapNhat``, yyyyMMddHHmmss), the completion date reported.
TASK_FIELDS = (
    "MaNhiemVu", "NhomNhiemVu", "TenNhiemVu", "MaDonViChuTri", "DonViChuTri", "HanHoanThanh", "SanPhamDauRa",
    "ChiSoDauRa", "GiaTriMucTieu", "TrangThai", "NgayHoanThanh", "NgayCapNhat",
)
TASKS = FlatContract(TASK_FIELDS)
TASK_COLUMNS = TASKS.columns

# The province's annual targets per unit and indicator (one XLSX/CSV per decision): the year (``NamKeHoach``), the unit
# (``MaDonVi``: the province's code with ``PhamVi`` = TINH for the default of all its units, or a unit's own code with
# DON_VI), the Decision 766 indicator (``ChiSo``), the target (``GiaTriMucTieu``, a share 0-1), the decision setting it
# (``CanCu``) and when the file was issued (``NgayCapNhat``: a later file's target replaces an earlier one's).
TARGET_FIELDS = ("NamKeHoach", "MaDonVi", "TenDonVi", "PhamVi", "ChiSo", "GiaTriMucTieu", "CanCu", "NgayCapNhat")
TARGETS = FlatContract(TARGET_FIELDS)
TARGET_COLUMNS = TARGETS.columns

# The province's register of its departments and agencies (one XLSX/CSV per issue; a later file's row replaces an
# earlier one's): the unit's code (``MaDonVi``: the province code, a dot and its abbreviation, e.g. ``38.STP``), its
# names (``TenDonVi``, ``TenTiengAnh``), its level (``CapDonVi``: SO_NGANH a department or agency of the provincial
# People's Committee, TRUC_THUOC a unit under a department), its parent (``MaDonViCha``: the province's code for a
# department, the department's code for a unit under it), the electronic identifier it receives dossiers under
# (``MaDinhDanh``, Decision 20/2020: the prefix of every MaHoSo it issues) and when the file was issued
# (``NgayCapNhat``, yyyyMMddHHmmss).
DEPARTMENT_FIELDS = ("MaDonVi", "TenDonVi", "TenTiengAnh", "CapDonVi", "MaDonViCha", "MaDinhDanh", "NgayCapNhat")
DEPARTMENTS = FlatContract(DEPARTMENT_FIELDS)
DEPARTMENT_COLUMNS = DEPARTMENTS.columns
