"""Deterministic judicial-record requests of a simulated province (the Department of Justice's system), tied to the
sandbox one-stop system's dossiers of the judicial-record procedure.

Every one-stop dossier of procedure 1.000489 that was not refused at reception is passed to the judicial-record
system a few minutes after reception, with its MaHoSo and the one-stop's appointment date, and becomes a request
for extract No. 1 or No. 2. The Department sends checks to the provincial police (always), to the National Centre
of Judicial Records (for people who lived in several provinces) and to a court (some), waits for their answers,
then issues the extract shortly before the one-stop records the dossier as finished. Some requests are filed at
the judicial-record system directly (its own portal or counter) with no one-stop dossier; the system's deadline
for them is the Law on Judicial Records' (No. 28/2009/QH12, Art. 48(1)): 10 days from a valid request, 15 for a
person who lived in several places. Some finished one-stop dossiers are never recorded as issued here (the
extract was handed over but not keyed), and some dossiers the one-stop stopped or saw withdrawn were issued
anyway: the cases the reconciliation must find. Whether a person has a criminal record (``KetQua``) is drawn
too: it is sensitive data, and the tests prove it never reaches a reader role.

The state of every request depends on the clock, as the one-stop's does. ``JudicialRegistry.expected`` is the
answer key the tests use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from sandbox.onestop.catalog import PROCEDURES
from sandbox.onestop.generator import (
    EV_END,
    EV_RECEIVE,
    NEVER,
    OUT_DONE,
    OUT_REFUSED,
    Dossiers,
    fmt_ts,
)
from sandbox.onestop.records import citizen_id, person_name
from sandbox.times import DAY, epoch_of, office_reception, wall

PROCEDURE = "1.000489"  # Cấp phiếu lý lịch tư pháp (sandbox/catalogue)
AGENCIES = ("CONG_AN", "TT_LLTP_QG", "TOA_AN")  # provincial police, national centre, a court
DEFECTS = ("issued_before_received", "unknown_unit", "bad_citizen_id", "answer_before_sent", "missing_received",
           "unknown_agency")
ERROR_DEFECTS = frozenset(DEFECTS) - {"unknown_agency"}  # the ones validation must quarantine (unknown_agency warns)
PURPOSES = ("Bổ sung hồ sơ xin việc", "Xuất khẩu lao động", "Kết hôn với người nước ngoài", "Du học",
            "Thành lập doanh nghiệp", "Xin nhập quốc tịch")


@dataclass(frozen=True)
class JudicialConfig:
    direct_share: float = 0.2  # requests filed at the judicial-record system itself, among all requests
    unrecorded_share: float = 0.05  # finished one-stop dossiers whose issue was never recorded here
    issued_anyway_share: float = 0.3  # stopped / withdrawn one-stop dossiers issued here all the same
    several_places_share: float = 0.25  # applicants who lived in several provinces (15-day limit, national check)
    court_check_share: float = 0.1
    record_share: float = 0.04  # people with a criminal record (sensitive)
    dirty_share: float = 0.03
    commune_reception_share: float = 0.4  # direct requests received at a commune's public service centre
    legacy_code_share: float = 0.1  # ... of which sent under the commune's pre-2025 code


@dataclass
class Check:
    agency: str
    sent: int
    answered: int  # NEVER = not before the extract was issued (or never)


@dataclass
class Request:
    request_id: str
    dossier_code: str | None
    unit_code: str  # as sent (a current or a pre-2025 code)
    unit_code_current: str  # the unit in force it belongs to
    received: int
    due: int
    issued: int  # NEVER = not issued (yet, or ever)
    stopped: int  # NEVER unless refused / stopped here
    extract_type: str  # "1" or "2"
    several_places: bool
    has_record: bool
    checks: list[Check]
    name: str
    birth: date
    female: bool
    citizen_id: str
    purpose: str
    defect: str | None = None
    changed: list[int] = field(default_factory=list)

    def updated_at(self, clock: int) -> int:
        """Last change visible at ``clock`` (-1 = not yet received)."""
        events = [self.received, self.issued, self.stopped] + [c.sent for c in self.checks] + \
                 [c.answered for c in self.checks]
        return max((e for e in events if e < clock), default=-1)

    def status(self, clock: int) -> str:
        if self.issued < clock:
            return "DA_CAP"
        if self.stopped < clock:
            return "TU_CHOI"
        if any(c.sent < clock <= c.answered for c in self.checks):
            return "CHO_XAC_MINH"
        return "DANG_XU_LY"

    def render(self, clock: int) -> dict:
        """The request as the system's API shows it at ``clock``."""
        issued = self.issued < clock
        rec = {
            "MaYeuCau": self.request_id,
            "MaHoSoMotCua": self.dossier_code,
            "LoaiPhieu": self.extract_type,
            "MucDichCapPhieu": self.purpose,
            "HoVaTen": self.name,
            "NgaySinh": self.birth.strftime("%d/%m/%Y"),
            "GioiTinh": "Nữ" if self.female else "Nam",
            "QuocTich": "Việt Nam",
            "SoGiayTo": self.citizen_id,
            "CuTruNhieuNoi": "1" if self.several_places else "0",
            "MaDonViTiepNhan": self.unit_code,
            "NgayTiepNhan": fmt_ts(self.received),
            "NgayHenTra": fmt_ts(self.due),
            "TrangThai": self.status(clock),
            "NgayCap": fmt_ts(self.issued) if issued else None,
            "SoPhieu": f"{self.request_id[-6:]}/{wall(self.issued):%Y}/LLTP" if issued else None,
            "KetQua": ("CO_AN_TICH" if self.has_record else "KHONG_CO_AN_TICH") if issued else None,
            "DanhSachXacMinh": [
                {"CoQuan": c.agency, "NgayGui": fmt_ts(c.sent),
                 "NgayTraLoi": fmt_ts(c.answered) if c.answered < clock else None,
                 "KetQuaXacMinh": (("CO_THONG_TIN" if self.has_record else "KHONG_CO_THONG_TIN")
                                   if c.answered < clock else None)}
                for c in self.checks if c.sent < clock],
            "NgayCapNhat": fmt_ts(self.updated_at(clock)),
        }
        if self.defect:
            _dirty(rec, self.defect)
        return rec


def _dirty(rec: dict, defect: str) -> None:
    if defect == "issued_before_received" and rec["NgayCap"]:
        rec["NgayTiepNhan"] = fmt_ts(epoch_of(rec["NgayCap"]) + 3 * DAY)
    elif defect == "unknown_unit":
        rec["MaDonViTiepNhan"] = "99999"
    elif defect == "bad_citizen_id":
        rec["SoGiayTo"] = rec["SoGiayTo"][:7]  # neither a 12-digit ID nor a 9-digit CMND
    elif defect == "answer_before_sent" and any(c["NgayTraLoi"] for c in rec["DanhSachXacMinh"]):
        c = next(c for c in rec["DanhSachXacMinh"] if c["NgayTraLoi"])
        c["NgayTraLoi"] = fmt_ts(epoch_of(c["NgayGui"]) - DAY)
    elif defect == "missing_received":
        rec["NgayTiepNhan"] = None
    elif defect == "unknown_agency" and rec["DanhSachXacMinh"]:
        rec["DanhSachXacMinh"][0]["CoQuan"] = "VIEN_KIEM_SAT_X"




def defect_applies(req: Request, clock: int) -> bool:
    """Whether ``req``'s defect shows at ``clock`` (a defect on a date not reached yet is not there)."""
    if req.defect == "issued_before_received":
        return req.issued < clock
    if req.defect == "answer_before_sent":
        return any(c.answered < clock for c in req.checks)
    if req.defect == "unknown_agency":
        return any(c.sent < clock for c in req.checks)
    return req.defect is not None


class JudicialRegistry:
    """Every judicial-record request of one sandbox province."""

    def __init__(self, dossiers: Dossiers, config: JudicialConfig | None = None):
        self.dossiers = dossiers
        self.config = config or JudicialConfig()
        self.rng = random.Random(dossiers.config.seed + 11)
        self.requests: list[Request] = []
        self.unrecorded_dossiers: set[str] = set()
        self._build()

    def _checks(self, received: int, several: bool, finish_by: int | None) -> list[Check]:
        r = self.rng
        agencies = ["CONG_AN"] + (["TT_LLTP_QG"] if several else []) + \
                   (["TOA_AN"] if r.random() < self.config.court_check_share else [])
        out = []
        for a in agencies:
            sent = received + r.randrange(1800, DAY)
            answered = sent + r.randrange(DAY, 8 * DAY)
            if finish_by is not None:  # the extract is issued once every answer is in
                answered = min(answered, max(finish_by - r.randrange(600, 6 * 3600), sent + 600))
            out.append(Check(a, sent, answered))
        return out

    def _person(self, i: int | None) -> tuple[str, date, bool, str]:
        d, r = self.dossiers, self.rng
        if i is not None:
            year = int(d.birth_year[i])
            return person_name(d, i), date(year, 1, 1) + timedelta(days=int(d.name_seed[i]) % 365), \
                bool(d.female[i]), citizen_id(d, i)
        j = r.randrange(d.n)  # a person shaped like the sandbox's applicants, from another dossier's draws
        year = int(d.birth_year[j])
        cid = f"0{d.config.province}{(0 if year < 2000 else 2) + int(d.female[j])}{year % 100:02d}" \
              f"{r.randrange(1_000_000):06d}"
        return person_name(d, j), date(year, 1, 1) + timedelta(days=r.randrange(365)), bool(d.female[j]), cid

    def _build(self) -> None:
        d, cfg, r = self.dossiers, self.config, self.rng
        proc = next(k for k, p in enumerate(PROCEDURES) if p.code == PROCEDURE)
        linked = [i for i in range(d.n) if int(d.proc[i]) == proc and int(d.outcome[i]) != OUT_REFUSED]
        year_seq: dict[int, int] = {}

        def new_id(received: int) -> str:
            y = wall(received).year
            year_seq[y] = year_seq.get(y, 0) + 1
            return f"LLTP-{d.province.code}-{y}-{year_seq[y]:06d}"

        rows: list[tuple] = []
        for i in linked:
            received = int(d.events[i, EV_RECEIVE]) + r.randrange(300, 3600)
            end = int(d.events[i, EV_END])
            done = int(d.outcome[i]) == OUT_DONE and end != NEVER
            issued, stopped = NEVER, NEVER
            if done:
                if r.random() < cfg.unrecorded_share:
                    self.unrecorded_dossiers.add(d.dossier_code(i))
                else:
                    issued = max(end - r.randrange(600, 6 * 3600), received + 3600)
            elif end != NEVER:  # withdrawn or stopped in the one-stop
                if r.random() < cfg.issued_anyway_share:
                    issued = max(end - r.randrange(DAY, 3 * DAY), received + 3600)
                else:
                    stopped = end
            rows.append((received, i, d.dossier_code(i), int(d.due[i]), issued, stopped, d.unit_code(-1), None))
        n_direct = round(len(rows) * cfg.direct_share / (1 - cfg.direct_share))
        communes = d.communes
        for _ in range(n_direct):
            received = office_reception(d.config.start_date, d.config.end_date, r)
            several = r.random() < cfg.several_places_share
            due = received + (15 if several else 10) * DAY
            issued = received + r.randrange(2 * DAY, (18 if several else 13) * DAY)  # some late
            unit, as_sent = d.unit_code(-1), None
            if r.random() < cfg.commune_reception_share:
                k = r.randrange(len(communes))
                unit = communes[k].code
                if d.legacy_codes[k] and r.random() < cfg.legacy_code_share:
                    as_sent = d.legacy_codes[k][0]
            rows.append((received, None, None, due, issued, NEVER, unit, (several, as_sent)))
        rows.sort(key=lambda x: (x[0], x[2] or ""))
        for received, i, code, due, issued, stopped, unit, direct in rows:
            several = direct[0] if direct else r.random() < cfg.several_places_share
            finish_by = issued if issued != NEVER else None
            name, birth, female, cid = self._person(i)
            req = Request(new_id(received), code, (direct[1] if direct and direct[1] else unit), unit, received, due,
                          issued, stopped, "2" if r.random() < 0.3 else "1", several,
                          r.random() < cfg.record_share, self._checks(received, several, finish_by), name, birth,
                          female, cid, r.choice(PURPOSES))
            if r.random() < cfg.dirty_share:
                req.defect = r.choice(DEFECTS)
            self.requests.append(req)

    # -- what the API shows --------------------------------------------------------------------------------
    def visible(self, clock: int) -> list[tuple[int, Request]]:
        """(change time, request) of every request received before ``clock``, in change-time order."""
        out = [(q.updated_at(clock), q) for q in self.requests]
        return sorted(((t, q) for t, q in out if t >= 0), key=lambda x: (x[0], x[1].request_id))

    # -- the answer key ------------------------------------------------------------------------------------
    def valid(self, clock: int) -> list[Request]:
        """Requests visible at ``clock`` with no defect validation must quarantine."""
        return [q for _, q in self.visible(clock)
                if not (q.defect in ERROR_DEFECTS and defect_applies(q, clock))]

    def expected(self, clock: int, finished_dossiers: set[str]) -> dict:
        """What the marts must show at ``clock``, given the one-stop dossiers of the procedure the warehouse holds
        as finished: per (unit, month): received, issued, issued on time, open and overdue (at the latest change the
        warehouse holds), open waiting on each agency; and the dossier ↔ request links with their status."""
        units: dict[tuple[str, date], dict] = {}
        links: set[tuple[str | None, str | None, str]] = set()
        issued_codes = set()
        valid = self.valid(clock)
        as_of = max(q.updated_at(clock) for q in valid)  # the "now" open requests are judged at: the latest change
        for q in valid:
            day = wall(q.received).date()
            cell = units.setdefault((q.unit_code_current, day.replace(day=1)), {
                "received": 0, "issued": 0, "issued_on_time": 0, "open": 0, "open_overdue": 0,
                "waiting_police": 0, "waiting_national_centre": 0, "waiting_court": 0})
            cell["received"] += 1
            if q.issued < clock:
                cell["issued"] += 1
                cell["issued_on_time"] += q.issued <= q.due
                if q.dossier_code is None:
                    links.add((None, q.request_id, "direct_request"))
                elif q.dossier_code in finished_dossiers:
                    links.add((q.dossier_code, q.request_id, "matched"))
                    issued_codes.add(q.dossier_code)
                else:
                    links.add((q.dossier_code, q.request_id, "extract_only"))
            elif q.stopped >= clock:
                cell["open"] += 1
                cell["open_overdue"] += q.due < as_of
                # a check whose agency was sent under an unknown code (warned, not quarantined) waits on no known one
                for c in q.checks[1:] if q.defect == "unknown_agency" else q.checks:
                    if c.sent < clock <= c.answered:
                        cell[{"CONG_AN": "waiting_police", "TT_LLTP_QG": "waiting_national_centre",
                              "TOA_AN": "waiting_court"}[c.agency]] += 1
        for code in finished_dossiers - issued_codes:
            links.add((code, None, "dossier_only"))
        return {"units": units, "links": links}
