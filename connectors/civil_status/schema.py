"""Schema contract of civil-status exports: the Ministry of Justice template columns (domain.md §7), per record type.

Communes hand over one file per record type and month. Column names are the template's camelCase keys; the raw
tables use them lower-cased (PostgreSQL folds unquoted names). Every value lands as text exactly as read (an Excel
date cell becomes ``yyyy-mm-dd``); columns outside the contract are kept in ``_extra`` rather than dropped. Each row
also records the file it came from, its row number there, the file's SHA-256, and the commune code and month the
file name declares.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyarrow as pa

COMMON = ("so", "quyenSo", "trangSo", "ngayDangKy", "loaiDangKy", "noiDangKy", "nguoiKy", "chucVuNguoiKy",
          "nguoiThucHien", "ghiChu", "nycHoTen", "nycQuanHe", "nycLoaiGiayToTuyThan", "nycSoGiayToTuyThan")


def _person(prefix: str) -> tuple[str, ...]:
    return tuple(f"{prefix}{f}" for f in ("HoTen", "NgaySinh", "DanToc", "QuocTich", "NoiCuTru",
                                          "LoaiGiayToTuyThan", "SoGiayToTuyThan"))


TEMPLATE = {
    "KS": COMMON + ("nksHoTen", "nksGioiTinh", "nksNgaySinh", "nksNoiSinh", "nksQueQuan", "nksDanToc", "nksQuocTich",
                    "soDinhDanh") + _person("me") + _person("cha"),
    "KT": COMMON + ("nktHoTen", "nktGioiTinh", "nktNgaySinh", "nktDanToc", "nktQuocTich", "nktNoiCuTru",
                    "nktLoaiGiayToTuyThan", "nktSoGiayToTuyThan", "nktNgayChet", "nktGioPhutChet", "nktNoiChet",
                    "nktNguyenNhanChet", "gbtLoai", "gbtSo", "gbtNgay", "gbtCoQuanCap"),
    "KH": COMMON + ("ngayXacLapQuanHeHonNhan", "tinhTrangKetHon") + _person("chong") + _person("vo"),
}
STREAM_OF = {"KS": "births", "KT": "deaths", "KH": "marriages"}
# people on an entry with a citizen ID and a birth date (column prefixes): the ones a population check can confirm
CHECKED_PEOPLE = {"KS": ("me", "cha"), "KT": ("nkt",), "KH": ("chong", "vo")}
KIND_OF = {stream: kind for kind, stream in STREAM_OF.items()}
TITLES = {"KS": "SỔ ĐĂNG KÝ KHAI SINH", "KT": "SỔ ĐĂNG KÝ KHAI TỬ", "KH": "SỔ ĐĂNG KÝ KẾT HÔN"}
# which column prefix tells a header's record type apart (the file name must agree)
MARKER = {"KS": "nkshoten", "KT": "nkthoten", "KH": "chonghoten"}
FILE_COLUMNS = ("_source_file", "_source_row", "_file_sha256", "_file_unit_code", "_file_period", "_extra")
PRIMARY_KEY = ("_file_unit_code", "quyenso", "so")  # per record type: the register book and entry number


def raw_columns(kind: str) -> tuple[str, ...]:
    return FILE_COLUMNS + tuple(c.lower() for c in TEMPLATE[kind])


def to_arrow(kind: str, records: Iterable[dict]) -> pa.Table:
    rows = list(records)
    return pa.table({c: pa.array([r.get(c) for r in rows], pa.string()) for c in raw_columns(kind)})


def extra_json(extra: dict[str, str]) -> str | None:
    return json.dumps(extra, ensure_ascii=False) if extra else None
