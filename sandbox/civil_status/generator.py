"""Deterministic civil-status registrations of a simulated province, tied to the sandbox one-stop system's dossiers.

Every finished birth, death or marriage registration dossier of a commune (procedures 1.001193, 1.000656,
1.000894) is entered in the commune's civil-status register on the day it finishes, with the dossier's applicant
as the requester, except a few the officials never enter. Walk-in registrations have no dossier at all. The
people registered (child and parents, the deceased, the spouses) make up the population the citizen-ID service
knows; a few registry entries carry a mis-typed name or birth date, an ID the service does not know, an ID whose
sex/century or year digits do not fit the person, dates out of order or a missing required field. Some entries
are corrected in a later month's export (a new version of the same book and number).

``Registry.expected_checks`` and ``Registry.true_dossier_links`` are the answer keys the tests use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from connectors.civil_status.schema import CHECKED_PEOPLE
from sandbox.onestop.catalog import PROCEDURES
from sandbox.onestop.generator import (
    EV_END,
    FAMILY,
    GIVEN_F,
    GIVEN_M,
    MIDDLE_F,
    MIDDLE_M,
    NEVER,
    OLD_PROVINCES,
    OUT_DONE,
    Dossiers,
)
from sandbox.onestop.records import citizen_id, person_name

KINDS = ("KS", "KT", "KH")  # birth, death, marriage (domain.md §7)
PROCEDURE_OF = {"KS": "1.001193", "KT": "1.000656", "KH": "1.000894"}
KIND_OF_PROCEDURE = {PROCEDURES.index(p): k for p in PROCEDURES for k, c in PROCEDURE_OF.items() if p.code == c}
ETHNICITIES = ("Kinh",) * 9 + ("Mường", "Thái", "Dao")


@dataclass(frozen=True)
class Person:
    citizen_id: str
    name: str
    birth_date: date
    female: bool


@dataclass(frozen=True)
class RegistryConfig:
    walk_in_share: float = 0.15  # registrations with no one-stop dossier
    unregistered_share: float = 0.04  # finished dossiers never entered in the register
    correction_share: float = 0.03  # entries corrected in a later export
    name_typo_share: float = 0.02  # a checked person's name mis-typed (the service answers "mismatch")
    birth_date_typo_share: float = 0.01
    unknown_id_share: float = 0.015  # an ID the population service does not know
    inconsistent_id_share: float = 0.01  # ID digit 4 or 5-6 do not fit the person's sex / birth year
    bad_dates_share: float = 0.005  # birth after registration / death before birth
    missing_field_share: float = 0.005
    resent_file_share: float = 0.05  # export files handed over twice
    late_birth_share: float = 0.08  # births registered after the 60-day deadline


@dataclass
class Registration:
    kind: str
    unit_code: str
    unit_name: str
    registered_on: date
    book: str
    number: int
    dossier_code: str | None
    fields: dict[str, object]  # template columns as first entered (dates as date objects)
    correction: dict[str, object] = field(default_factory=dict)  # fields changed by the later version
    corrected_on: date | None = None
    defects: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str, str, int]:
        return self.unit_code, self.kind, self.book, self.number

    def current_fields(self) -> dict[str, object]:
        return {**self.fields, **self.correction}

    def correction_sent_by(self, until: date) -> bool:
        """The correction went out in an export of a month that ended before ``until``."""
        return bool(self.corrected_on and month_end(self.corrected_on) <= until)


def _typo(name: str, r: random.Random) -> str:
    """A keying slip a clerk makes: a diacritic dropped or two letters swapped."""
    plain = {"ă": "a", "â": "a", "ê": "e", "ô": "o", "ơ": "o", "ư": "u", "đ": "d", "ị": "i", "ế": "e", "ồ": "o"}
    for i, ch in enumerate(name):
        if ch in plain and r.random() < 0.7:
            return name[:i] + plain[ch] + name[i + 1:]
    i = r.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


class Registry:
    """All registrations of one sandbox province, plus the population the citizen-ID service knows."""

    def __init__(self, dossiers: Dossiers, config: RegistryConfig | None = None):
        self.dossiers = dossiers
        self.config = config or RegistryConfig()
        self.rng = random.Random(dossiers.config.seed + 7)
        self.population: dict[str, Person] = {}
        self._serials: set[str] = set()
        self._home = f"0{dossiers.config.province}"
        self.registrations: list[Registration] = []
        self.unregistered_dossiers: set[str] = set()
        self._build()

    # -- people ------------------------------------------------------------------------------------------
    def _new_id(self, birth: date, female: bool, prov: str | None = None) -> str:
        prov = prov or (self._home if self.rng.random() < 0.85 else self.rng.choice(OLD_PROVINCES))
        century = (birth.year // 100 - 19) * 2 + int(female)
        while True:
            cid = f"{prov}{century}{birth.year % 100:02d}{self.rng.randrange(1_000_000):06d}"
            if cid not in self._serials:
                self._serials.add(cid)
                return cid

    def _person(self, birth_year: int, female: bool, family: str | None = None) -> Person:
        r = self.rng
        birth = date(birth_year, 1, 1) + timedelta(days=r.randrange(365))
        given = f"{r.choice(MIDDLE_F)} {r.choice(GIVEN_F)}" if female else f"{r.choice(MIDDLE_M)} {r.choice(GIVEN_M)}"
        person = Person(self._new_id(birth, female), f"{family or r.choice(FAMILY)} {given}", birth, female)
        self.population[person.citizen_id] = person
        return person

    def _applicant(self, i: int) -> Person:
        """The dossier's applicant as the population service knows them (the one-stop sandbox's ID and name)."""
        d = self.dossiers
        year = int(d.birth_year[i])
        birth = date(year, 1, 1) + timedelta(days=int(d.name_seed[i]) % 365)
        person = Person(citizen_id(d, i), person_name(d, i), birth, bool(d.female[i]))
        self.population[person.citizen_id] = person
        self._serials.add(person.citizen_id)
        return person

    # -- registrations -----------------------------------------------------------------------------------
    def _build(self) -> None:
        d, cfg, r = self.dossiers, self.config, self.rng
        cases: list[tuple[str, int, date, Person, str | None]] = []
        for i in range(d.n):
            kind = KIND_OF_PROCEDURE.get(int(d.proc[i]))
            end = int(d.events[i, EV_END])
            if (kind is None or d.unit_idx[i] < 0 or d.applicant_type[i] != 1 or end == NEVER
                    or int(d.outcome[i]) != OUT_DONE):
                continue
            code = d.dossier_code(i)
            if r.random() < cfg.unregistered_share:
                self.unregistered_dossiers.add(code)
                continue
            # a dossier whose applicant ID was mis-keyed (dirty kind bad_citizen_id) is registered with the right one
            cases.append((kind, int(d.unit_idx[i]), _epoch_day(end), self._applicant(i), code))
        n_walk_in = round(len(cases) * cfg.walk_in_share / (1 - cfg.walk_in_share))
        start, end_day = d.config.start_date, d.config.end_date
        span = (end_day - start).days
        for _ in range(n_walk_in):
            kind = r.choices(KINDS, weights=(18, 5, 6))[0]
            female = r.random() < 0.5
            applicant = self._person(r.randrange(1960, 2004), female)
            cases.append((kind, r.randrange(len(d.communes)), start + timedelta(days=r.randrange(span)), applicant,
                          None))
        cases.sort(key=lambda c: (c[2], c[1], c[0], c[4] or ""))
        numbers: dict[tuple[int, str, int], int] = {}
        for kind, unit_idx, day, applicant, code in cases:
            seq_key = (unit_idx, kind, day.year)
            numbers[seq_key] = numbers.get(seq_key, 0) + 1
            commune = d.communes[unit_idx]
            reg = Registration(kind, commune.code, f"UBND {commune.full_name}", day, f"01/{day.year}",
                               numbers[seq_key], code, {})
            reg.fields = self._fields(reg, applicant)
            self._dirty(reg)
            self.registrations.append(reg)

    def _common(self, reg: Registration, applicant: Person, relation: str) -> dict[str, object]:
        r = self.rng
        return {
            "so": str(reg.number), "quyenSo": reg.book, "trangSo": str((reg.number - 1) // 2 + 1),
            "ngayDangKy": reg.registered_on, "loaiDangKy": "1", "noiDangKy": reg.unit_name,
            "nguoiKy": f"{r.choice(FAMILY)} {r.choice(MIDDLE_M)} {r.choice(GIVEN_M)}", "chucVuNguoiKy": "Chủ tịch",
            "nguoiThucHien": f"Công chức tư pháp - hộ tịch {r.randrange(1, 4)}", "ghiChu": "",
            "nycHoTen": applicant.name, "nycQuanHe": relation, "nycLoaiGiayToTuyThan": "CCCD",
            "nycSoGiayToTuyThan": applicant.citizen_id,
        }

    @staticmethod
    def _block(prefix: str, p: Person) -> dict[str, object]:
        return {f"{prefix}HoTen": p.name, f"{prefix}NgaySinh": p.birth_date, f"{prefix}DanToc": "Kinh",
                f"{prefix}QuocTich": "Việt Nam", f"{prefix}LoaiGiayToTuyThan": "CCCD",
                f"{prefix}SoGiayToTuyThan": p.citizen_id}

    def _fields(self, reg: Registration, applicant: Person) -> dict[str, object]:
        r, day = self.rng, reg.registered_on
        if reg.kind == "KS":
            other = self._person(applicant.birth_date.year + r.randrange(-4, 5), not applicant.female,
                                 family=None)
            mother, father = (applicant, other) if applicant.female else (other, applicant)
            female = r.random() < 0.49
            late = r.random() < self.config.late_birth_share
            born = day - timedelta(days=r.randrange(61, 400) if late else r.randrange(1, 60))
            family = father.name.split()[0]
            child_given = f"{r.choice(MIDDLE_F)} {r.choice(GIVEN_F)}" if female else \
                f"{r.choice(MIDDLE_M)} {r.choice(GIVEN_M)}"
            fields = {**self._common(reg, applicant, "Mẹ" if applicant.female else "Cha"),
                      "nksHoTen": f"{family} {child_given}", "nksGioiTinh": "Nữ" if female else "Nam",
                      "nksNgaySinh": born, "nksNoiSinh": f"Trạm y tế {reg.unit_name.removeprefix('UBND ')}",
                      "nksDanToc": r.choice(ETHNICITIES), "nksQuocTich": "Việt Nam", "nksQueQuan": reg.unit_name,
                      "soDinhDanh": self._new_id(born, female, self._home),
                      **self._block("me", mother), **self._block("cha", father)}
        elif reg.kind == "KT":
            female = r.random() < 0.45
            deceased = self._person(r.randrange(1925, 1995), female, family=applicant.name.split()[0])
            died = day - timedelta(days=r.randrange(0, 15))
            fields = {**self._common(reg, applicant, r.choice(("Con", "Vợ", "Chồng", "Cháu"))),
                      "nktHoTen": deceased.name, "nktGioiTinh": "Nữ" if female else "Nam",
                      "nktNgaySinh": deceased.birth_date, "nktDanToc": "Kinh", "nktQuocTich": "Việt Nam",
                      "nktNoiCuTru": reg.unit_name.removeprefix("UBND "), "nktLoaiGiayToTuyThan": "CCCD",
                      "nktSoGiayToTuyThan": deceased.citizen_id, "nktNgayChet": died,
                      "nktGioPhutChet": f"{r.randrange(24):02d} giờ {r.randrange(60):02d} phút",
                      "nktNoiChet": r.choice(("Tại nhà", "Bệnh viện đa khoa tỉnh", "Trạm y tế xã")),
                      "nktNguyenNhanChet": r.choice(("Già yếu", "Bệnh", "Tai nạn")),
                      "gbtLoai": "Giấy báo tử", "gbtSo": str(r.randrange(1, 999)), "gbtNgay": died,
                      "gbtCoQuanCap": reg.unit_name}
        else:
            other = self._person(applicant.birth_date.year + r.randrange(-5, 6), not applicant.female)
            wife, husband = (applicant, other) if applicant.female else (other, applicant)
            fields = {**self._common(reg, applicant, "Vợ" if applicant.female else "Chồng"),
                      "ngayXacLapQuanHeHonNhan": day, "tinhTrangKetHon": "1",
                      **self._block("chong", husband), **self._block("vo", wife)}
        return fields

    def _dirty(self, reg: Registration) -> None:
        """Inject at most one defect, and sometimes a later correction."""
        cfg, r, f = self.config, self.rng, reg.fields
        role = r.choice(CHECKED_PEOPLE[reg.kind])
        u = r.random()
        edges = [("name_typo", cfg.name_typo_share), ("birth_date_typo", cfg.birth_date_typo_share),
                 ("unknown_id", cfg.unknown_id_share), ("inconsistent_id", cfg.inconsistent_id_share),
                 ("bad_dates", cfg.bad_dates_share), ("missing_field", cfg.missing_field_share)]
        defect = None
        for name, share in edges:
            if u < share:
                defect = name
                break
            u -= share
        if defect == "name_typo":
            f[f"{role}HoTen"] = _typo(str(f[f"{role}HoTen"]), r)
        elif defect == "birth_date_typo":
            f[f"{role}NgaySinh"] = f[f"{role}NgaySinh"] + timedelta(days=r.choice((-31, -1, 1, 10)))
        elif defect == "unknown_id":
            cid = str(f[f"{role}SoGiayToTuyThan"])
            while cid in self.population:
                cid = cid[:6] + f"{r.randrange(1_000_000):06d}"
            f[f"{role}SoGiayToTuyThan"] = cid
        elif defect == "inconsistent_id":
            cid = str(f[f"{role}SoGiayToTuyThan"])
            wrong = str(int(cid[3]) ^ 1)  # the other sex: the digit no longer fits the person
            f[f"{role}SoGiayToTuyThan"] = cid[:3] + wrong + cid[4:]
        elif defect == "bad_dates":
            if reg.kind == "KS":
                f["nksNgaySinh"] = reg.registered_on + timedelta(days=r.randrange(30, 400))
            elif reg.kind == "KT":
                f["nktNgayChet"] = f["nktNgaySinh"] - timedelta(days=r.randrange(30, 4000))
            else:
                f["chongNgaySinh"] = reg.registered_on + timedelta(days=r.randrange(30, 400))
        elif defect == "missing_field":
            f[{"KS": "nksHoTen", "KT": "nktHoTen", "KH": "voHoTen"}[reg.kind]] = ""
        if defect:
            reg.defects = (defect,)
        if r.random() < cfg.correction_share or (defect == "name_typo" and r.random() < 0.3):
            reg.corrected_on = reg.registered_on + timedelta(days=r.randrange(20, 50))
            if defect == "name_typo":  # the clerk fixes the slip
                reg.correction = {f"{role}HoTen": self.population[str(f[f"{role}SoGiayToTuyThan"])].name}
            elif reg.kind == "KS":
                reg.correction = {"nksHoTen": _typo(str(f["nksHoTen"]), r) if f["nksHoTen"] else "Nguyễn Văn An"}
            elif reg.kind == "KT":
                reg.correction = {"nktNoiChet": "Bệnh viện đa khoa khu vực"}
            else:
                reg.correction = {"chongNoiCuTru": reg.unit_name.removeprefix("UBND ")}
            reg.correction["ghiChu"] = f"Cải chính ngày {reg.corrected_on:%d/%m/%Y}"

    # -- answer keys -------------------------------------------------------------------------------------
    def visible(self, until: date) -> list[Registration]:
        """Registrations whose export month ended before ``until`` (communes hand over whole months)."""
        return [reg for reg in self.registrations if month_end(reg.registered_on) <= until]

    def expected_checks(self, until: date) -> dict[tuple[str, str, int, str], str]:
        """(unit, kind, number, role) -> the service's answer for the current version of each registration."""
        out = {}
        for reg in self.visible(until):
            fields = reg.current_fields() if reg.correction_sent_by(until) else reg.fields
            for role in CHECKED_PEOPLE[reg.kind]:
                cid = str(fields.get(f"{role}SoGiayToTuyThan") or "")
                out[(reg.unit_code, reg.kind, reg.number, role)] = self.answer(
                    cid, str(fields.get(f"{role}HoTen") or ""), fields.get(f"{role}NgaySinh"))
        return out

    def answer(self, citizen_id: str, name: str, birth_date: object) -> str:
        """What the population service says about one person as entered."""
        person = self.population.get(citizen_id)
        if person is None:
            return "not_found"
        same_name = " ".join(name.split()).casefold() == " ".join(person.name.split()).casefold()
        return "match" if same_name and birth_date == person.birth_date else "mismatch"

    def true_dossier_links(self, until: date) -> dict[tuple[str, str, int], str]:
        """(unit, kind, number) -> dossier code, for registrations that came from a one-stop dossier."""
        return {(reg.unit_code, reg.kind, reg.number): reg.dossier_code for reg in self.visible(until)
                if reg.dossier_code}


def _epoch_day(epoch: int) -> date:
    return date(1970, 1, 1) + timedelta(seconds=int(epoch))


def month_end(day: date) -> date:
    """The first day of the month after ``day``."""
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
