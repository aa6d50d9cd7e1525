"""The statistics-office files read with nothing but the csv module, as the tests' independent expectation.

Kept apart from kho's loaders on purpose: tests compare kho's reading of the registers against this one.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

ADMIN_UNITS = Path(__file__).resolve().parents[1] / "reference_data" / "admin_units"


def conversion_rows() -> list[list[str]]:
    """Data rows of the conversion table (the two header lines dropped; banner rows still in)."""
    with open(ADMIN_UNITS / "nso_commune_conversion_2025-07.csv", encoding="utf-8") as f:
        return list(csv.reader(f))[2:]


def conversion_targets() -> dict[str, list[str]]:
    """Old commune code → distinct new commune codes, in table order."""
    targets: dict[str, list[str]] = defaultdict(list)
    for row in conversion_rows():
        if len(row) > 4 and row[2].strip() and row[4].strip() and row[2].strip() not in targets[row[4].strip()]:
            targets[row[4].strip()].append(row[2].strip())
    return targets


def receiving_commune() -> dict[str, str]:
    """The split rule: the new commune that kept the old code, else the first listed."""
    return {old: old if old in new else new[0] for old, new in conversion_targets().items()}


def legacy_province_codes() -> set[str]:
    with open(ADMIN_UNITS / "nso_communes_pre_2025-07.csv", encoding="utf-8") as f:
        return {row["Mã TP"] for row in csv.DictReader(f)}
