"""The units before the July 2025 reform and the statistics office's old→new conversion table.

Sources (``reference_data/admin_units/``, provenance in the README there):

- ``nso_communes_pre_2025-07.csv``: 63 provinces, 696 districts, 10,051 communes/wards/townships (register of
  2025-01-04), one row per commune; island districts without communes appear as rows of level "Huyện".
- ``nso_commune_conversion_2025-07.csv``: one row per (new commune, old commune) pair, with a two-line header,
  province banner rows (``THÀNH PHỐ HÀ NỘI  ,,,``), trailing spaces, free-text notes with typos, and old communes
  split over several new ones.

**Split rule** (deterministic, documented in README): an old commune listed under several new communes sends its
records to the new commune that kept its code; failing that, to the first one listed in the table. Every mapping row
of a split carries ``is_split`` so analysts can see the ambiguity.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kho.core.settings import PROJECT_ROOT
from kho.domain.units import unit_codes

ADMIN_UNITS = PROJECT_ROOT / "reference_data" / "admin_units"
LEGACY_CSV = ADMIN_UNITS / "nso_communes_pre_2025-07.csv"
CONVERSION_CSV = ADMIN_UNITS / "nso_commune_conversion_2025-07.csv"
REFORM_DATE = "2025-07-01"

_LEGACY_LEVELS = {"Xã": "commune", "Phường": "ward", "Thị trấn": "township", "Huyện": "district"}
_CODE_IN_PARENS = re.compile(r"\((\d+)\)\s*$")


@dataclass(frozen=True)
class LegacyUnit:
    code: str
    level: str  # province | district | commune | ward | township
    full_name: str
    name_en: str
    province_code: str
    province_name: str
    district_code: str
    district_name: str


@dataclass(frozen=True)
class Conversion:
    """One row of the conversion table: old commune → new commune."""

    new_code: str
    new_province_code: str
    old_code: str
    old_province_code: str
    old_name: str
    note: str  # as written, whitespace collapsed
    kind: str  # merged_whole | merged_part | unchanged | renamed | reorganized | unspecified
    position: int  # order in the table (the split rule's tie-break)


def _clean(value: str) -> str:
    return " ".join(value.split())


def conversion_kind(note: str) -> str:
    """Classify the table's free-text note (it has typos: "Nhâp", double spaces)."""
    n = _clean(note).lower().replace("nhâp", "nhập")
    if not n:
        return "unspecified"
    if "một phần" in n or "phần còn lại" in n:
        return "merged_part"
    if n.startswith("nhập toàn bộ"):
        return "merged_whole"
    if n.startswith("giữ nguyên"):
        return "unchanged"
    if n.startswith("đổi"):
        return "renamed"
    if n.startswith("sắp xếp"):
        return "reorganized"
    raise ValueError(f"conversion note {note!r} matches no known kind")


def _code_in_parens(label: str, what: str, line: int) -> str:
    m = _CODE_IN_PARENS.search(label.strip())
    if not m:
        raise ValueError(f"{CONVERSION_CSV.name} line {line}: {what} {label!r} carries no '(code)'")
    return m.group(1)


@lru_cache(maxsize=1)
def load_legacy_units(path: Path = LEGACY_CSV) -> tuple[LegacyUnit, ...]:
    """Provinces, districts and communes of the pre-reform register (provinces/districts derived from commune rows)."""
    communes: list[LegacyUnit] = []
    provinces: dict[str, str] = {}
    districts: dict[str, tuple[str, str]] = {}
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            pcode, dcode = row["Mã TP"].strip(), row["Mã QH"].strip()
            provinces.setdefault(pcode, _clean(row["Tỉnh Thành Phố"]))
            districts.setdefault(dcode, (_clean(row["Quận Huyện"]), pcode))
            level = _LEGACY_LEVELS[row["Cấp"].strip()]
            if level == "district":  # an island district without communes: kept as a district only
                continue
            communes.append(LegacyUnit(row["Mã PX"].strip(), level, _clean(row["Phường Xã"]),
                                       _clean(row["Tên Tiếng Anh"]), pcode, provinces[pcode], dcode,
                                       districts[dcode][0]))
    units = [LegacyUnit(c, "province", n, "", c, n, "", "") for c, n in sorted(provinces.items())]
    units += [LegacyUnit(c, "district", n, "", p, provinces[p], c, n) for c, (n, p) in sorted(districts.items())]
    return tuple(units + communes)


@lru_cache(maxsize=1)
def load_conversions(path: Path = CONVERSION_CSV) -> tuple[Conversion, ...]:
    """Data rows of the conversion table; header lines and province banner rows are skipped."""
    rows: list[Conversion] = []
    with open(path, encoding="utf-8", newline="") as f:
        for line, rec in enumerate(csv.reader(f), start=1):
            if line <= 2 or len(rec) < 8 or not rec[2].strip():  # header, banner (name only) or blank
                continue
            old_code = rec[4].strip()
            if not old_code:  # a new unit made of a whole former district (special zones): no old commune
                continue
            rows.append(Conversion(
                new_code=rec[2].strip(),
                new_province_code=_code_in_parens(rec[0], "new province", line),
                old_code=old_code,
                old_province_code=_code_in_parens(rec[7], "old province", line),
                old_name=_clean(rec[3]),
                note=_clean(rec[5]),
                kind=conversion_kind(rec[5]),
                position=len(rows),
            ))
    return tuple(rows)


@dataclass(frozen=True)
class CodeMapping:
    old_code: str
    new_code: str
    kind: str
    note: str
    is_split: bool  # the old commune went to several new communes
    is_primary: bool  # the target that receives the old code's records


@lru_cache(maxsize=1)
def commune_code_map() -> tuple[CodeMapping, ...]:
    """Every (old, new) pair, with the split flag and the primary target chosen by the split rule."""
    by_old: dict[str, list[Conversion]] = defaultdict(list)
    for c in load_conversions():
        by_old[c.old_code].append(c)
    out: list[CodeMapping] = []
    for old, targets in by_old.items():
        distinct = list(dict.fromkeys(t.new_code for t in targets))  # a pair can be listed twice
        primary = old if old in distinct else distinct[0]
        seen: set[str] = set()
        for t in targets:
            if t.new_code in seen:
                continue
            seen.add(t.new_code)
            out.append(CodeMapping(old, t.new_code, t.kind, t.note, len(distinct) > 1, t.new_code == primary))
    return tuple(out)


@dataclass(frozen=True)
class ProvinceMapping:
    old_code: str
    new_code: str
    communes: int  # old communes of the old province that went to the new province
    is_primary: bool  # the new province receiving most of the old province's communes


@lru_cache(maxsize=1)
def province_code_map() -> tuple[ProvinceMapping, ...]:
    """63 → 34, derived from the conversion table (an old province can touch two new ones, e.g. 82 Tiền Giang)."""
    counts: Counter[tuple[str, str]] = Counter()
    for c in load_conversions():
        counts[(c.old_province_code, c.new_province_code)] += 1
    best: dict[str, tuple[int, str]] = {}
    for (old, new), n in counts.items():
        if (n, new) > best.get(old, (-1, "")):
            best[old] = (n, new)
    return tuple(ProvinceMapping(old, new, n, best[old][1] == new) for (old, new), n in sorted(counts.items()))


def primary_province_map() -> dict[str, str]:
    """Pre-2025 province code → the current province that took most of its communes."""
    return {m.old_code: m.new_code for m in province_code_map() if m.is_primary}


@lru_cache(maxsize=1)
def resolvable_unit_codes() -> frozenset[str]:
    """Codes a record may carry and still land on a current unit: current codes, converted pre-2025 communes and
    pre-2025 provinces. Pre-2025 communes missing from the conversion table, and former districts, are not."""
    legacy_provinces = {u.code for u in load_legacy_units() if u.level == "province"}
    return unit_codes() | {c.old_code for c in load_conversions()} | legacy_provinces


def citizen_id_prefixes() -> list[str]:
    """Digits 1-3 of a personal ID: a pre-2025 province code zero-padded to 3 digits (domain.md §4)."""
    return sorted(f"0{u.code}" for u in load_legacy_units() if u.level == "province")
