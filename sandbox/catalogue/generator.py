"""The national procedure database as a sandbox province sees it (the procedure catalogue source of Decision 766
groups 1 and 3; domain.md §2.1-2.2 rows 1.1-1.3, 3.1, 3.5), deterministic and tied to the sandbox one-stop system.

Every procedure of ``procedures.csv`` is a record in the shape of the DVCQG catalogue endpoint (``id, code, name,
state, departmentId, publishingDepartmentIds, appliedDepartmentIds``) with what the 766 indicators need besides:
its field, online-service level (FULL, PARTIAL, NONE), whether online payment is integrated, fee and processing
days, the seven components of Decree 63/2010 Art. 8(2) (an empty one is missing) and its publishing decisions. The
units that apply it are the province's communes (commune procedures) or its departments (province procedures).

The province publishes every procedure by a decision before the 2025 reform, then amends a few each month, every
decision with the legal basis it implements and that basis's effective date, and the time the procedure was made
public on the portal. By design some decisions come fewer than 5 working days before their legal basis takes effect
(published late, 1.1), some procedures are made public more than 5 working days after their decision (1.2), some
not yet; two procedures lack a component (1.3). A record changes when a decision is made or made public.

Defects: two records that are not procedures the province applies (a malformed code, an online level outside the
code list). ``CatalogueRegistry.refused`` is the answer key.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sandbox.departments import DEPARTMENTS
from sandbox.onestop.catalog import PROCEDURES, Procedure
from sandbox.onestop.generator import Dossiers, fmt_ts
from sandbox.times import after_working_days, epoch_of

FIELDS = ("id", "code", "name", "state", "departmentId", "publishingDepartmentIds", "appliedDepartmentIds",
          "fieldCode", "fieldName", "onlineServiceLevel", "paymentIntegrated", "feeVnd", "processingDays",
          "components", "decisions", "updatedAt")
# Decree 63/2010/NĐ-CP Art. 8(2): what a published procedure must state
COMPONENTS = {"name": "Tên thủ tục", "steps": "Trình tự thực hiện", "method": "Cách thức thực hiện",
              "dossierComposition": "Thành phần, số lượng hồ sơ", "timeLimit": "Thời hạn giải quyết",
              "applicant": "Đối tượng thực hiện", "agency": "Cơ quan thực hiện"}
LEVELS = {4: "FULL", 3: "PARTIAL", 2: "NONE"}
MISSING = {"2.000986": "dossierComposition", "3.000181": "timeLimit"}  # the two procedures lacking a component
LATE_SHARE = 0.2


@dataclass
class Decision:
    number: str
    kind: str  # NEW | AMENDED
    decided: int
    legal_basis: str
    effective: int  # when the legal basis takes effect
    public: int  # made public on the portal (may be after the clock)
    late_decision: bool  # by design fewer than 5 working days before the basis takes effect
    late_public: bool  # by design more than 5 working days after the decision

    def render(self, clock: int) -> dict:
        return {"number": self.number, "kind": self.kind, "decisionDate": fmt_ts(self.decided),
                "legalBasis": self.legal_basis, "legalBasisEffectiveDate": fmt_ts(self.effective),
                "publicDate": fmt_ts(self.public) if self.public < clock else None}


@dataclass
class Formality:
    procedure: Procedure
    uid: str
    province: str
    applied: tuple[str, ...]
    payment_integrated: bool
    decisions: list[Decision] = field(default_factory=list)
    code: str | None = None  # as sent, when a defect replaces it
    level: str | None = None
    defect: str | None = None

    @property
    def key(self) -> str:
        return self.code or self.procedure.code

    def updated_at(self, clock: int) -> int:
        return max((t for d in self.decisions for t in (d.decided, d.public) if t < clock), default=-1)

    def render(self, clock: int) -> dict:
        p = self.procedure
        components = {c: ("" if MISSING.get(p.code) == c else f"{label}: {p.name}") for c, label in COMPONENTS.items()}
        return {
            "id": self.uid, "code": self.key, "name": p.name, "state": "PUBLISHED",
            "departmentId": p.field_code.split("-")[0], "publishingDepartmentIds": [self.province],
            "appliedDepartmentIds": list(self.applied), "fieldCode": p.field_code, "fieldName": p.field_name,
            "onlineServiceLevel": self.level or LEVELS[p.level], "paymentIntegrated": self.payment_integrated,
            "feeVnd": p.fee, "processingDays": p.days, "components": components,
            "decisions": [d.render(clock) for d in self.decisions if d.decided < clock],
            "updatedAt": fmt_ts(self.updated_at(clock)),
        }


class CatalogueRegistry:
    """The sandbox province's procedures with their publishing decisions."""

    def __init__(self, dossiers: Dossiers):
        self.dossiers = d = dossiers
        r = random.Random(d.config.seed + 31)
        self.holidays = d.holidays
        prov = d.config.province
        communes = tuple(c.code for c in d.communes)
        departments = tuple(dep.code(prov) for dep in DEPARTMENTS)
        self.formalities = [
            Formality(p, str(uuid.UUID(int=r.getrandbits(128), version=4)), prov,
                      communes if p.tier == "commune" else departments, p.fee > 0 and r.random() < 0.8)
            for p in PROCEDURES]
        # every procedure published before the reform (effective on its first day), then a few amended each month
        first = epoch_of(date(2025, 6, 13)) + 9 * 3600
        reform = epoch_of(date(2025, 7, 1))
        for f in self.formalities:
            f.decisions.append(Decision("1234/QĐ-UBND", "NEW", first, "Nghị quyết 190/2025/QH15", reform,
                                        self.after_working_days(first, 2) + 3600, False, False))
        n = 0
        month = d.config.start_date
        while month < d.config.end_date:
            nxt = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
            for tier in ("commune", "province"):
                n += 1
                pool = [f for f in self.formalities if f.procedure.tier == tier]
                decided = self._office_time(month, nxt, r)
                late, late_pub = r.random() < LATE_SHARE, r.random() < LATE_SHARE
                effective = self.after_working_days(decided, r.randint(1, 3) if late else r.randint(7, 30))
                public = self.after_working_days(decided, r.randint(7, 12) if late_pub else r.randint(0, 4))
                public = max(public - public % 86400 + r.randrange(8 * 3600, 16 * 3600), decided + 1800)
                decision = Decision(f"{100 + n}/QĐ-UBND", "AMENDED", decided,
                                    f"Thông tư {r.randint(1, 40)}/{month.year}/TT-BTP", effective - decided % 86400,
                                    public, late, late_pub)
                for f in r.sample(pool, k=min(len(pool), r.randint(2, 4))):
                    f.decisions.append(decision)
            month = nxt
        for f in self.formalities:
            f.decisions.sort(key=lambda x: x.decided)
        # two records that are not procedures the province applies
        bad = Formality(PROCEDURES[0], str(uuid.UUID(int=r.getrandbits(128), version=4)), prov, communes, False,
                        list(self.formalities[0].decisions[:1]), code="1.0011", defect="malformed_code")
        odd = Formality(PROCEDURES[-1], str(uuid.UUID(int=r.getrandbits(128), version=4)), prov, departments, False,
                        list(self.formalities[-1].decisions[:1]), code="9.000001", level="LEVEL_5",
                        defect="unknown_level")
        self.records = [*self.formalities, bad, odd]

    def after_working_days(self, start: int, days: int) -> int:
        return after_working_days(start, days, self.holidays)

    def _office_time(self, start: date, end: date, r: random.Random) -> int:
        """A working day of [start, end) at office hours."""
        while True:
            day = start + timedelta(days=r.randrange((end - start).days))
            t = epoch_of(day) + r.randrange(8 * 3600, 16 * 3600)
            if self.after_working_days(t - 86400, 1) // 86400 == t // 86400:
                return t

    # -- what the system shows -------------------------------------------------------------------------------
    def visible(self, clock: int) -> list[tuple[int, Formality]]:
        return sorted(((f.updated_at(clock), f) for f in self.records if f.updated_at(clock) >= 0),
                      key=lambda x: (x[0], x[1].key))

    def write_export(self, folder: Path, clock: int) -> Path:
        """The catalogue as the province exports it from the national database: one JSON file, every record."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"danh_muc_tthc_{fmt_ts(clock)[:8]}.json"
        path.write_text(json.dumps([f.render(clock) for _, f in self.visible(clock)], ensure_ascii=False, indent=1),
                        encoding="utf-8")
        return path

    # -- the answer key ----------------------------------------------------------------------------------------
    def refused(self, clock: int) -> dict[str, str]:
        """Record code → the rule validation refuses it under."""
        rules = {"malformed_code": "procedure_code_format", "unknown_level": "online_level_code_list"}
        return {f.key: rules[f.defect] for _, f in self.visible(clock) if f.defect}

    def procedures(self, clock: int) -> list[dict]:
        """The procedures validation keeps, as rendered at ``clock``."""
        return [f.render(clock) for _, f in self.visible(clock) if not f.defect]

