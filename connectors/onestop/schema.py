"""Schema contract of a one-stop dossier as landed: the DVCQG sync fields (domain.md §1.2), all kept as received.

Scalar fields are strings; list fields (identifiers, components, fees, supplements, results, history) are kept
as JSON text. Column names are the DVCQG names lower-cased. Besides the DVCQG push DTO, the contract takes the
fields a province's export carries locally (domain.md §1.2 "local-only fields"): the competent and receiving units'
codes (MaDonViXuLy, MaDonViTiepNhan), the sync state and first sync time to DVCQG (TrangThaiDongBoDVC,
NgayDongBoDVC) and the last change (NgayCapNhat, the extraction cursor). Fields outside the contract go to
``_extra`` so that nothing received is dropped, and are reported as schema drift.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

import pyarrow as pa

log = logging.getLogger(__name__)

SCALAR_FIELDS = (
    "MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "KenhThucHien", "LoaiDoiTuong", "ChuHoSo",
    "SoGiayToChuHoSo", "MaDoiTuong", "SoDienThoai", "Email", "TrichYeuHoSo", "NgayNopHoSo", "NgayTiepNhan",
    "NgayHenTra", "TrangThaiHoSo", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi", "DonViXuLy", "MaDonViXuLy",
    "MaDonViTiepNhan", "NoiNopHoSo", "HoSoCoThanhPhanSoHoa", "TaiKhoanDuocXacThucVoiVNeID",
    "DuocThanhToanTrucTuyen", "TrangThaiDongBoDVC", "NgayDongBoDVC", "NgayCapNhat",
)
NESTED_FIELDS = (
    "DinhDanhCHS", "TaiLieuNop", "DanhSachLePhi", "DanhSachHoSoBoSung", "DanhSachGiayToKetQua", "QuaTrinhXuLy",
    "DSKetNoiCSDL",
)
PRIMARY_KEY = "MaHoSo"
CURSOR = "NgayCapNhat"
COLUMNS = tuple(f.lower() for f in SCALAR_FIELDS + NESTED_FIELDS) + ("_extra",)
ARROW_SCHEMA = pa.schema([pa.field(c, pa.string()) for c in COLUMNS])
_KNOWN = frozenset(SCALAR_FIELDS + NESTED_FIELDS)


class ContractViolation(ValueError):
    """A record that cannot be landed at all (not a JSON object)."""


def _scalar(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def records_to_arrow(records: Iterable[dict]) -> pa.Table:
    """Column-wise Arrow table of dossier objects, following the contract above."""
    cols: dict[str, list] = {c: [] for c in COLUMNS}
    drift: set[str] = set()
    for rec in records:
        for f in SCALAR_FIELDS:
            cols[f.lower()].append(_scalar(rec.get(f)))
        for f in NESTED_FIELDS:
            v = rec.get(f)
            cols[f.lower()].append(None if v is None else json.dumps(v, ensure_ascii=False))
        extra = {k: v for k, v in rec.items() if k not in _KNOWN}
        if extra:
            drift.update(extra)
        cols["_extra"].append(json.dumps(extra, ensure_ascii=False) if extra else None)
    if drift:
        log.warning("schema drift: fields outside the contract kept in _extra: %s", ", ".join(sorted(drift)))
    return pa.table(cols, schema=ARROW_SCHEMA)


def check_record(rec: object, position: int) -> dict:
    if not isinstance(rec, dict):
        raise ContractViolation(f"record #{position}: expected a JSON object, got {type(rec).__name__}")
    return rec
