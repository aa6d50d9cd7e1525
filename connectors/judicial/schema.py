"""Schema contract of a judicial-record request as landed: the fields of the judicial-record system's listing
(the e-form's names where domain.md §7 gives them: HoVaTen, NgaySinh, GioiTinh, QuocTich, SoGiayTo,
MucDichCapPhieu, LoaiPhieu), all kept as received.

Scalars are strings; the list of checks sent to other agencies (``DanhSachXacMinh``: police, the National Centre of
Judicial Records, courts) is kept as the JSON text received. Column names are the source's, lower-cased. Fields
outside the contract go to ``_extra``, reported as schema drift, never dropped.

**Sensitive data** (Decree 13/2023/NĐ-CP): ``KetQua`` (whether the person has a criminal record) and each check's
``KetQuaXacMinh`` land in the restricted raw schema and go no further than the restricted staging schema; the
marts carry counts and timeliness only.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa

from connectors.listing import contract_table

SCALAR_FIELDS = (
    "MaYeuCau", "MaHoSoMotCua", "LoaiPhieu", "MucDichCapPhieu", "HoVaTen", "NgaySinh", "GioiTinh", "QuocTich",
    "SoGiayTo", "CuTruNhieuNoi", "MaDonViTiepNhan", "NgayTiepNhan", "NgayHenTra", "TrangThai", "NgayCap",
    "SoPhieu", "KetQua", "NgayCapNhat",
)
NESTED_FIELDS = ("DanhSachXacMinh",)
PRIMARY_KEY = "MaYeuCau"
CURSOR = "NgayCapNhat"
COLUMNS = tuple(f.lower() for f in SCALAR_FIELDS + NESTED_FIELDS) + ("_extra",)
SENSITIVE_COLUMNS = ("ketqua", "danhsachxacminh")  # a criminal record, and the agencies' answers about it
ARROW_SCHEMA = pa.schema([pa.field(c, pa.string()) for c in COLUMNS])


def records_to_arrow(records: Iterable[dict]) -> pa.Table:
    """Column-wise Arrow table of request objects, following the contract above."""
    return contract_table(records, SCALAR_FIELDS, NESTED_FIELDS).select(list(COLUMNS)).cast(ARROW_SCHEMA)
