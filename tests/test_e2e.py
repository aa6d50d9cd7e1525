"""End to end: both DAGs under dag.test() on the embedded PostgreSQL, marts checked against figures this test
computes on its own, in plain Python, from the sandbox's records."""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta, timezone

import holidays
import pytest
from raw_registers import legacy_province_codes, receiving_commune

from kho import airflow_env
from kho.settings import get_settings
from kho.units import unit_codes
from sandbox.onestop.catalog import PROCEDURES

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

TS14 = re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])([01]\d|2[0-3])[0-5]\d[0-5]\d$")
CCCD = re.compile(r"^(0(0[1-9]|[1-8]\d|9[0-6])\d{9}|\d{9})$")
OLD_PROVINCES, LEGACY_TO_CURRENT = legacy_province_codes(), receiving_commune()
CATALOGUE_DAYS = {p.code: p.days for p in PROCEDURES}
VN_CALENDAR = holidays.country_holidays("VN", years=range(2024, 2028))


def current_unit(code: str) -> str | None:
    """All sandbox dossiers are dated after the reform: a current code is itself, a pre-2025 one is converted."""
    if code in unit_codes():
        return code
    if code in LEGACY_TO_CURRENT:
        return LEGACY_TO_CURRENT[code]
    return code if code in OLD_PROVINCES else None


def statutory_due(received: str, days: int) -> str:
    day = date(int(received[:4]), int(received[4:6]), int(received[6:8]))
    while days:
        day += timedelta(days=1)
        days -= VN_CALENDAR.is_working_day(day)
    return day.strftime("%Y%m%d")


def is_clean(r: dict, dup_codes: set[str]) -> bool:
    """The suite's error rules, re-stated independently."""
    if r["MaHoSo"] in dup_codes or current_unit(r["MaDonViXuLy"]) is None or \
            current_unit(r["MaDonViTiepNhan"]) is None:
        return False
    if not TS14.match(r["NgayTiepNhan"]):
        return False
    for f in ("NgayHenTra", "NgayKetThucXuLy"):
        if r[f] and not TS14.match(r[f]):
            return False
    if r["NgayKetThucXuLy"] and r["NgayKetThucXuLy"] < r["NgayTiepNhan"]:
        return False
    sid = r["SoGiayToChuHoSo"]
    if r["LoaiDoiTuong"] == "1" and not (CCCD.match(sid) and (len(sid) == 9 or sid[1:3] in OLD_PROVINCES)):
        return False
    return bool(re.match(r"^\d\.\d{6}$", r["MaTTHC"]))


def expected_kpis(records: list[dict]) -> dict[tuple[str, str], tuple]:
    as_of = max(r["NgayCapNhat"] for r in records)[:8]
    acc: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in records:
        c = acc[(current_unit(r["MaDonViXuLy"]), f"{r['NgayTiepNhan'][:4]}-{r['NgayTiepNhan'][4:6]}")]
        st, due, end = int(r["TrangThaiHoSo"]), r["NgayHenTra"][:8], r["NgayKetThucXuLy"][:8]
        if not due and st != 3:  # no due date sent: the procedure's statutory working days from reception
            due = statutory_due(r["NgayTiepNhan"], CATALOGUE_DAYS[r["MaTTHC"]])
        c["received"] += 1
        c["finished"] += st in (9, 10)
        if st in (8, 9, 10) and end and due:
            c["early"] += end < due
            c["on_time"] += end == due
            c["late"] += end > due
        if st in (1, 2, 4, 5, 6) and due:
            c["open_within"] += due >= as_of
            c["open_overdue"] += due < as_of
        c["online"] += r["KenhThucHien"] == "2"
        fee = any(float(f["Gia"] or 0) > 0 for f in r["DanhSachLePhi"])
        c["with_fee"] += fee
        c["paid_online"] += fee and r["DuocThanhToanTrucTuyen"] in ("1", "2")
        c["digitized"] += r["HoSoCoThanhPhanSoHoa"] == "1" or any(t["DuocSoHoa"] == "1" for t in r["TaiLieuNop"])
    keys = (
        "received",
        "finished",
        "early",
        "on_time",
        "late",
        "open_within",
        "open_overdue",
        "online",
        "with_fee",
        "paid_online",
        "digitized",
    )
    return {k: tuple(c[x] for x in keys) for k, c in acc.items()}


MART_SQL = """
select unit_code, to_char(month, 'YYYY-MM'), received, finished, finished_early, finished_on_time, finished_late,
       open_within_deadline, open_overdue, received_online, with_fee, paid_online, digitized
from marts.unit_month_kpis
"""


@pytest.fixture(scope="module")
def pipeline_run(warehouse, make_sandbox_module):
    airflow_env.migrate()
    srv = make_sandbox_module
    os.environ["KHO_ONESTOP_URL"] = srv.url
    get_settings.cache_clear()
    with warehouse.connect() as conn:
        conn.execute("drop schema if exists raw_onestop, dq, kho, kho_work, staging, intermediate, marts, reference "
                     "cascade")
    warehouse.bootstrap()
    dags = airflow_env.load_dags()
    for dag_id in ("extract_onestop", "transform_warehouse"):
        run = dags[dag_id].test(logical_date=datetime.now(timezone.utc))
        assert str(run.state).endswith("success"), dag_id
    return dags, srv


@pytest.fixture(scope="module")
def make_sandbox_module():
    from sandbox.onestop.generator import SandboxConfig
    from sandbox.onestop.server import SandboxOneStop, SandboxServer

    app = SandboxOneStop(SandboxConfig(dossiers=3000, dirty_share=0.05))
    with SandboxServer(app) as srv:
        yield srv


def test_every_record_is_accounted_for(pipeline_run, warehouse):
    _, srv = pipeline_run
    records = list(srv.app.all_records())
    dup = {c for c, n in Counter(r["MaHoSo"] for r in records).items() if n > 1}
    clean = [r for r in records if is_clean(r, dup)]
    _, [(extracted, checked, passed, quarantined)] = warehouse.query(
        "select (select sum(rows_extracted) from kho.batches), sum(rows_checked), sum(rows_passed), "
        "sum(rows_quarantined) from dq.validation_runs"
    )
    assert extracted == checked == len(records)
    assert passed + quarantined == checked
    assert passed == len(clean) and quarantined == len(records) - len(clean) > 0
    assert warehouse.query("select count(*) from marts.fct_dossiers")[1][0][0] == len(clean)


def test_marts_match_figures_computed_from_the_sandbox(pipeline_run, warehouse):
    _, srv = pipeline_run
    records = list(srv.app.all_records())
    dup = {c for c, n in Counter(r["MaHoSo"] for r in records).items() if n > 1}
    expected = expected_kpis([r for r in records if is_clean(r, dup)])
    _, rows = warehouse.query(MART_SQL)
    actual = {(r[0], r[1]): tuple(r[2:]) for r in rows}
    assert actual == expected
    assert sum(v[0] for v in actual.values()) > 2500


def test_citizen_ids_are_pseudonymized_with_the_keyed_hash(pipeline_run, warehouse, settings):
    _, rows = warehouse.query(
        "select r.sogiaytochuhoso, f.owner_id_pseudonym from marts.fct_dossiers f "
        "join raw_onestop.dossiers r on r.mahoso = f.dossier_code and r._batch_id = f.batch_id limit 50"
    )
    key = settings.pseudonym_key.get_secret_value().encode()
    for raw_id, pseudonym in rows:
        assert pseudonym == hmac.new(key, raw_id.encode(), hashlib.sha256).hexdigest()
    cols, _ = warehouse.query("select * from marts.fct_dossiers limit 0")
    assert not {"chuhoso", "sogiaytochuhoso", "owner_name", "owner_id"} & set(cols)


def test_a_backfill_over_the_same_window_changes_no_mart(pipeline_run, warehouse):
    dags, _ = pipeline_run
    before = sorted(warehouse.query(MART_SQL)[1])
    conf = {"window_start": "2025-01-01T00:00:00", "window_end": "2026-12-01T00:00:00"}
    for dag_id, kw in (("extract_onestop", {"run_conf": conf}), ("transform_warehouse", {})):
        run = dags[dag_id].test(logical_date=datetime.now(timezone.utc), **kw)
        assert str(run.state).endswith("success"), dag_id
    assert warehouse.query("select count(distinct _batch_id) from raw_onestop.dossiers")[1][0][0] == 2
    assert sorted(warehouse.query(MART_SQL)[1]) == before
