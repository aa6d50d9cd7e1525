"""Write the reference-data seeds of the dbt project from their sources.

Sources: the unit lists and conversion table in ``reference_data/admin_units/`` (provenance in its README), the
``holidays`` package for the calendar, the agency-code scheme of Decision 20/2020 and the document types of Decree
30/2020. ``python -m kho.domain.reference`` regenerates every seed; a test checks the committed seeds still match.
Procedures are not reference data: they come from the procedure catalogue source (``connectors/catalogue``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

from kho.core.settings import PROJECT_ROOT
from kho.domain.agencies import LEVEL1_GROUPS, MINISTRIES, h_code_provinces
from kho.domain.calendar_vn import calendar_exceptions
from kho.domain.document_types import type_rows
from kho.domain.legacy_units import (
    REFORM_DATE,
    commune_code_map,
    load_legacy_units,
    primary_province_map,
    province_code_map,
)
from kho.domain.units import ascii_name, load_units

SEEDS = PROJECT_ROOT / "dbt_project" / "seeds" / "reference"


def unit_rows() -> list[dict]:
    """The 34 provinces and 3,321 communes in force since the reform."""
    return [
        {"unit_code": u.code, "unit_level": u.level, "unit_name": u.name, "unit_full_name": u.full_name,
         "unit_name_ascii": ascii_name(u.full_name), "unit_name_en": u.name_en, "unit_full_name_en": u.full_name_en,
         "province_code": u.province_code, "valid_from": REFORM_DATE}
        for u in load_units()
    ]


def legacy_unit_rows() -> list[dict]:
    """The 63 provinces, 696 districts and 10,051 communes in force until the reform."""
    return [
        {"unit_code": u.code, "unit_level": u.level, "unit_full_name": u.full_name,
         "unit_name_ascii": ascii_name(u.full_name), "unit_name_en": u.name_en, "province_code": u.province_code,
         "province_name": u.province_name, "district_code": u.district_code, "district_name": u.district_name,
         "valid_to": REFORM_DATE}
        for u in load_legacy_units()
    ]


def commune_map_rows() -> list[dict]:
    return [
        {"legacy_unit_code": m.old_code, "unit_code": m.new_code, "conversion_kind": m.kind, "conversion_note": m.note,
         "is_split": m.is_split, "is_primary": m.is_primary}
        for m in commune_code_map()
    ]


def province_map_rows() -> list[dict]:
    return [
        {"legacy_province_code": m.old_code, "province_code": m.new_code, "legacy_communes": m.communes,
         "is_primary": m.is_primary}
        for m in province_code_map()
    ]


def citizen_id_province_rows() -> list[dict]:
    """Digits 1–3 of a personal ID: the pre-2025 province where the birth was registered (domain.md §4)."""
    primary = primary_province_map()
    return [
        {"id_prefix": f"0{u.code}", "legacy_province_code": u.code, "legacy_province_name": u.full_name,
         "province_code": primary[u.code]}
        for u in load_legacy_units() if u.level == "province"
    ]


def agency_level1_rows() -> list[dict]:
    """Level-1 agency codes Kho can name: the 63 provincial People's Committees (H) and the ministries cited."""
    legacy = {u.code: u.full_name for u in load_legacy_units() if u.level == "province"}
    primary = primary_province_map()
    rows = [
        {"level1_code": h, "level1_group": "H", "group_name": LEVEL1_GROUPS["H"],
         "level1_name": f"Ủy ban nhân dân {legacy[p]}", "legacy_province_code": p, "province_code": primary[p]}
        for h, p in h_code_provinces().items()
    ]
    rows += [
        {"level1_code": g, "level1_group": "G", "group_name": LEVEL1_GROUPS["G"], "level1_name": name,
         "legacy_province_code": "", "province_code": ""}
        for g, name in MINISTRIES.items()
    ]
    return rows


SEED_BUILDERS: dict[str, Callable[[], list[dict]]] = {
    "admin_units": unit_rows,
    "admin_units_legacy": legacy_unit_rows,
    "unit_code_conversions": commune_map_rows,
    "province_code_conversions": province_map_rows,
    "citizen_id_provinces": citizen_id_province_rows,
    "agency_level1_codes": agency_level1_rows,
    "calendar_exceptions": calendar_exceptions,
    "document_types": type_rows,
}


def render_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


SHARED_RULES_MACROS = PROJECT_ROOT / "dbt_project" / "macros" / "generated" / "shared_rules.sql"


def write_seeds(target: Path = SEEDS) -> list[Path]:
    """Every seed, and the dbt macros of the patterns and keys validation shares with dbt (kho.domain.sql_rules)."""
    from kho.domain.sql_rules import dbt_macros

    target.mkdir(parents=True, exist_ok=True)
    SHARED_RULES_MACROS.parent.mkdir(exist_ok=True)
    SHARED_RULES_MACROS.write_text(dbt_macros(), encoding="utf-8")
    written = [SHARED_RULES_MACROS]
    for name, build in SEED_BUILDERS.items():
        path = target / f"{name}.csv"
        path.write_text(render_csv(build()), encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    for path in write_seeds():
        print(path.relative_to(PROJECT_ROOT))


if __name__ == "__main__":
    main()
