"""Deterministic dossiers of a simulated provincial one-stop system, in the DVCQG sync shape (domain.md §1).

The generator draws every dossier's life (reception, processing, supplement rounds, finish, hand-over) once, as
column arrays, from a seed. A dossier is rendered *as seen at a clock time*: only the events up to the clock are
visible, so advancing the clock makes dossiers change after they were first extracted, like the real system.

A configurable share of dossiers is dirty, each with one defect named in ``DIRTY_KINDS``; ``Dossiers.dirty_kind``
tells tests which record carries which defect.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cached_property

import holidays
import numpy as np

from kho.domain.legacy_units import commune_code_map
from kho.domain.units import communes_of, province
from sandbox.departments import BY_NUMBER, agency_suffix, department_agency_id
from sandbox.onestop.catalog import PROCEDURES

DIRTY_KINDS = (
    "bad_citizen_id",
    "unknown_unit",
    "finished_before_received",
    "missing_due_date",
    "duplicate_code",
    "wrong_date_format",
)
NEVER = np.iinfo(np.int64).max

# event slots of a dossier's life, in order
EV_SUBMIT, EV_RECEIVE, EV_PROCESS, EV_SUP1, EV_SUP1_DONE, EV_SUP2, EV_SUP2_DONE, EV_END, EV_RETURN, EV_SYNC = range(10)
N_EVENTS = 10

# outcome of a dossier's life
OUT_DONE, OUT_REFUSED, OUT_WITHDRAWN, OUT_STOPPED = range(4)

# how its processing history reaches the one-stop API: whole, never, only from ``history_at`` on, or cut before
# the end (the steps up to the processing, never the finish)
HIST_FULL, HIST_NEVER, HIST_LATE, HIST_STALE = range(4)

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Mai",
    "Trịnh",
    "Lương",
    "Đinh",
]
MIDDLE_M = ["Văn", "Hữu", "Đức", "Minh", "Quang", "Thành", "Xuân", "Công"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Minh", "Hồng", "Mai"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hải",
    "Hùng",
    "Khoa",
    "Long",
    "Nam",
    "Phong",
    "Quân",
    "Sơn",
    "Tuấn",
    "Việt",
    "Thắng",
    "Trung",
]
GIVEN_F = [
    "Anh",
    "Chi",
    "Dung",
    "Hà",
    "Hạnh",
    "Hoa",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Nga",
    "Nhung",
    "Phương",
    "Thảo",
    "Trang",
    "Yến",
]
# birth-registration province codes of the 63-province era (domain.md §4)
OLD_PROVINCES = [
    "001",
    "002",
    "004",
    "006",
    "008",
    "010",
    "011",
    "012",
    "014",
    "015",
    "017",
    "019",
    "020",
    "022",
    "024",
    "025",
    "026",
    "027",
    "030",
    "031",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "040",
    "042",
    "044",
    "045",
    "046",
    "048",
    "049",
    "051",
    "052",
    "054",
    "056",
    "058",
    "060",
    "062",
    "064",
    "066",
    "067",
    "068",
    "070",
    "072",
    "074",
    "075",
    "077",
    "079",
    "080",
    "082",
    "083",
    "084",
    "086",
    "087",
    "089",
    "091",
    "092",
    "093",
    "094",
    "095",
    "096",
]

TS_FORMAT = "%Y%m%d%H%M%S"


def fmt_ts(epoch: int) -> str:
    """Epoch seconds (local wall time, no zone: the one-stop systems store Vietnam time) to yyyyMMddHHmmss."""
    return (datetime(1970, 1, 1) + timedelta(seconds=int(epoch))).strftime(TS_FORMAT)


def to_epoch(value: datetime) -> int:
    return int((value - datetime(1970, 1, 1)).total_seconds())


def parse_ts(value: str) -> datetime:
    return datetime.strptime(value, TS_FORMAT)


@dataclass(frozen=True)
class SandboxConfig:
    seed: int = 20260701
    dossiers: int = 20_000
    province: str = "38"
    dirty_share: float = 0.03
    legacy_code_share: float = 0.02  # dossiers whose units are sent with a pre-2025 code
    no_history_share: float = 0.06  # dossiers synced without their processing history, for good
    late_history_share: float = 0.04  # ... whose history arrives 2-20 days after they finished
    stale_history_share: float = 0.02  # ... whose history stops before the end (never updated after processing)
    late_digitization_share: float = 0.08  # processed dossiers without digitized components scanned 1-30 days later
    start: str = "2026-01-01"
    months: int = 6

    @classmethod
    def clean(cls, **overrides) -> SandboxConfig:
        """A sandbox without defects: no dirty records, every history synced whole."""
        return cls(**{"dirty_share": 0, "no_history_share": 0, "late_history_share": 0, "stale_history_share": 0,
                      **overrides})

    @classmethod
    def from_settings(cls, settings, **overrides) -> SandboxConfig:
        """The sandbox configured by ``KHO_SANDBOX_*`` (a ``KhoSettings``), with ``overrides``."""
        fields = {"seed": settings.sandbox_seed, "dossiers": settings.sandbox_dossiers,
                  "province": settings.sandbox_province, "dirty_share": settings.sandbox_dirty_share,
                  "start": settings.sandbox_start, "months": settings.sandbox_months}
        return cls(**{**fields, **overrides})

    @property
    def start_date(self) -> date:
        return date.fromisoformat(self.start)

    @property
    def end_date(self) -> date:
        y, m = divmod(self.start_date.month - 1 + self.months, 12)
        return date(self.start_date.year + y, m + 1, 1)


def vn_holidays(years: range) -> list[date]:
    """Vietnamese public holidays (incl. Tết by the lunar calendar) from the maintained ``holidays`` package."""
    return sorted(holidays.country_holidays("VN", years=list(years)).keys())


class Dossiers:
    """All dossiers of one sandbox, as column arrays (bounded memory: ~100 bytes per dossier)."""

    def __init__(self, config: SandboxConfig):
        self.config = config
        rng = np.random.default_rng(config.seed)
        n = config.dossiers
        self.n = n
        prov = province(config.province)
        self.province = prov
        self.communes = communes_of(config.province)
        self.holidays = np.array(
            vn_holidays(range(config.start_date.year, config.end_date.year + 2)), dtype="datetime64[D]"
        )

        procs = PROCEDURES
        commune_procs = np.array([i for i, p in enumerate(procs) if p.tier == "commune"])
        province_procs = np.array([i for i, p in enumerate(procs) if p.tier == "province"])
        w = np.array([p.weight for p in procs], dtype=float)

        # -- who is competent, who received it (Decree 118/2025: boundary-free reception) ------------------
        at_province = rng.random(n) < 0.22
        cw = rng.zipf(1.6, len(self.communes)).astype(float)  # some communes are much busier than others
        cw /= cw.sum()
        commune_idx = rng.choice(len(self.communes), size=n, p=cw)
        pc = w[commune_procs] / w[commune_procs].sum()
        pp = w[province_procs] / w[province_procs].sum()
        proc = np.where(at_province, rng.choice(province_procs, n, p=pp), rng.choice(commune_procs, n, p=pc))
        self.proc = proc.astype(np.int16)
        self.unit_idx = np.where(at_province, -1, commune_idx).astype(np.int32)  # -1 = a provincial department
        self.dept = rng.integers(1, 20, n).astype(np.int8)
        other_commune = rng.choice(len(self.communes), size=n, p=cw)
        self.recv_unit_idx = np.where((~at_province) & (rng.random(n) < 0.05), other_commune, self.unit_idx)

        level = np.array([p.level for p in procs])[proc]
        days = np.array([p.days for p in procs])[proc]
        fee = np.array([p.fee for p in procs])[proc]
        self.fee = fee.astype(np.int32)

        # -- channel: 1 in person, 2 online, 3 public postal ---------------------------------------------
        p_online = np.select([level == 4, level == 3], [0.62, 0.38], 0.0)
        u = rng.random(n)
        self.channel = np.where(u < p_online, 2, np.where(u > 0.97, 3, 1)).astype(np.int8)

        # -- reception: a working day in the period, office hours ----------------------------------------
        start = np.datetime64(config.start_date, "D")
        end = np.datetime64(config.end_date, "D")
        workdays = np.arange(start, end, dtype="datetime64[D]")
        workdays = workdays[np.is_busday(workdays, holidays=self.holidays)]
        day = np.sort(rng.choice(workdays, n))
        secs = rng.integers(7 * 3600 + 30 * 60, 17 * 3600, n)
        epoch_day = day.astype("datetime64[s]").astype(np.int64)
        recv = epoch_day + secs
        online = self.channel == 2
        submit = np.where(online, recv - rng.integers(600, 3 * 86400, n), NEVER)

        # -- appointment: statutory working days after reception -------------------------------------------
        due_day = np.busday_offset(day, days, roll="forward", holidays=self.holidays)
        due = due_day.astype("datetime64[s]").astype(np.int64) + secs
        self.days = days.astype(np.int16)

        # -- outcome ------------------------------------------------------------------------------------------
        u = rng.random(n)
        outcome = np.select([u < 0.02, u < 0.035, u < 0.045], [OUT_REFUSED, OUT_WITHDRAWN, OUT_STOPPED], OUT_DONE)
        self.outcome = outcome.astype(np.int8)

        # supplement rounds: 0 (85%), 1 (12%), 2 (3%); the citizen takes 1-10 days to complete each
        u = rng.random(n)
        rounds = np.where(outcome == OUT_REFUSED, 0, np.select([u < 0.03, u < 0.15], [2, 1], 0))
        sup_wait = rng.integers(86400, 10 * 86400, (n, 2)) * (np.arange(2)[None, :] < rounds[:, None])

        # processing time in working days relative to the statutory time: ~83% early/on time
        factor = rng.choice([0.3, 0.6, 0.9, 1.0, 1.0, 1.2, 1.6, 2.5], n, p=[0.2, 0.25, 0.2, 0.18, 0, 0.09, 0.05, 0.03])
        work_days = np.floor(days * factor).astype(np.int64)
        end_day = np.busday_offset(day, work_days, roll="forward", holidays=self.holidays)
        end_secs = np.clip(secs + rng.integers(-3 * 3600, 3 * 3600, n), 7 * 3600, 17 * 3600)
        end_at = end_day.astype("datetime64[s]").astype(np.int64) + end_secs + sup_wait.sum(axis=1)
        end_at = np.maximum(end_at, recv + 1800)

        ev = np.full((n, N_EVENTS), NEVER, dtype=np.int64)
        ev[:, EV_SUBMIT] = submit
        ev[:, EV_RECEIVE] = recv
        proc_start = recv + rng.integers(600, 4 * 3600, n)
        not_refused = outcome != OUT_REFUSED
        ev[:, EV_PROCESS] = np.where(not_refused, np.minimum(proc_start, end_at - 60), NEVER)
        span = np.maximum(end_at - sup_wait.sum(axis=1) - proc_start, 7200)
        sup1 = proc_start + (span * 0.3).astype(np.int64)
        ev[:, EV_SUP1] = np.where(rounds >= 1, sup1, NEVER)
        ev[:, EV_SUP1_DONE] = np.where(rounds >= 1, sup1 + sup_wait[:, 0], NEVER)
        sup2 = sup1 + sup_wait[:, 0] + (span * 0.3).astype(np.int64)
        ev[:, EV_SUP2] = np.where(rounds >= 2, sup2, NEVER)
        ev[:, EV_SUP2_DONE] = np.where(rounds >= 2, sup2 + sup_wait[:, 1], NEVER)
        # processing ends after the last supplement was completed (steps stay in time order)
        last_done = np.where(rounds >= 2, ev[:, EV_SUP2_DONE], np.where(rounds >= 1, ev[:, EV_SUP1_DONE], 0))
        end_at = np.maximum(end_at, last_done + rng.integers(1800, 86400, n))
        ev[:, EV_END] = np.where(not_refused, end_at, recv)
        returned = (outcome == OUT_DONE) & (rng.random(n) < 0.92)
        ev[:, EV_RETURN] = np.where(returned, end_at + rng.integers(1800, 3 * 86400, n), NEVER)
        # -- first sync to DVCQG: most within minutes, some after a day or two, some never (a few communes have a
        # broken link: most of their dossiers never reach the national portal)
        broken = rng.choice(len(self.communes), size=max(1, len(self.communes) // 40), replace=False)
        u = rng.random(n)
        lag = np.where(u < 0.86, rng.integers(60, 1800, n), rng.integers(3600, 3 * 86400, n))
        never = (u > 0.97) | (np.isin(self.unit_idx, broken) & (rng.random(n) < 0.6))
        ev[:, EV_SYNC] = np.where(never, NEVER, recv + lag)
        self.broken_sync_units = broken
        self.events = ev
        self.due = due

        # -- payment, digitization, identity --------------------------------------------------------------
        paid_online_p = np.where(online, 0.55, 0.08)
        u = rng.random(n)
        self.paid_online = np.where((fee > 0) & (u < paid_online_p), np.where(u < paid_online_p / 3, 1, 2), 0)
        self.digitized = rng.random(n) < np.where(online, 0.85, 0.55)
        self.n_docs = rng.integers(1, 4, n).astype(np.int8)
        self.from_store = rng.random(n) < 0.25
        self.vneid = online & (rng.random(n) < 0.8)
        self.population_db = rng.random(n) < 0.45  # owner data checked against the national population database
        self.e_result = rng.random(n) < 0.7
        self.applicant_type = np.where(rng.random(n) < 0.9, 1, np.where(rng.random(n) < 0.7, 2, 4)).astype(np.int8)
        self.female = rng.random(n) < 0.52
        self.birth_year = rng.integers(1950, 2007, n).astype(np.int16)
        home = rng.random(n) < 0.8
        self.id_prov = np.where(
            home, OLD_PROVINCES.index(f"0{config.province}"), rng.integers(0, len(OLD_PROVINCES), n)
        ).astype(np.int8)
        self.id_serial = rng.integers(0, 1_000_000, n).astype(np.int32)
        self.name_seed = rng.integers(0, 2**31 - 1, n, dtype=np.int64)

        # -- dirty records --------------------------------------------------------------------------------
        self.dirty_kind = np.full(n, -1, dtype=np.int8)
        n_dirty = int(round(n * config.dirty_share))
        if n_dirty:
            dirty_idx = rng.choice(np.arange(1, n), size=min(n_dirty, n - 1), replace=False)
            self.dirty_kind[dirty_idx] = rng.integers(0, len(DIRTY_KINDS), len(dirty_idx))

        # -- dossier codes: <agency id>-<yyMMdd>-<5-digit sequence per agency and day> ---------------------
        self.seq = self._sequence_numbers(day)
        self.recv_day = day

        # -- units re-coded by the 2025 reform: some systems still send the pre-2025 code of a commune that was
        # merged into the competent one (the code's records belong to that commune under the conversion table)
        merged_into = defaultdict(list)
        for m in commune_code_map():
            if m.is_primary and m.old_code != m.new_code:
                merged_into[m.new_code].append(m.old_code)
        self.legacy_codes = [tuple(sorted(merged_into[c.code])) for c in self.communes]
        self.legacy_pick = np.where(rng.random(n) < config.legacy_code_share,
                                    rng.integers(0, 1 << 30, n), -1).astype(np.int64)

        # -- the processing history (QuaTrinhXuLy) is synced apart from the dossier, and not always: some dossiers
        # are sent without it for good, some get it days after they finished (a later extraction), some keep a
        # stale history that stops before the end (drawn last, so the draws above stay as they were)
        u = rng.random(n)
        self.history_mode = np.select([u < config.no_history_share,
                                       u < config.no_history_share + config.late_history_share,
                                       u < config.no_history_share + config.late_history_share
                                       + config.stale_history_share], [HIST_NEVER, HIST_LATE, HIST_STALE],
                                      HIST_FULL).astype(np.int8)
        arrival = np.where(ev[:, EV_END] < NEVER, ev[:, EV_END], recv) + rng.integers(2 * 86400, 20 * 86400, n)
        self.history_at = np.where(self.history_mode == HIST_LATE, arrival, 0).astype(np.int64)
        # -- a commune's backlog digitized after the dossier was processed: the dossier changes (its components
        # marked digitized, NgayCapNhat moved) without a new sync to DVCQG (drawn last, as the history above)
        late = (~self.digitized & (outcome == OUT_DONE) & (ev[:, EV_END] < NEVER)
                & (rng.random(n) < config.late_digitization_share))
        self.digitized_at = np.where(late, ev[:, EV_END] + rng.integers(86400, 30 * 86400, n), 0).astype(np.int64)
        # edits made while a listing is being read (SandboxOneStop churn): the time of a dossier's latest edit
        self.edited_at = np.zeros(n, dtype=np.int64)

    def _sequence_numbers(self, day: np.ndarray) -> np.ndarray:
        agency = np.where(self.recv_unit_idx >= 0, self.recv_unit_idx, 10_000 + self.dept.astype(np.int32))
        order = np.lexsort((self.events[:, EV_RECEIVE], day, agency))
        key = agency[order].astype(np.int64) * 100_000 + (day[order] - day.min()).astype(np.int64)
        first = np.r_[True, key[1:] != key[:-1]]
        starts = np.maximum.accumulate(np.where(first, np.arange(len(key)), 0))
        seq = np.empty(len(key), dtype=np.int32)
        seq[order] = np.arange(len(key)) - starts + 1
        return seq

    # ------------------------------------------------------------------------------------------------------
    def agency_id(self, unit_idx: int, dept: int) -> str:
        """Electronic identifier code (NNN.NN.NN.XNN) of the receiving agency; H56 = Thanh Hóa (pre-2025 list)."""
        if unit_idx < 0:
            return department_agency_id(self.config.province, dept)
        return f"000.{unit_idx // 100 + 1:02d}.{unit_idx % 100:02d}.{agency_suffix(self.config.province)}"

    def unit_code(self, unit_idx: int) -> str:
        return self.province.code if unit_idx < 0 else self.communes[unit_idx].code

    def unit_code_sent(self, unit_idx: int, i: int) -> str:
        """The code the system sends for the unit: the current one, or for some dossiers a pre-2025 code."""
        if unit_idx >= 0 and self.legacy_pick[i] >= 0 and self.legacy_codes[unit_idx]:
            alternatives = self.legacy_codes[unit_idx]
            return alternatives[int(self.legacy_pick[i]) % len(alternatives)]
        return self.unit_code(unit_idx)

    def unit_name(self, unit_idx: int, dept: int) -> str:
        if unit_idx < 0:
            return f"{BY_NUMBER[dept].name} {self.province.full_name}"
        return f"UBND {self.communes[unit_idx].full_name}"

    def dossier_code(self, i: int) -> str:
        if self.dirty_kind[i] == DIRTY_KINDS.index("duplicate_code"):
            i = i - 1  # keyed with the code of the previous dossier: the same code for two different cases
        recv_day = self.recv_day[i].astype(object)
        return (
            f"{self.agency_id(int(self.recv_unit_idx[i]), int(self.dept[i]))}-{recv_day:%y%m%d}-{int(self.seq[i]):05d}"
        )

    @cached_property
    def default_clock(self) -> int:
        """The sandbox's "now" unless told otherwise: the end of the generated period."""
        return to_epoch(datetime.combine(self.config.end_date, datetime.min.time()))

    def updated_at(self, clock: int) -> np.ndarray:
        """Last visible change of every dossier at ``clock`` (-1 = not yet received)."""
        ev = self.events
        visible = np.where(ev < clock, ev, -1).max(axis=1)
        arrived = np.where((self.history_at > 0) & (self.history_at < clock) & (visible >= 0), self.history_at, -1)
        edited = np.where((self.edited_at > 0) & (self.edited_at < clock) & (visible >= 0), self.edited_at, -1)
        scanned = np.where((self.digitized_at > 0) & (self.digitized_at < clock), self.digitized_at, -1)
        return np.maximum.reduce([visible, arrived, edited, scanned])

    def is_digitized(self, i: int, clock: int) -> bool:
        """Whether dossier ``i``'s components are digitized at ``clock``: from the start, or scanned since."""
        return bool(self.digitized[i]) or 0 < self.digitized_at[i] < clock
