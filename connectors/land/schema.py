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

from connectors.listing import FlatContract

FIELDS = (
    "MaGiaoDich", "MaHoSoMotCua", "LoaiGiaoDich", "MaXa", "SoToBanDo", "SoThua", "DienTich", "ChuSuDung_HoTen",
    "ChuSuDung_SoGiayTo", "BenNhan_HoTen", "BenNhan_SoGiayTo", "NgayTiepNhan", "NgayHenTra", "TrangThai",
    "NgayHoanThanh", "SoTienNghiaVu", "NgayThongBaoThue", "NgayNopThue", "NopTrucTuyen", "NgayCapNhat",
)
PRIMARY_KEY = "MaGiaoDich"
CURSOR = "NgayCapNhat"
CONTRACT = FlatContract(FIELDS)
COLUMNS = CONTRACT.columns
records_to_arrow = CONTRACT.to_arrow
contract_name = CONTRACT.name_of
