"""Schema contract of a land-registration transaction as landed: the land system's fields, from its API and from
its monthly CSV export (the same columns), all kept as text as received.

A transaction: its code (``MaGiaoDich``), the one-stop dossier it came with (``MaHoSoMotCua``), its kind
(``LoaiGiaoDich``: first registration, transfer, mortgage, other change), the parcel (commune ``MaXa``, map sheet
``SoToBanDo``, parcel number ``SoThua``, area ``DienTich`` m²), the land user and, for a transfer, the transferee
(names and personal IDs: pseudonymized in staging, never further), reception, deadline and completion, the
financial obligation (amount, tax notice, payment, and whether it was paid online through the tax/finance link),
status and last change (``NgayCapNhat``, the cursor). A row from a file also records the file, its row number and
its SHA-256. Fields outside the contract go to ``_extra``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from connectors.listing import contract_table

FIELDS = (
    "MaGiaoDich", "MaHoSoMotCua", "LoaiGiaoDich", "MaXa", "SoToBanDo", "SoThua", "DienTich", "ChuSuDung_HoTen",
    "ChuSuDung_SoGiayTo", "BenNhan_HoTen", "BenNhan_SoGiayTo", "NgayTiepNhan", "NgayHenTra", "TrangThai",
    "NgayHoanThanh", "SoTienNghiaVu", "NgayThongBaoThue", "NgayNopThue", "NopTrucTuyen", "NgayCapNhat",
)
PRIMARY_KEY = "MaGiaoDich"
CURSOR = "NgayCapNhat"
FILE_COLUMNS = ("_source_file", "_source_row", "_file_sha256")
COLUMNS = tuple(f.lower() for f in FIELDS) + ("_extra",) + FILE_COLUMNS
ARROW_SCHEMA = pa.schema([pa.field(c, pa.string()) for c in COLUMNS])
_BY_LOWER = {f.lower(): f for f in FIELDS}


def records_to_arrow(records: Iterable[dict]) -> pa.Table:
    """Column-wise Arrow table of transaction objects (API records, or file rows with their file columns)."""
    return contract_table(records, FIELDS, passthrough=FILE_COLUMNS).select(list(COLUMNS)).cast(ARROW_SCHEMA)


def contract_name(header: str) -> str:
    """A file's column header as the contract names it (headers are matched without regard to case)."""
    h = header.strip().lstrip("\ufeff")
    return _BY_LOWER.get(h.lower(), h)
