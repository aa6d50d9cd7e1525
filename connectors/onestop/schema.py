"""Schema contract of a one-stop dossier as landed: the DVCQG sync fields (domain.md §1.2), all kept as received.

Scalar fields are strings; list fields (identifiers, components, fees, supplements, results, history) are kept
as JSON text. Column names are the DVCQG names lower-cased. Besides the DVCQG push DTO, the contract takes the
fields a province's export carries locally (domain.md §1.2 "local-only fields"): the competent and receiving units'
codes (MaDonViXuLy, MaDonViTiepNhan), the sync state and first sync time to DVCQG (TrangThaiDongBoDVC,
NgayDongBoDVC) and the last change (NgayCapNhat, the extraction cursor). Fields outside the contract go to
``_extra`` so that nothing received is dropped, and are reported as schema drift.
"""

from __future__ import annotations

import logging
import operator
from collections.abc import Iterable

import msgspec
import pyarrow as pa

from connectors.listing import contract_table

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


# The fast path: a page decoded straight into structs whose list fields stay the JSON text received (msgspec.Raw:
# never decoded, never re-encoded), then column by column into Arrow. A page it cannot take as is (a field outside
# the contract, a number where a string belongs, a record that is not an object) is decoded the general way below,
# which keeps every field: the fast path only ever applies to pages that follow the contract exactly.
_NULL = msgspec.Raw(b"null")
Dossier = msgspec.defstruct(
    "Dossier", [(f, str | None, None) for f in SCALAR_FIELDS] + [(f, msgspec.Raw, _NULL) for f in NESTED_FIELDS],
    forbid_unknown_fields=True, gc=False)
_Page = msgspec.defstruct("DossierPage", [("data", list[Dossier]), ("has_more", bool, False),
                                          ("page", int | None, None)], gc=False)
_FAST = msgspec.json.Decoder(_Page)
_ALL_FIELDS = operator.attrgetter(*SCALAR_FIELDS, *NESTED_FIELDS)
_ANY = msgspec.json.Decoder()


def decode_page(body: bytes) -> dict:
    """A listing page ``{"data": [...], "has_more": …, "page": …}``: its rows as ``Dossier`` structs when every
    record follows the contract, else as dicts (the general path, which keeps fields outside it)."""
    try:
        page = _FAST.decode(body)
    except msgspec.ValidationError:
        return _ANY.decode(body)
    return {"data": page.data, "has_more": page.has_more, "page": page.page}


def structs_to_arrow(rows: list) -> pa.Table:
    """Column-wise Arrow table of ``Dossier`` structs: scalars as received, lists as the JSON text received."""
    columns = list(zip(*map(_ALL_FIELDS, rows), strict=True))  # one C call per row, then transposed
    cols = {f.lower(): pa.array(v, pa.string()) for f, v in zip(SCALAR_FIELDS, columns, strict=False)}
    for f, v in zip(NESTED_FIELDS, columns[len(SCALAR_FIELDS):], strict=True):
        cols[f.lower()] = pa.array([None if x == b"null" else bytes(x) for x in v], pa.string())
    cols["_extra"] = pa.nulls(len(rows), pa.string())
    return pa.table(cols, schema=ARROW_SCHEMA)


def is_struct_page(rows: list) -> bool:
    return bool(rows) and isinstance(rows[0], Dossier)


class ContractViolation(ValueError):
    """A record that cannot be landed at all (not a JSON object)."""


def records_to_arrow(records: Iterable[dict]) -> pa.Table:
    """Column-wise Arrow table of dossier objects, following the contract above (the general path)."""
    return contract_table(records, SCALAR_FIELDS, NESTED_FIELDS).select(list(COLUMNS)).cast(ARROW_SCHEMA)


def check_record(rec: object, position: int) -> dict:
    if not isinstance(rec, dict):
        raise ContractViolation(f"record #{position}: expected a JSON object, got {type(rec).__name__}")
    return rec
