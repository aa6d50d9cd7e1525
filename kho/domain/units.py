"""The real administrative units in force since 2025-07-01 (34 provinces, 3,321 communes, wards and special zones).

Source: ``reference_data/admin_units/vn_units_simplified.json`` (see the README beside it for provenance).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kho.core.settings import PROJECT_ROOT

UNITS_JSON = PROJECT_ROOT / "reference_data" / "admin_units" / "vn_units_simplified.json"

_LEVELS = {"xã": "commune", "phường": "ward", "đặc": "special_zone"}


@dataclass(frozen=True)
class Unit:
    code: str
    level: str  # province | commune | ward | special_zone
    name: str
    full_name: str
    name_en: str
    full_name_en: str
    province_code: str


def ascii_name(name: str) -> str:
    """The name without diacritics ("Phường Ba Đình" → "Phuong Ba Dinh"), for search and for systems without them."""
    decomposed = unicodedata.normalize("NFKD", name.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def commune_level(full_name: str) -> str:
    """Level of a commune-tier unit from its full name ("Xã …", "Phường …", "Đặc khu …")."""
    return _LEVELS[full_name.split()[0].lower()]


@lru_cache(maxsize=4)
def load_units(path: Path = UNITS_JSON) -> tuple[Unit, ...]:
    provinces = json.loads(path.read_text(encoding="utf-8"))
    units: list[Unit] = []
    for p in provinces:
        units.append(Unit(p["Code"], "province", p["Name"], p["FullName"], p["NameEn"], p["FullNameEn"], p["Code"]))
        for w in p["Wards"]:
            units.append(
                Unit(
                    w["Code"], commune_level(w["FullName"]), w["Name"], w["FullName"], w["NameEn"],
                    w["FullNameEn"], w["ProvinceCode"],
                )
            )
    return tuple(units)


@lru_cache(maxsize=1)
def unit_codes() -> frozenset[str]:
    """Every current unit's code (built once: a membership test per record must not rebuild 3,355 codes)."""
    return frozenset(u.code for u in load_units())


def communes_of(province_code: str) -> list[Unit]:
    return [u for u in load_units() if u.level != "province" and u.province_code == province_code]


def province(province_code: str) -> Unit:
    for u in load_units():
        if u.level == "province" and u.code == province_code:
            return u
    raise KeyError(f"unknown province code {province_code!r}")
