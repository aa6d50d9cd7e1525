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

from connectors.listing import contract_table, scalar_text

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
# the contract, a number where a code or a date belongs, a record that is not an object) is decoded the general way
# below, which keeps every field: the fast path only ever applies to pages that follow the contract exactly.
#
# The five free-text fields, in Vietnamese (procedure and field names, the holder, the summary, the handling unit),
# are kept as their JSON text too: msgspec then skips decoding their UTF-8 into Python strings, which pyarrow would
# encode back to UTF-8 (2.4 µs a dossier less to decode, 0.5 µs more to build their columns). Their quotes are
# sliced off in Arrow; a column with an escape (``\"``, ``\u1ee9``) or a value that is not a string is decoded value
# by value, landing what the general path lands.
TEXT_FIELDS = ("TenTTHC", "TenLinhVuc", "ChuHoSo", "TrichYeuHoSo", "DonViXuLy")
_NULL = msgspec.Raw(b"null")
_N, _QUOTE = ord("n"), ord('"')  # the first bytes of JSON's null and of a string
Dossier = msgspec.defstruct(
    "Dossier", [(f, msgspec.Raw, _NULL) if f in TEXT_FIELDS else (f, str | None, None) for f in SCALAR_FIELDS]
    + [(f, msgspec.Raw, _NULL) for f in NESTED_FIELDS], forbid_unknown_fields=True, gc=False)
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
    cols = {}
    for f, get in _SCALAR_GETTERS:
        values = list(map(get, rows))
        cols[f.lower()] = _text_column(values) if f in TEXT_FIELDS else pa.array(values, pa.string())
    for f, get in _NESTED_GETTERS:
        cols[f.lower()] = _raw_texts(list(map(get, rows)))[0].cast(pa.string())
    cols["_extra"] = pa.nulls(len(rows), pa.string())
    return pa.table(cols, schema=ARROW_SCHEMA)


def _raw_texts(values: list[msgspec.Raw]) -> tuple[pa.Array, bytes, np.ndarray]:
    """Received JSON texts as Arrow binary, laid end to end in one buffer with their lengths as offsets (no Python
    object per value), ``null`` as SQL NULL (JSON's only value beginning with ``n``), with that buffer and each
    text's first byte. The lists land so (cast to string, which checks the UTF-8)."""
    offsets = np.zeros(len(values) + 1, np.int64)
    np.cumsum(np.fromiter(map(len, values), np.int64, len(values)), out=offsets[1:])
    joined = b"".join(values)
    first = np.frombuffer(joined, np.uint8)[offsets[:-1]] if values else np.zeros(0, np.uint8)
    present = first != _N
    nulls = len(values) - int(np.count_nonzero(present))
    validity = pa.py_buffer(np.packbits(present, bitorder="little")) if nulls else None
    texts = pa.Array.from_buffers(pa.large_binary(), len(values),
                                  [validity, pa.py_buffer(offsets), pa.py_buffer(joined)], nulls)
    return texts, joined, first


def _text_column(values: list[msgspec.Raw]) -> pa.Array:
    """A free-text field received as JSON strings, as Arrow strings: each text without its quotes when none has an
    escape and every value is a string or null, else each value decoded and, when it is not a string, landed as its
    JSON text (as the general path lands it)."""
    texts, joined, first = _raw_texts(values)
    if b"\\" not in joined and bool(((first == _QUOTE) | (first == _N)).all()):
        return pc.binary_slice(texts, 1, -1).cast(pa.string())
    return pa.array([scalar_text(_ANY.decode(v)) for v in values], pa.string())


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
