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
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

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
_NULL_TEXT = pa.scalar(bytes(_NULL), pa.large_binary())  # the same, as _raw_column compares it
Dossier = msgspec.defstruct(
    "Dossier", [(f, str | None, None) for f in SCALAR_FIELDS] + [(f, msgspec.Raw, _NULL) for f in NESTED_FIELDS],
    forbid_unknown_fields=True, gc=False)
_Page = msgspec.defstruct("DossierPage", [("data", list[Dossier]), ("has_more", bool, False),
                                          ("page", int | None, None)], gc=False)
_FAST = msgspec.json.Decoder(_Page)
_SCALAR_GETTERS = [(f, operator.attrgetter(f)) for f in SCALAR_FIELDS]  # a field of every row: one C loop each
_NESTED_GETTERS = [(f, operator.attrgetter(f)) for f in NESTED_FIELDS]
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
    cols = {f.lower(): pa.array(list(map(get, rows)), pa.string()) for f, get in _SCALAR_GETTERS}
    for f, get in _NESTED_GETTERS:
        cols[f.lower()] = _raw_column(list(map(get, rows)))
    cols["_extra"] = pa.nulls(len(rows), pa.string())
    return pa.table(cols, schema=ARROW_SCHEMA)


def _raw_column(values: list[msgspec.Raw]) -> pa.Array:
    """One list field of a page as Arrow strings: the received JSON texts laid end to end in one buffer, with their
    lengths as offsets (no Python object per value; ``null`` as SQL NULL). The cast to string checks the UTF-8."""
    offsets = np.zeros(len(values) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, values), np.int64, len(values)), out=offsets[1:])
    texts = pa.Array.from_buffers(pa.large_binary(), len(values),
                                  [None, pa.py_buffer(offsets), pa.py_buffer(b"".join(values))])
    return pc.if_else(pc.equal(texts, _NULL_TEXT), pa.scalar(None, pa.large_binary()), texts).cast(pa.string())


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
