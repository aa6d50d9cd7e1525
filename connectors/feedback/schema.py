"""Schema contracts of the feedback system's records as landed, all kept as text as received.

A feedback item (phản ánh, kiến nghị: ``MaPAKN``): the unit handling it (``MaDonVi``), the dossier it is about if
any (``MaHoSo``), its kind (``LoaiPAKN``), the sender's name and phone (``NguoiGui``, ``SoDienThoai``: personal data,
pseudonymized in staging), a title (``TieuDe``), when it was received (``NgayTiepNhan``), its outcome (``KetQua``:
DA_XU_LY processed, TU_CHOI rejected, YEU_CAU_BO_SUNG supplement requested, DANG_XU_LY open) and when
(``NgayXuLy``), when the answer was published (``NgayCongKhai``), the readers' likes and dislikes (``SoThich``,
``SoKhongThich``), whether it repeats an earlier item (``LapLai`` 1/0), its last change (``NgayCapNhat``, the cursor).

A dossier rating (``MaDanhGia``): the dossier (``MaHoSo``) and its unit (``MaDonVi``), the level (``MucDo``: 1 very
satisfied, 2 satisfied, 3 not satisfied), when it was given (``NgayDanhGia``) and its last change (``NgayCapNhat``).
Timestamps are yyyyMMddHHmmss; fields outside a contract go to ``_extra``.
"""

from __future__ import annotations

from connectors.listing import FlatContract

ITEM_FIELDS = ("MaPAKN", "MaDonVi", "MaHoSo", "LoaiPAKN", "NguoiGui", "SoDienThoai", "TieuDe", "NgayTiepNhan",
               "KetQua", "NgayXuLy", "NgayCongKhai", "SoThich", "SoKhongThich", "LapLai", "NgayCapNhat")
ITEMS = FlatContract(ITEM_FIELDS)
RATING_FIELDS = ("MaDanhGia", "MaHoSo", "MaDonVi", "MucDo", "NgayDanhGia", "NgayCapNhat")
RATINGS = FlatContract(RATING_FIELDS)
CURSOR = "NgayCapNhat"
