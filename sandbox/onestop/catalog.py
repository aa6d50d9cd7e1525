"""Procedures the sandbox one-stop system serves: the sandbox national procedure list (``sandbox/catalogue/``, see
its README for what is real and what is illustrative; the sandbox catalogue system serves it to Kho) plus how often
each is asked for.

``days`` is the statutory processing time in working days; ``level`` is the online-service level MucDo (2 =
information only, 3 = partial, 4 = full online); ``fee`` is in VND (0 = free).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

PROCEDURES_CSV = Path(__file__).resolve().parents[1] / "catalogue" / "procedures.csv"


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field_code: str
    field_name: str
    tier: str  # "commune" or "province": who is competent
    level: int
    days: int
    fee: int
    weight: float


# how often each procedure is asked for in the simulated province (relative weights)
WEIGHTS = {"1.001193": 18, "1.000894": 6, "1.000656": 5, "2.000635": 10, "1.004227": 22, "1.003583": 6,
           "1.001612": 8, "2.000986": 4, "1.004082": 3, "2.001955": 5, "1.002804": 6, "3.000181": 3, "1.000489": 4}


def _load() -> tuple[Procedure, ...]:
    with PROCEDURES_CSV.open(encoding="utf-8", newline="") as f:
        return tuple(Procedure(r["procedure_code"], r["procedure_name"], r["field_code"], r["field_name"],
                               r["competent_tier"], int(r["online_level_code"]), int(r["statutory_working_days"]),
                               int(r["fee_vnd"]), WEIGHTS[r["procedure_code"]]) for r in csv.DictReader(f))


PROCEDURES: tuple[Procedure, ...] = _load()
