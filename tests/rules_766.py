"""Decision 766 figures recomputed from DVCQG dossier records in plain Python: the tests' independent expectation.

A straightforward restatement of domain.md §2.1-2.3 over the records as the sandbox serves them (dicts with the
DVCQG field names). It shares no code with the dbt models it checks; calendars come from the ``holidays`` package.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from functools import cache

import holidays

from kho.domain.units import load_units
from sandbox.onestop.catalog import PROCEDURES

CATALOGUE = {p.code: p for p in PROCEDURES}
VN_CALENDAR = holidays.country_holidays("VN", years=range(2024, 2028))
POPULATION_DB = "7"
# (max score, rate at which full marks are reached) per domain.md §2.1-2.2
SCORING = {
    "procedures_published_on_time": (6, None), "procedures_updated_on_time": (4, None),
    "procedures_full_content": (2, None), "procedures_online": (0, Fraction(4, 5)),
    "procedures_payment_integrated": (0, Fraction(4, 5)),
    "dossier_sync": (6, None), "on_time": (20, None), "avg_processing_days": (0, None),
    "online_dossiers": (0, Fraction(1, 2)), "full_online_dossiers": (12, None), "electronic_results": (6, None),
    "digitized_dossiers": (4, Fraction(4, 5)), "reused_data": (2, Fraction(4, 5)), "dvcqg_store": (4, None),
    "population_data_dossiers": (2, None), "population_data_procedures": (2, None),
    "online_payment_dossiers": (6, None), "online_payment_procedures": (2, Fraction(4, 5)),
    "fee_procedures_with_dossiers": (2, Fraction(4, 5)),
    "feedback_on_time": (6, None), "feedback_satisfaction": (6, None), "dossier_satisfaction": (6, Fraction(9, 10)),
}
# the score of an indicator whose denominator is empty, where the rule gives one (5.2, 5.3: no feedback, full marks)
EMPTY_SCORE = {"feedback_on_time": 6, "feedback_satisfaction": 6}
FEEDBACK_INDICATORS = ("feedback_on_time", "feedback_satisfaction")
# working days a feedback item's answer is due within, by its outcome (domain.md §2.2 row 5.2)
FEEDBACK_DUE = {"DA_XU_LY": 15, "TU_CHOI": 2, "YEU_CAU_BO_SUNG": 5}
PROCEDURE_INDICATORS = {"population_data_procedures", "online_payment_procedures", "fee_procedures_with_dossiers"}
# counted over the procedure catalogue (domain.md §2.2 rows 1.1-1.3, 3.1, 3.5, 3.6 term C)
CATALOGUE_INDICATORS = ("procedures_published_on_time", "procedures_updated_on_time", "procedures_full_content",
                        "procedures_online", "procedures_payment_integrated", "fee_procedures_with_dossiers")
# Decree 63/2010 Art. 8(2): the seven components a published procedure states
COMPONENTS = ("name", "steps", "method", "dossierComposition", "timeLimit", "applicant", "agency")


@cache  # the same records' times, parsed again by every period type and test
def ts(value: str) -> datetime | None:
    return datetime.strptime(value, "%Y%m%d%H%M%S") if value else None


@cache
def is_working_day(day: date) -> bool:
    return VN_CALENDAR.is_working_day(day)


def add_working_days(start: datetime, days: int) -> datetime:
    day = start.date()
    while days:
        day += timedelta(days=1)
        days -= is_working_day(day)
    return datetime.combine(day, start.time())


def working_days_between(start: datetime, end: datetime) -> int:
    """Working days after start's date up to and including end's date."""
    day, n = start.date(), 0
    while day < end.date():
        day += timedelta(days=1)
        n += is_working_day(day)
    return n


@cache
def provinces_of_units() -> dict[str, str]:
    return {u.code: u.province_code for u in load_units()}


SPAN_MONTHS = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}
PERIOD_TYPES = tuple(SPAN_MONTHS)


def period_of(at: datetime, period_type: str) -> tuple[str, datetime]:
    """The label (2026-03, 2026-Q1, 2026-H1, 2026) and the exclusive end of the period of ``period_type`` holding
    ``at``."""
    span = SPAN_MONTHS[period_type]
    first = (at.month - 1) // span * span + 1
    end = datetime(at.year + (first - 1 + span) // 12, (first - 1 + span) % 12 + 1, 1)
    label = {"month": f"{at.year}-{first:02d}", "quarter": f"{at.year}-Q{(first + 2) // 3}",
             "half_year": f"{at.year}-H{(first + 5) // 6}", "year": f"{at.year}"}[period_type]
    return label, end


@dataclass
class Judged:
    """One dossier at the end of one reporting period holding its reception (``period``: its label)."""

    month: str
    period_end: datetime
    terminal: int | None
    end: datetime | None
    on_time_766: str
    on_time_local: str
    processing_days: int | None
    flags: dict[str, bool] = field(default_factory=dict)
    judged_from: str = "history"  # history | dossier_fields | no_history
    period: str = ""


def judge(r: dict, as_of: datetime, signals: dict | None = None, period_type: str = "month") -> Judged:
    """``signals``: dossier code → (first feedback item about it, first "not satisfied" rating), for 5.4. Judged at
    the end of the period of ``period_type`` holding the reception, or just after ``as_of`` while it runs."""
    received = ts(r["NgayTiepNhan"])
    period, nominal_end = period_of(received, period_type)
    period_end = min(nominal_end, as_of + timedelta(seconds=1))
    steps = [(ts(s["ThoiDiemXuLy"]), int(s["TrangThai"])) for s in r["QuaTrinhXuLy"]]
    steps = [(t, st) for t, st in steps if t < period_end]
    first = {}
    for t, st in sorted(steps):
        first.setdefault(st, t)
    accepted = any(st in (2, 4, 5, 6, 9, 10) for _, st in steps)

    terminal, end = None, None
    if 9 in first:
        terminal, end = 9, first[9]
    elif 10 in first:
        terminal, end = 10, first[10]
    elif 3 in first or 8 in first:
        terminal, end = min((first[s], s) for s in (3, 8) if s in first)[::-1]
    elif 7 in first and accepted:
        terminal, end = 7, first[7]
    # no terminal step in the history (none synced, or one that stops early): the dossier's own fields
    status, fin, ret, ref = int(r["TrangThaiHoSo"]), ts(r["NgayKetThucXuLy"]), ts(r["NgayTra"]), ts(r["NgayTuChoi"])
    withdrawn_unseen = False
    from_fields = None
    judged_from = "history" if terminal is not None else None
    if terminal is None:
        if status in (9, 10) and fin:
            from_fields = (9, fin)
        elif status == 10 and ret:
            from_fields = (10, ret)
        elif status == 3:
            from_fields = (3, ref or received)
        elif status == 8 and fin:
            from_fields = (8, fin)
        withdrawn_unseen = status == 7 and 7 not in first
        if from_fields and from_fields[1] < period_end:
            terminal, end = from_fields
            judged_from = "dossier_fields"
        elif withdrawn_unseen:
            judged_from = "dossier_fields"
        else:
            judged_from = "history" if steps else "no_history"

    requests = [s for s in r["DanhSachHoSoBoSung"] if ts(s["NgayBoSung"]) < period_end]
    done = [(ts(s["NgayBoSung"]), ts(s["NgayTiepNhanBoSung"])) for s in requests
            if s["NgayTiepNhanBoSung"] and ts(s["NgayTiepNhanBoSung"]) < period_end]
    supplement = sum(((b - a) for a, b in done), timedelta())
    still_open = [ts(s["NgayBoSung"]) for s in requests
                  if not s["NgayTiepNhanBoSung"] or ts(s["NgayTiepNhanBoSung"]) >= period_end]
    if terminal is None and len(requests) == 1 and still_open:
        end = max(still_open)

    proc = CATALOGUE.get(r["MaTTHC"])
    due = ts(r["NgayHenTra"]) or (add_working_days(received, proc.days) if proc else None)
    if terminal is None and (7 in first or withdrawn_unseen):
        c766 = "not_counted"
    elif len(requests) > 1:
        c766 = "late"
    elif due is None:
        c766 = "no_due_date"
    elif end is not None:
        c766 = "on_time" if end - supplement <= due else "late"
    else:
        c766 = "open_within" if period_end - supplement <= due else "open_overdue"

    if due is None:
        local = "no_due_date"
    elif terminal in (9, 10):
        local = "early" if end.date() < due.date() else "on_time" if end.date() == due.date() else "late"
    elif terminal is not None or 7 in first or withdrawn_unseen:
        local = "not_applicable"
    else:
        local = "open_within" if due.date() >= (period_end - timedelta(seconds=1)).date() else "open_overdue"

    finished = terminal in (9, 10)
    days = working_days_between(received, end) if finished else None
    docs = [d for d in r["TaiLieuNop"] if d.get("IsDeleted") != "1"]
    results = r["DanhSachGiayToKetQua"]
    has_result_link = any(x.get("DuongDanTepTinKetQua") for x in results)
    from_store = any(d["DuocLayTuKhoDMQG"] == "1" for d in docs)
    population = (r["TaiKhoanDuocXacThucVoiVNeID"] == "1" or from_store
                  or any(x["MaCSDL"] == POPULATION_DB for x in r.get("DSKetNoiCSDL") or []))
    fee_procedure = bool(proc and proc.fee)
    fees = r["DanhSachLePhi"]
    payable = fee_procedure and not (fees and all(float(f["Gia"] or 0) == 0 for f in fees))
    paid_online = r["DuocThanhToanTrucTuyen"] in ("1", "2")
    online = r["KenhThucHien"] == "2"
    citizen = r["LoaiDoiTuong"] == "1"
    flags = {
        "dossier_sync_den": True,
        "dossier_sync_num": bool(r["NgayDongBoDVC"]) and ts(r["NgayDongBoDVC"]) < period_end,
        "on_time_den": c766 in ("on_time", "late", "open_within", "open_overdue"),
        "on_time_num": c766 in ("on_time", "open_within"),
        "avg_processing_days_den": finished,
        "online_dossiers_den": True,
        "online_dossiers_num": online,
        "full_online_dossiers_den": bool(proc and proc.level == 4),
        "full_online_dossiers_num": bool(proc and proc.level == 4) and online,
        "electronic_results_den": finished,
        "electronic_results_num": finished and bool(results),
        "digitized_dossiers_den": finished,
        "digitized_dossiers_num": finished and bool(results) and any(
            d["DuocSoHoa"] == "1" and d["DuongDanTaiTepTin"] for d in docs),
        "reused_data_den": True,
        "reused_data_num": r["HoSoCoThanhPhanSoHoa"] == "1" or any(d["DuocSoHoa"] == "1" for d in r["TaiLieuNop"]),
        "dvcqg_store_den": True,
        "dvcqg_store_num": from_store or has_result_link,
        "population_data_dossiers_den": True,
        "population_data_dossiers_num": population,
        "population_data_procedures_den": citizen,
        "population_data_procedures_num": citizen and population,
        "online_payment_dossiers_den": payable,
        "online_payment_dossiers_num": payable and paid_online,
        "online_payment_procedures_den": payable,
        "online_payment_procedures_num": payable and paid_online,
        "fee_procedures_with_dossiers_num": fee_procedure,
        "procedures_payment_integrated_num": fee_procedure and any(float(f["Gia"] or 0) > 0 for f in fees),
        "dossier_satisfaction_den": True,
        "dossier_satisfaction_num": c766 not in ("late", "open_overdue") and not any(
            t is not None and t < period_end for t in (signals or {}).get(r["MaHoSo"], ())),
    }
    return Judged(f"{received:%Y-%m}", period_end, terminal, end, c766, local, days, flags, judged_from, period)


def as_of_time(records: list[dict]) -> datetime:
    return max(ts(r["NgayCapNhat"]) for r in records)


def round_half_up(value: Fraction, places: int) -> Decimal:
    scaled = value * 10**places
    return Decimal(int(scaled + Fraction(1, 2))) / Decimal(10**places)


def record_units(r: dict, unit_of, departments: dict[str, str] | None = None) -> tuple[str, str]:
    """A record's competent and receiving unit: ``unit_of(code)`` maps a code as sent to the current unit;
    ``departments`` maps a department's agency identifier to its code (``38.STP``, its province's code before the
    dot): a dossier received under it and sent with the province's code lands on the department."""
    dept = (departments or {}).get(r["MaHoSo"].rsplit("-", 2)[0])
    units = unit_of(r["MaDonViXuLy"]), unit_of(r["MaDonViTiepNhan"])
    return tuple(dept if dept and dept.split(".")[0] == u else u for u in units)


def feedback_signals(items: list[dict], ratings: list[dict]) -> dict[str, tuple]:
    """Dossier code → (its first feedback item's reception, its first "not satisfied" rating), for 5.4."""
    first: dict[str, list] = defaultdict(lambda: [None, None])
    for it in items:
        if it["MaHoSo"]:
            t = ts(it["NgayTiepNhan"])
            first[it["MaHoSo"]][0] = min(x for x in (first[it["MaHoSo"]][0], t) if x)
    for g in ratings:
        if g["MucDo"] == "3":
            t = ts(g["NgayDanhGia"])
            first[g["MaHoSo"]][1] = min(x for x in (first[g["MaHoSo"]][1], t) if x)
    return {k: tuple(v) for k, v in first.items()}


def judge_feedback(it: dict, as_of: datetime, period_type: str = "month") -> tuple[str, bool, bool]:
    """(period, on time, satisfied) of a feedback item at the end of the period of ``period_type`` holding its
    reception (domain.md §2.2 rows 5.2, 5.3)."""
    received = ts(it["NgayTiepNhan"])
    period, nominal_end = period_of(received, period_type)
    period_end = min(nominal_end, as_of + timedelta(seconds=1))
    answered, published = ts(it["NgayXuLy"]), ts(it["NgayCongKhai"])
    if answered and answered < period_end:
        on_time = answered <= add_working_days(received, FEEDBACK_DUE[it["KetQua"]])
        if it["KetQua"] == "DA_XU_LY":
            due = add_working_days(answered, 2)
            on_time = on_time and (published <= due if published and published < period_end else period_end <= due)
    else:
        on_time = period_end <= add_working_days(received, 15)
    satisfied = on_time and int(it["SoKhongThich"]) <= int(it["SoThich"]) and it["LapLai"] != "1"
    return period, on_time, satisfied


def catalogue_figures(procedures: list[dict], scope: str, unit: str, period: str, period_end: datetime,
                      members: list[tuple[dict, Judged]], period_type: str = "month") -> dict[str, tuple[int, int]]:
    """(numerator, denominator) of each catalogue indicator for one unit (or province) and period: the procedures it
    applies (the province: publishes) in force at the period end; 1.1 and 1.2 over their decisions signed in the
    period, 1.2 judged at its end (the catalogue's as-of time while it runs); 3.5 and 3.6 term C: its fee
    procedures among those of its dossiers."""
    def applies(p: dict) -> bool:
        units = p["appliedDepartmentIds"] if scope == "unit" else p["publishingDepartmentIds"]
        first = min(ts(d["decisionDate"]) for d in p["decisions"])
        return p["state"] == "PUBLISHED" and unit in units and first < period_end

    mine = [p for p in procedures if applies(p)]
    fee = {p["code"] for p in mine if int(p["feeVnd"]) > 0}

    def dossier_procedures(flag: str) -> set[str]:
        return {r["MaTTHC"][:8] for r, j in members if j.flags.get(flag)}

    decisions = [d for p in mine for d in p["decisions"]
                 if period_of(ts(d["decisionDate"]), period_type)[0] == period]
    # a decision is judged at its period's end, the catalogue's as-of time while that period runs
    as_of = max((ts(p["updatedAt"]) for p in procedures), default=period_end)
    decisions_end = min(min((period_of(ts(d["decisionDate"]), period_type)[1] for d in decisions),
                            default=period_end), as_of + timedelta(seconds=1))

    def made_public_on_time(d: dict) -> bool:
        due = add_working_days(ts(d["decisionDate"]), 5).date()
        public = ts(d["publicDate"]) if d["publicDate"] else None
        if public and public < decisions_end:
            return public.date() <= due
        return (decisions_end - timedelta(seconds=1)).date() <= due

    return {
        "procedures_published_on_time": (
            sum(working_days_between(ts(d["decisionDate"]), ts(d["legalBasisEffectiveDate"])) >= 5
                for d in decisions), len(decisions)),
        "procedures_updated_on_time": (sum(made_public_on_time(d) for d in decisions), len(decisions)),
        "procedures_full_content": (
            sum(all((p["components"].get(c) or "").strip() for c in COMPONENTS) for p in mine), len(mine)),
        "procedures_online": (sum(p["onlineServiceLevel"] in ("FULL", "PARTIAL") for p in mine), len(mine)),
        "procedures_payment_integrated": (
            len(fee & dossier_procedures("procedures_payment_integrated_num")), len(fee)),
        "fee_procedures_with_dossiers": (len(fee & dossier_procedures("fee_procedures_with_dossiers_num")), len(fee)),
    }


def expected_indicators(records: list[dict], unit_of, departments: dict[str, str] | None = None,
                        keep=None, feedback: tuple[list[dict], list[dict]] | None = None,
                        catalogue: list[dict] | None = None, period_type: str = "month") -> dict[tuple, tuple]:
    """(scope, role, unit, period, indicator) → (numerator, denominator, rate, score) for the computed indicators,
    the period being the label of ``period_of`` (2026-03 for a month, 2026-Q1, 2026-H1, 2026).

    Units as ``record_units`` finds them. ``keep(judged)``: count only the dossiers it holds true for (all judged
    at the same as-of time: that of every record given). ``feedback``: the feedback items and ratings the warehouse
    keeps (5.2-5.4); an item is its dossier's unit's when the dossier is among ``records``, else its own unit's.
    ``catalogue``: the procedure records the warehouse keeps (1.1-1.3, 3.1, 3.5, 3.6 term C).
    """
    as_of = as_of_time(records)
    provinces = provinces_of_units()
    items, ratings = feedback or ([], [])
    signals = feedback_signals(items, ratings)
    units_of_dossiers = {r["MaHoSo"]: record_units(r, unit_of, departments)[0] for r in records}
    feedback_counts: dict[tuple, list] = defaultdict(lambda: [0, 0, 0])  # (unit, month) → on time, satisfied, all
    if items:
        feedback_as_of = max(ts(it["NgayCapNhat"]) for it in items)
        for it in items:
            month, on_time, satisfied = judge_feedback(it, feedback_as_of, period_type)
            unit = units_of_dossiers.get(it["MaHoSo"]) or unit_of(it["MaDonVi"])
            for key in ((unit, month), (provinces.get(unit) or unit.split(".")[0], month, "province")):
                c = feedback_counts[key]
                c[0], c[1], c[2] = c[0] + on_time, c[1] + satisfied, c[2] + 1

    groups: dict[tuple, list[tuple[dict, Judged]]] = defaultdict(list)
    for r in records:
        j = judge(r, as_of, signals, period_type)
        if keep is not None and not keep(j):
            continue
        unit, recv = record_units(r, unit_of, departments)
        groups[("unit", "competent", unit, j.period)].append((r, j))
        groups[("unit", "receiving", recv, j.period)].append((r, j))
        groups[("province", "competent", provinces.get(unit) or unit.split(".")[0], j.period)].append((r, j))
        groups[("province", "receiving", provinces.get(recv) or recv.split(".")[0], j.period)].append((r, j))

    out = {}
    for (scope, role, unit, month), members in groups.items():
        period_end = max(j.period_end for _, j in members)
        from_catalogue = catalogue_figures(catalogue or [], scope, unit, month, period_end, members, period_type)
        for ind, (max_score, full_at) in SCORING.items():
            def flagged(kind: str, ind: str = ind, members: list = members) -> list[tuple[dict, Judged]]:
                return [(r, j) for r, j in members if j.flags.get(f"{ind}_{kind}")]

            if ind in FEEDBACK_INDICATORS:
                key = (unit, month) if scope == "unit" else (unit, month, "province")
                on_time, satisfied, n = feedback_counts.get(key, (0, 0, 0))
                num, den = Fraction(on_time if ind == "feedback_on_time" else satisfied), Fraction(n)
            elif ind == "avg_processing_days":
                den_rows = flagged("den")
                num, den = Fraction(sum(j.processing_days for _, j in den_rows)), Fraction(len(den_rows))
            elif ind in CATALOGUE_INDICATORS:
                num, den = map(Fraction, from_catalogue[ind])
            elif ind in PROCEDURE_INDICATORS:
                num = Fraction(len({r["MaTTHC"] for r, _ in flagged("num")}))
                den = Fraction(len({r["MaTTHC"] for r, _ in flagged("den")}))
            else:
                num, den = Fraction(len(flagged("num"))), Fraction(len(flagged("den")))
            rate, score = None, (Decimal(EMPTY_SCORE[ind]) if ind in EMPTY_SCORE else None)
            if den:
                exact = num / den
                if ind == "online_dossiers":  # times the sync rate (domain.md §2.2 row 3.3)
                    exact *= Fraction(sum(j.flags["dossier_sync_num"] for _, j in members), len(members))
                rate = round_half_up(exact, 4)
                if max_score == 0:
                    score = Decimal(0)
                elif full_at is None:
                    score = round_half_up(max_score * exact, 2)
                else:
                    score = round_half_up(min(Fraction(max_score), max_score * exact / full_at), 2)
            out[(scope, role, unit, month, ind)] = (int(num), int(den), rate, score)
    return out
