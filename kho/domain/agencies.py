"""Electronic identifier codes of agencies, ``NNN.NN.NN.XNN`` (Decision 20/2020/QĐ-TTg; domain.md §3.4).

The rightmost part is the level-1 unit (a letter group and two digits: ``G`` ministries, ``H`` provincial People's
Committees, …); the parts to its left are levels 2, 3 and 4 read right to left, ``0`` meaning "the unit itself".
Pre-2025 ``H`` codes number the 63 provinces alphabetically (not by statistics-office code); which of them survive
the 2025 merger is not confirmed, so an ``H`` code links to its pre-reform province and, through the 63→34 map, to
the current one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from kho.domain import sql_rules
from kho.domain.legacy_units import load_legacy_units
from kho.domain.units import ascii_name

AGENCY_CODE = re.compile(r"^(\d{3})\.(\d{2})\.(\d{2})\.([A-Z])(\d{2})$")
AGENCY_CODE_SQL = sql_rules.AGENCY_CODE  # the same shape for PostgreSQL's regex (validation and dbt)

LEVEL1_GROUPS = {
    "A": "Cơ quan của Đảng", "B": "Văn phòng Chủ tịch nước", "C": "Cơ quan của Quốc hội",
    "D": "Tòa án nhân dân tối cao", "E": "Viện kiểm sát nhân dân tối cao", "F": "Kiểm toán nhà nước",
    "G": "Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
    "H": "Ủy ban nhân dân tỉnh, thành phố", "I": "Tổ chức chính trị - xã hội trung ương", "J": "Tổ chức xã hội",
    "K": "Hội đồng nhân dân tỉnh, thành phố",
}
# Ministries named in domain.md §3.4 (others in group G are valid codes without a name here).
MINISTRIES = {
    "G01": "Bộ Công an", "G02": "Bộ Công Thương", "G03": "Bộ Giáo dục và Đào tạo", "G06": "Bộ Khoa học và Công nghệ",
    "G09": "Bộ Nội vụ", "G10": "Bộ Nông nghiệp và Môi trường", "G12": "Bộ Tài chính", "G15": "Bộ Tư pháp",
    "G17": "Bộ Xây dựng", "G18": "Bộ Y tế", "G22": "Văn phòng Chính phủ",
}
# H01–H63 in alphabetical order of the pre-2025 provinces (domain.md §3.4), as names to match the legacy register.
H_PROVINCES = (
    "An Giang", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bà Rịa - Vũng Tàu", "Bến Tre", "Bình Định",
    "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng", "Đắk Lắk", "Đắk Nông", "Đà Nẵng",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hải Dương", "Hải Phòng", "Hà Nam", "Hà Nội",
    "Hà Tĩnh", "Hoà Bình", "Hồ Chí Minh", "Hậu Giang", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh",
    "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long",
    "Vĩnh Phúc", "Yên Bái",
)


class InvalidAgencyCode(ValueError):
    pass


@dataclass(frozen=True)
class AgencyCode:
    code: str
    level1: str  # e.g. H56
    group: str  # e.g. H
    level2: str
    level3: str
    level4: str

    @property
    def depth(self) -> int:
        """1 for the level-1 unit itself, up to 4 for a unit three levels below it."""
        return 1 + max((i + 1 for i, part in enumerate((self.level2, self.level3, self.level4)) if int(part)),
                       default=0)


def parse_agency_code(code: str) -> AgencyCode:
    m = AGENCY_CODE.match(code.strip())
    if not m:
        raise InvalidAgencyCode(f"{code!r} is not an agency code of the form NNN.NN.NN.XNN")
    l4, l3, l2, group, num = m.groups()
    return AgencyCode(code.strip(), f"{group}{num}", group, l2, l3, l4)


def _key(name: str) -> str:
    return ascii_name(name).lower().replace(" ", "")


@lru_cache(maxsize=1)
def h_code_provinces() -> dict[str, str]:
    """``H01``…``H63`` → pre-2025 province code, matched by name against the legacy register."""
    legacy = {_key(u.full_name.removeprefix("Tỉnh ").removeprefix("Thành phố ")): u.code
              for u in load_legacy_units() if u.level == "province"}
    out = {}
    for i, name in enumerate(H_PROVINCES, start=1):
        key = _key(name)
        if key not in legacy:
            raise KeyError(f"H{i:02d} {name}: no pre-2025 province of that name")
        out[f"H{i:02d}"] = legacy[key]
    return out


@lru_cache(maxsize=1)
def h_code_current_provinces() -> dict[str, frozenset[str]]:
    """``H01``…``H63`` → the current provinces its pre-2025 province's communes went to (one, or two where the
    province was split): where an agency identifier under that H code may belong today."""
    from kho.domain.legacy_units import province_code_map

    current: dict[str, set[str]] = {}
    for m in province_code_map():
        current.setdefault(m.old_code, set()).add(m.new_code)
    return {h: frozenset(current.get(old, ())) for h, old in h_code_provinces().items()}
