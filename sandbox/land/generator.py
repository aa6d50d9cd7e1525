"""Deterministic land-registration transactions of a simulated province (the land registration office's system),
tied to the sandbox one-stop system's dossiers of the first-certificate procedure.

Every one-stop dossier of procedure 2.000986 that was not refused at reception becomes a first registration
(``DANG_KY_LAN_DAU``) passed to the land system a few minutes later with its MaHoSo, its appointment date and a
parcel (map sheet, parcel number, commune). The office also takes transfers, mortgages and other changes directly
(no one-stop dossier). Transactions with a financial obligation (first registrations, transfers) wait for the tax
notice and its payment, online through the tax/finance link for some, before they can be finished. Some finished
one-stop dossiers are never finished in the land system (keyed in one system only); parcels of a few communes are
sent under the commune's pre-2025 code. The parties (land users, transferees) are people shaped like the sandbox's
applicants: the warehouse sees them only as pseudonyms.

The land system serves the transactions from its API and also hands over a monthly CSV export (the same columns);
a transaction in both is one transaction. ``LandRegistry.expected`` is the answer key the tests use.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sandbox.onestop.catalog import PROCEDURES
from sandbox.onestop.generator import EV_END, EV_RECEIVE, NEVER, OUT_DONE, OUT_REFUSED, Dossiers, fmt_ts
from sandbox.onestop.records import citizen_id, person_name
from sandbox.times import DAY, epoch_of, office_reception, wall

PROCEDURE = "2.000986"  # Cấp giấy chứng nhận quyền sử dụng đất lần đầu (sandbox/catalogue)
KINDS = ("DANG_KY_LAN_DAU", "CHUYEN_NHUONG", "THE_CHAP", "BIEN_DONG")
TAXED = frozenset({"DANG_KY_LAN_DAU", "CHUYEN_NHUONG"})  # kinds with a financial obligation
DAYS = {"DANG_KY_LAN_DAU": 20, "CHUYEN_NHUONG": 10, "THE_CHAP": 1, "BIEN_DONG": 7}  # the office's deadlines (days)
FIELDS = ("MaGiaoDich", "MaHoSoMotCua", "LoaiGiaoDich", "MaXa", "SoToBanDo", "SoThua", "DienTich",
          "ChuSuDung_HoTen", "ChuSuDung_SoGiayTo", "BenNhan_HoTen", "BenNhan_SoGiayTo", "NgayTiepNhan", "NgayHenTra",
          "TrangThai", "NgayHoanThanh", "SoTienNghiaVu", "NgayThongBaoThue", "NgayNopThue", "NopTrucTuyen",
          "NgayCapNhat")
DEFECTS = ("done_before_received", "unknown_commune", "paid_before_notice", "bad_area", "missing_received",
           "unknown_kind")


@dataclass(frozen=True)
class LandConfig:
    direct_share: float = 0.5  # transactions the office takes directly, among all
    unfinished_share: float = 0.05  # finished one-stop dossiers never finished in the land system
    online_payment_share: float = 0.4
    legacy_code_share: float = 0.05
    dirty_share: float = 0.03
    export_months_behind: int = 2  # the monthly exports cover the months that ended this long before the clock


@dataclass
class Transaction:
    transaction_id: str
    dossier_code: str | None
    kind: str
    commune: str  # current code
    commune_as_sent: str
    sheet: int
    parcel: int
    area: float
    holder: tuple[str, str]  # (name, ID)
    transferee: tuple[str, str] | None
    received: int
    due: int
    done: int  # NEVER = not (yet)
    amount: int  # VND, 0 = no obligation
    notice: int
    paid: int
    online: bool
    defect: str | None = None

    def updated_at(self, clock: int) -> int:
        events = (self.received, self.done, self.notice, self.paid)
        return max((e for e in events if e < clock), default=-1)

    def status(self, clock: int) -> str:
        if self.done < clock:
            return "HOAN_THANH"
        if self.notice < clock <= self.paid:
            return "CHO_NGHIA_VU_TAI_CHINH"
        return "DANG_XU_LY"

    def render(self, clock: int) -> dict:
        seen = lambda t: fmt_ts(t) if t < clock else None  # noqa: E731
        rec = {
            "MaGiaoDich": self.transaction_id, "MaHoSoMotCua": self.dossier_code, "LoaiGiaoDich": self.kind,
            "MaXa": self.commune_as_sent, "SoToBanDo": str(self.sheet), "SoThua": str(self.parcel),
            "DienTich": f"{self.area:.1f}", "ChuSuDung_HoTen": self.holder[0], "ChuSuDung_SoGiayTo": self.holder[1],
            "BenNhan_HoTen": self.transferee[0] if self.transferee else None,
            "BenNhan_SoGiayTo": self.transferee[1] if self.transferee else None,
            "NgayTiepNhan": fmt_ts(self.received), "NgayHenTra": fmt_ts(self.due), "TrangThai": self.status(clock),
            "NgayHoanThanh": seen(self.done), "SoTienNghiaVu": str(self.amount) if self.amount else "0",
            "NgayThongBaoThue": seen(self.notice), "NgayNopThue": seen(self.paid),
            "NopTrucTuyen": ("1" if self.online else "0") if self.paid < clock else None,
            "NgayCapNhat": fmt_ts(self.updated_at(clock)),
        }
        if self.defect:
            _dirty(rec, self.defect)
        return rec


def _dirty(rec: dict, defect: str) -> None:
    if defect == "done_before_received" and rec["NgayHoanThanh"]:
        rec["NgayTiepNhan"] = fmt_ts(epoch_of(rec["NgayHoanThanh"]) + 2 * DAY)
    elif defect == "unknown_commune":
        rec["MaXa"] = "00000"
    elif defect == "paid_before_notice" and rec["NgayNopThue"]:
        rec["NgayNopThue"] = fmt_ts(epoch_of(rec["NgayThongBaoThue"]) - DAY)
    elif defect == "bad_area":
        rec["DienTich"] = "khoảng 100"
    elif defect == "missing_received":
        rec["NgayTiepNhan"] = None
    elif defect == "unknown_kind":
        rec["LoaiGiaoDich"] = "GOP_VON"




def defect_applies(t: Transaction, clock: int) -> bool:
    if t.defect == "done_before_received":
        return t.done < clock
    if t.defect == "paid_before_notice":
        return t.paid < clock
    return t.defect is not None


class LandRegistry:
    """Every land-registration transaction of one sandbox province."""

    def __init__(self, dossiers: Dossiers, config: LandConfig | None = None):
        self.dossiers = dossiers
        self.config = config or LandConfig()
        self.rng = random.Random(dossiers.config.seed + 13)
        self.transactions: list[Transaction] = []
        self.unfinished_dossiers: set[str] = set()
        self.exported_at: dict[str, int] = {}  # transaction -> the clock of the export it was written in
        self._build()

    def _person(self) -> tuple[str, str]:
        d, r = self.dossiers, self.rng
        j = r.randrange(d.n)
        return person_name(d, j), citizen_id(d, j)

    def _commune(self) -> tuple[str, str]:
        d, r = self.dossiers, self.rng
        k = r.randrange(len(d.communes))
        code = d.communes[k].code
        sent = d.legacy_codes[k][0] if d.legacy_codes[k] and r.random() < self.config.legacy_code_share else code
        return code, sent

    def _tax(self, kind: str, received: int, done: int | None) -> tuple[int, int, int, bool]:
        """(amount, notice, paid, online): the notice a few days after reception, the payment after it."""
        r = self.rng
        if kind not in TAXED:
            return 0, NEVER, NEVER, False
        amount = r.randrange(2, 400) * 100_000
        notice = received + r.randrange(2 * DAY, 6 * DAY)
        paid = notice + r.randrange(3600, 8 * DAY)
        if done is not None:  # finished: paid before, the notice before that
            paid = min(paid, done - r.randrange(600, 2 * 3600))
            notice = max(min(notice, paid - 600), received + 600)
            paid = max(paid, notice + 300)
        return amount, notice, paid, r.random() < self.config.online_payment_share

    def _build(self) -> None:
        d, cfg, r = self.dossiers, self.config, self.rng
        proc = next(k for k, p in enumerate(PROCEDURES) if p.code == PROCEDURE)
        rows: list[tuple] = []
        for i in range(d.n):
            if int(d.proc[i]) != proc or int(d.outcome[i]) == OUT_REFUSED:
                continue
            received = int(d.events[i, EV_RECEIVE]) + r.randrange(300, 3600)
            end = int(d.events[i, EV_END])
            done = NEVER
            if int(d.outcome[i]) == OUT_DONE and end != NEVER:
                if r.random() < cfg.unfinished_share:
                    self.unfinished_dossiers.add(d.dossier_code(i))
                else:
                    done = max(end - r.randrange(600, 4 * 3600), received + 3 * 3600)
            rows.append((received, d.dossier_code(i), "DANG_KY_LAN_DAU", int(d.due[i]), done))
        n_direct = round(len(rows) * cfg.direct_share / (1 - cfg.direct_share))
        for _ in range(n_direct):
            received = office_reception(d.config.start_date, d.config.end_date, r)
            kind = r.choices(KINDS[1:], weights=(5, 6, 3))[0]
            due = received + DAYS[kind] * DAY + (0 if kind != "THE_CHAP" else 8 * 3600)
            took = r.randrange(3600, int(DAYS[kind] * DAY * 1.4) + DAY)
            rows.append((received, None, kind, due, received + took))
        rows.sort(key=lambda x: (x[0], x[1] or ""))
        seq: dict[int, int] = {}
        for received, code, kind, due, done in rows:
            y = wall(received).year
            seq[y] = seq.get(y, 0) + 1
            commune, sent = self._commune()
            amount, notice, paid, online = self._tax(kind, received, done if done != NEVER else None)
            if kind in TAXED and done != NEVER:
                done = max(done, paid + 600)
            t = Transaction(f"DD-{d.province.code}-{y}-{seq[y]:06d}", code, kind, commune, sent,
                            r.randrange(1, 90), r.randrange(1, 900), round(r.uniform(40, 2000), 1), self._person(),
                            self._person() if kind == "CHUYEN_NHUONG" else None, received, due, done, amount, notice,
                            paid, online)
            if r.random() < cfg.dirty_share:
                t.defect = r.choice(DEFECTS)
            self.transactions.append(t)

    # -- what the system shows -------------------------------------------------------------------------------
    def visible(self, clock: int) -> list[tuple[int, Transaction]]:
        out = [(t.updated_at(clock), t) for t in self.transactions]
        return sorted(((u, t) for u, t in out if u >= 0), key=lambda x: (x[0], x[1].transaction_id))

    def write_exports(self, folder: Path, clock: int) -> list[Path]:
        """The monthly CSV exports (UTF-8 with BOM, as spreadsheet tools write them) of the months that ended at
        least ``export_months_behind`` months before ``clock``: each transaction received in the month, as it was
        at the export's end."""
        folder.mkdir(parents=True, exist_ok=True)
        by_month: dict[date, list[Transaction]] = {}
        for t in self.transactions:
            day = wall(t.received).date()
            by_month.setdefault(day.replace(day=1), []).append(t)
        last = wall(clock).date().replace(day=1)
        for _ in range(self.config.export_months_behind):
            last = (last - timedelta(days=1)).replace(day=1)
        written = []
        for month, rows in sorted(by_month.items()):
            if month >= last:
                continue
            end = month.replace(year=month.year + month.month // 12, month=month.month % 12 + 1)
            at = epoch_of(end)
            buf = io.StringIO()
            w = csv.DictWriter(buf, fieldnames=FIELDS, lineterminator="\n")
            w.writeheader()
            for t in rows:
                w.writerow({k: ("" if v is None else v) for k, v in t.render(at).items()})
                self.exported_at[t.transaction_id] = at
            path = folder / f"DD_{self.dossiers.province.code}_{month:%Y%m}.csv"
            path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))
            written.append(path)
        return written

    # -- the answer key ----------------------------------------------------------------------------------------
    def version_clock(self, t: Transaction, clock: int) -> int | None:
        """The clock of the version of ``t`` the warehouse keeps: the latest one validation lets through (the
        API's at ``clock``, else the export's), None when neither is."""
        if not defect_applies(t, clock):
            return clock
        at = self.exported_at.get(t.transaction_id)
        return at if at is not None and not defect_applies(t, at) else None

    def expected(self, clock: int, finished_dossiers: set[str]) -> dict:
        """What the marts must show at ``clock`` (after the exports written so far and the API at ``clock``): per
        (commune, month of reception): received, done, done on time, open, open overdue (judged at the latest change
        the warehouse holds), waiting for tax, with a financial obligation, paid, paid online; and the dossier ↔
        transaction links with their status."""
        kept = [(t, c) for _, t in self.visible(clock) if (c := self.version_clock(t, clock)) is not None]
        as_of = max(t.updated_at(c) for t, c in kept)
        units: dict[tuple[str, date], dict] = {}
        links: set[tuple[str | None, str | None, str]] = set()
        done_codes = set()
        for t, c in kept:
            cell = units.setdefault((t.commune, wall(t.received).date().replace(day=1)), dict.fromkeys(
                ("received", "done", "done_on_time", "open", "open_overdue", "waiting_for_tax",
                 "with_financial_obligation", "paid", "paid_online"), 0))
            cell["received"] += 1
            cell["with_financial_obligation"] += t.amount > 0
            if t.paid < c:
                cell["paid"] += 1
                cell["paid_online"] += t.online
            if t.done < c:
                cell["done"] += 1
                cell["done_on_time"] += t.done <= t.due
                if t.dossier_code is None:
                    links.add((None, t.transaction_id, "direct_transaction"))
                elif t.dossier_code in finished_dossiers:
                    links.add((t.dossier_code, t.transaction_id, "matched"))
                    done_codes.add(t.dossier_code)
                else:
                    links.add((t.dossier_code, t.transaction_id, "transaction_only"))
            else:
                cell["open"] += 1
                cell["open_overdue"] += t.due < as_of
                cell["waiting_for_tax"] += t.notice < c <= t.paid
        for code in finished_dossiers - done_codes:
            links.add((code, None, "dossier_only"))
        return {"units": units, "links": links}
