"""Write the reference-data seeds of the dbt project from their sources (the unit list, the procedure catalogue).

``python -m kho.reference`` regenerates them; a test checks the committed seeds still match their sources.
"""

from __future__ import annotations

import csv
from pathlib import Path

from kho.settings import PROJECT_ROOT
from kho.units import load_units
from sandbox.onestop.catalog import PROCEDURES

SEEDS = PROJECT_ROOT / "dbt_project" / "seeds" / "reference"


def unit_rows() -> list[dict]:
    return [
        {"unit_code": u.code, "unit_level": u.level, "unit_name": u.name, "unit_full_name": u.full_name,
         "unit_name_en": u.name_en, "unit_full_name_en": u.full_name_en, "province_code": u.province_code}
        for u in load_units()
    ]


def procedure_rows() -> list[dict]:
    return [
        {"procedure_code": p.code, "procedure_name": p.name, "field_code": p.field_code, "field_name": p.field_name,
         "competent_tier": p.tier, "online_level": p.level, "statutory_working_days": p.days, "fee_vnd": p.fee}
        for p in PROCEDURES
    ]


def write_csv(path: Path, rows: list[dict]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)


def main() -> None:
    write_csv(SEEDS / "admin_units.csv", unit_rows())
    write_csv(SEEDS / "procedures.csv", procedure_rows())


if __name__ == "__main__":
    main()
