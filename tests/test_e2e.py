"""End to end: both DAGs under dag.test() on the embedded PostgreSQL, marts checked against figures this test
computes on its own, in plain Python, from the sandbox's records."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import os
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import documents_truth
import pytest
from personal_data import leaks_in_files, leaks_in_text, raw_personal_data
from pipeline_runs import run_pipeline
from raw_registers import legacy_province_codes, receiving_commune
from rules_766 import SCORING, as_of_time, expected_indicators, judge, record_units, round_half_up

from connectors.civil_status.schema import CHECKED_PEOPLE
from kho.core.settings import get_settings
from kho.domain.units import unit_codes

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

TS14 = re.compile(r"^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])([01]\d|2[0-3])[0-5]\d[0-5]\d$")
CCCD = re.compile(r"^(0(0[1-9]|[1-8]\d|9[0-6])\d{9}|\d{9})$")
OLD_PROVINCES, LEGACY_TO_CURRENT = legacy_province_codes(), receiving_commune()
ROOT = Path(__file__).resolve().parent.parent


def current_unit(code: str) -> str | None:
    """All sandbox dossiers are dated after the reform: a current code is itself, a pre-2025 one is converted."""
    if code in unit_codes():
        return code
    if code in LEGACY_TO_CURRENT:
        return LEGACY_TO_CURRENT[code]
    return code if code in OLD_PROVINCES else None


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


def expected_kpis(records: list[dict], departments: dict[str, str]) -> dict[tuple[str, str], tuple]:
    """dossier_unit_months, recomputed: the local date rule at the end of each month (rules_766.judge)."""
    as_of = as_of_time(records)
    acc: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for r in records:
        j = judge(r, as_of)
        c = acc[(record_units(r, current_unit, departments)[0], j.month)]
        c["received"] += 1
        c["finished"] += j.terminal in (9, 10)
        c[j.on_time_local] += 1
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
from marts.dossier_unit_months
"""


_CLEAN: dict[tuple[int, int, int], list[dict]] = {}


def clean_records(srv) -> list[dict]:
    """The records the suite lets through, as this test judges them (each a copy: the sandbox renders the same
    records for the same clock and edits, once)."""
    key = (id(srv.app), srv.app.clock, len(srv.app.edited))
    if key not in _CLEAN:
        records = list(srv.app.all_records())
        dup = {c for c, n in Counter(r["MaHoSo"] for r in records).items() if n > 1}
        _CLEAN[key] = [r for r in records if is_clean(r, dup)]
    return [dict(r) for r in _CLEAN[key]]


def test_every_record_is_accounted_for(pipeline_run, warehouse):
    _, srv = pipeline_run
    records = list(srv.app.all_records())
    dup = {c for c, n in Counter(r["MaHoSo"] for r in records).items() if n > 1}
    clean = [r for r in records if is_clean(r, dup)]
    _, [(extracted, checked, passed, quarantined)] = warehouse.query(
        "select (select sum(rows_extracted) from kho.batches where source = 'onestop'), sum(rows_checked), "
        "sum(rows_passed), sum(rows_quarantined) from dq.validation_runs where suite = 'onestop_dossiers_raw'"
    )
    assert extracted == checked == len(records)
    assert passed + quarantined == checked
    assert passed == len(clean) and quarantined == len(records) - len(clean) > 0
    assert warehouse.query("select count(*) from marts.fct_dossiers")[1][0][0] == len(clean)


MASK = re.compile(r"(^|[^0-9])([0-9]{12}|[0-9]{9})(?![0-9])")


def test_the_transform_checks_and_records_every_sources_freshness(pipeline_run, warehouse):
    """`dbt source freshness` ran as the transform DAG's last task: one verdict per raw table with a freshness
    policy, just loaded so passing, with the newest load time and the thresholds declared in the source's yml."""
    rows = warehouse.query("select source, source_table, status, max_loaded_at is not null, warn_after, error_after "
                           "from kho.source_freshness where checked_at = (select min(checked_at) from "
                           "kho.source_freshness) order by 1, 2")[1]
    empty = {(r[0], r[1]) for r in rows if r[2] == "no data"}
    assert empty == {("dvcqg_scores", "scores")}  # nothing dropped in its folder: no data, not stale
    rows = [r for r in rows if r[2] != "no data"]
    assert [(r[0], r[1]) for r in rows] == [
        ("catalogue", "procedures"), ("civil_status", "births"), ("civil_status", "deaths"),
        ("civil_status", "marriages"), ("documents", "edocs"), ("documents", "status_events"), ("feedback", "items"),
        ("feedback", "ratings"), ("judicial", "requests"), ("land", "transactions"), ("onestop", "dossiers"),
        ("readiness", "returns"), ("readiness", "targets"), ("readiness", "tasks")]
    assert all(r[2] == "pass" and r[3] for r in rows), rows
    assert ("onestop", "dossiers", "pass", True, "2 day", "7 day") in rows


def test_records_to_fix_are_exactly_the_dossiers_the_rules_reject(pipeline_run, warehouse):
    """DQ marts against the sandbox: the keys listed to fix (errors) are the dossiers this test judges unclean, and
    each unit-month counts the dossiers the sandbox placed there."""
    _, srv = pipeline_run
    records = list(srv.app.all_records())
    dup = {c for c, n in Counter(r["MaHoSo"] for r in records).items() if n > 1}
    dirty = {MASK.sub(r"\1[ẩn]", r["MaHoSo"]) for r in records if r["MaHoSo"] and not is_clean(r, dup)}
    _, rows = warehouse.query("select distinct record_key from marts.dq_records_to_fix "
                              "where source = 'onestop' and severity = 'error' and record_key is not null")
    assert {r[0] for r in rows} == dirty and dirty
    expected: Counter = Counter()
    dup_cells = set()
    agencies = department_agencies(srv)
    for r in records:
        unit = record_units(r, current_unit, agencies)[0]  # a department's dossiers on the department
        if unit and TS14.match(r["NgayTiepNhan"]):
            cell = (unit, f"{r['NgayTiepNhan'][:4]}-{r['NgayTiepNhan'][4:6]}")
            expected[cell] += 1
            if r["MaHoSo"] in dup or not r["MaHoSo"]:
                dup_cells.add(cell)
    _, rows = warehouse.query("select distinct unit_code, to_char(period_month, 'YYYY-MM'), checked "
                              "from marts.dq_rule_results where suite = 'onestop_dossiers_raw' and unit_code <> '?'")
    got = {(u, m): n for u, m, n in rows}
    comparable = set(expected) - dup_cells
    assert len(comparable) > 20
    assert {c: got.get(c) for c in comparable} == {c: expected[c] for c in comparable}


@pytest.fixture(scope="module")
def published(pipeline_run, warehouse, settings, tmp_path_factory):
    """publish_dq_reports run under dag.test() with e-mail to a real SMTP server on loopback (aiosmtpd)."""
    import socket

    from aiosmtpd.controller import Controller

    from kho.reports.data import default_period

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
            return "250 OK"

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    _, rows = warehouse.query(
        "select unit_code from marts.dq_unit_scores where unit_code <> '?' and period_month = %s "
        "order by records_with_errors desc, unit_code limit 3", (default_period(warehouse),))
    units = [r[0] for r in rows]
    recipients = tmp_path_factory.mktemp("config") / "recipients.toml"
    recipients.write_text('[overview]\nto = ["so-noi-vu@example.gov.vn"]\n' + "".join(
        f'[units."{u}"]\nto = ["mot-cua-{u}@example.gov.vn"]\ncc = ["van-thu-{u}@example.gov.vn"]\n' for u in units))
    env = {"KHO_REPORT_RECIPIENTS_FILE": str(recipients), "KHO_SMTP_HOST": "127.0.0.1", "KHO_SMTP_PORT": str(port),
           "KHO_REPORT_PDF": "false", "KHO_MAIL_FROM": "Kho <kho@example.gov.vn>"}
    os.environ.update(env)
    get_settings.cache_clear()
    try:
        dags, _ = pipeline_run
        for _ in range(2):  # the second run must send nothing again
            for dag_id in ("publish_dq_reports", "publish_766_scoreboard"):
                run = dags[dag_id].test(logical_date=datetime.now(timezone.utc), run_conf={"send": True})
                assert str(run.state).endswith("success"), dag_id
        yield {"inbox": inbox.messages, "units": units, "period": default_period(warehouse),
               "folder": get_settings().reports_dir / default_period(warehouse).strftime("%Y-%m") / "vi"}
    finally:
        controller.stop()
        for k in env:
            os.environ.pop(k, None)
        get_settings.cache_clear()


def test_a_report_per_unit_and_the_overview(published, warehouse, settings):
    from kho.reports.data import report_units

    folder = published["folder"]
    units = report_units(warehouse, settings.province_code)
    assert len(units) > 100
    assert {p.stem for p in folder.glob("*.html")} == {u for u, _ in units} | {"index"}
    index = (folder / "index.html").read_text()
    _, scored = warehouse.query("select unit_code from marts.dq_unit_scores where period_month = %s "
                                "and unit_code <> '?'", (published["period"],))
    assert len(scored) > 10 and all(f'href="{u}.html"' in index for (u,) in scored)
    # the overview ranks units by score, best first, as the mart does
    _, rows = warehouse.query("select unit_name from marts.dq_unit_scores where period_month = %s and "
                              "province_rank is not null order by province_rank, unit_code", (published["period"],))
    ranking = index[index.index('id="ranking"'):]
    positions = [ranking.index(f">{n}</a>") for (n,) in rows]
    assert positions == sorted(positions)
    # the national links, as national_link_health counts them, with the outages the sandboxes injected
    links = index[index.index('id="links"'):index.index('id="ranking"')]
    _, rows = warehouse.query("select system, sum(calls) from marts.national_link_health "
                              "where system in ('judicial', 'population') group by 1")
    for system, calls in rows:
        name = {"judicial": "Hệ thống lý lịch tư pháp", "population": "CSDL quốc gia về dân cư"}[system]
        row = links[links.index(name):].split("</tr>")[0]
        assert f">{calls:,}<".replace(",", ".") in row, (system, calls, row)


def test_a_report_lists_its_records_to_fix_in_plain_words(published, warehouse, settings):
    unit = published["units"][0]
    _, rows = warehouse.query(
        "select record_key, message_vi from marts.dq_records_to_fix where unit_code = %s and period_month = %s",
        (unit, published["period"]))
    assert rows
    page = (published["folder"] / f"{unit}.html").read_text()
    table = page[page.index('id="records-to-fix"'):]
    listed = table.count("<tr>") - 1
    assert listed == min(len(rows), settings.report_max_records)
    from html import escape

    if len(rows) <= settings.report_max_records:  # all listed: every key and every rule in its plain words
        assert all(escape(m) in table and (k is None or f"<code>{escape(k)}</code>" in table) for k, m in rows)
    csv_rows = (published["folder"] / f"{unit}-records-to-fix.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(csv_rows) == len(rows) + 1
    assert 'class="chart"' in page and "<svg" in page


def test_reports_are_mailed_to_each_units_recipients_once(published, warehouse):
    import email
    from email import policy

    units = published["units"]
    inbox = [(f, r, email.message_from_bytes(c, policy=policy.default)) for f, r, c in published["inbox"]]
    plan02 = [m for _, _, m in inbox if "Kế hoạch 02" in m["Subject"]]
    inbox = [x for x in inbox if "Kế hoạch 02" not in x[2]["Subject"] and "chỉ số 766" not in x[2]["Subject"]]
    assert len(inbox) == len(units) + 1  # the second run sent nothing
    by_to = {}
    for mail_from, rcpts, msg in inbox:
        assert mail_from == "kho@example.gov.vn"
        by_to[msg["To"]] = (rcpts, msg)
    for u in units:
        rcpts, msg = by_to[f"mot-cua-{u}@example.gov.vn"]
        assert sorted(rcpts) == sorted([f"mot-cua-{u}@example.gov.vn", f"van-thu-{u}@example.gov.vn"])
        name = warehouse.query("select unit_full_name from marts.dim_units where unit_code = %s and is_current",
                               (u,))[1][0][0]
        assert msg["Subject"] == f"[Kho] Báo cáo chất lượng dữ liệu tháng {published['period']:%m/%Y} — {name}"
        files = {p.get_filename(): p.get_content() for p in msg.iter_attachments()}
        sent = files[f"{u}.html"].replace("\r\n", "\n")  # text parts travel with CRLF line ends
        # the page on disk was rendered again by the second run: the same report, its footer's time may differ
        stamp = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")
        on_disk = (published["folder"] / f"{u}.html").read_text()
        assert stamp.sub("…", sent.rstrip("\n")) == stamp.sub("…", on_disk.rstrip("\n"))
        assert f"{u}-records-to-fix.csv" in files
        assert name in msg.get_body(("plain",)).get_content()
    assert "so-noi-vu@example.gov.vn" in by_to
    _, rows = warehouse.query("select unit_code, status, recipients from kho.report_deliveries where report = 'dq'")
    assert sorted(r[0] for r in rows) == sorted([*units, "province"]) and {r[1] for r in rows} == {"sent"}
    # the Plan 02 readiness report to the same recipients: the province office and the communes among the units,
    # once each, the page attached
    from kho.reports.readiness import readiness_period

    period = readiness_period(warehouse, get_settings().province_code, None)
    _, rows = warehouse.query("select unit_code from marts.plan02_commune_status where period_month = %s "
                              "and unit_code = any(%s)", (period, units))
    communes = sorted(r[0] for r in rows)
    assert sorted(m["To"] for m in plan02) == sorted(["so-noi-vu@example.gov.vn",
                                                      *(f"mot-cua-{u}@example.gov.vn" for u in communes)])
    for m in plan02:
        files = {p.get_filename() for p in m.iter_attachments()}
        assert files == {"index.html"} if m["To"].startswith("so-noi-vu") else len(files) == 1
        assert f"{period:%m/%Y}" in m["Subject"] and "điều kiện cơ bản" in m.get_body(("plain",)).get_content()
    _, rows = warehouse.query("select unit_code from kho.report_deliveries where report = 'plan02'")
    assert sorted(r[0] for r in rows) == sorted([*communes, "province"])


def test_the_766_scoreboard_ranks_units_as_the_sandbox_scores_them_and_its_digest_goes_out_once(
        published, pipeline_run, warehouse):
    """The scoreboard's ranking, bands and lowest five, against scores recomputed from the one-stop sandbox's records
    (rules_766, the competent unit; on the 100-point scale of the points computable); the weekly digest reaches the
    province office once, with the lowest units named; the page renders in Chromium with its trend chart."""
    import email
    from email import policy

    from browser import artifacts_dir, launch_chromium
    from playwright.sync_api import sync_playwright

    from kho.reports.scoreboard import scoreboard_period

    _, srv = pipeline_run
    province = srv.app.dossiers.province.code
    period = scoreboard_period(warehouse, province, None)
    month = f"{period:%Y-%m}"
    score_100, ranking = ranked_units(expected_766(srv, clean_records(srv)), province, month)
    page = (get_settings().reports_dir / month / "vi" / "766" / "index.html").read_text(encoding="utf-8")
    table = page[page.index('id="ranking"'):]
    assert re.findall(r'data-unit="([^"]+)"', table) == ranking and len(ranking) > 20
    departments = [u for u in sorted(score_100, key=lambda u: (score_100[u], u)) if "." in u][:5]
    communes = [u for u in sorted(score_100, key=lambda u: (score_100[u], u)) if "." not in u][:5]
    names = dict(warehouse.query("select unit_code, unit_full_name from marts.dim_units where is_current")[1])
    for block, units in (("lowest-departments", departments), ("lowest-communes", communes)):
        part = page[page.index(f'id="{block}"'):]
        part = part[:part.index("</table>")]
        assert [n for n in re.findall(r"<td>([^<]+)</td>", part)] == [names[u] for u in units], block
    urgent = sum(v < 80 for v in score_100.values())
    assert f'class="v bad">{urgent}</div>' in page  # the urgent card
    # the digest: once (two runs), to the province office, naming the lowest units
    digests = [email.message_from_bytes(c, policy=policy.default) for _, _, c in published["inbox"]]
    digests = [m for m in digests if "chỉ số 766" in m["Subject"]]
    assert len(digests) == 1 and digests[0]["To"] == "so-noi-vu@example.gov.vn"
    body = digests[0].get_body(("plain",)).get_content()
    assert all(names[u] in body for u in departments + communes) and f"{period:%m/%Y}" in digests[0]["Subject"]
    assert {p.get_filename() for p in digests[0].iter_attachments()} == {"index.html"}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            tab = browser.new_page(viewport={"width": 1100, "height": 900})
            errors = []
            tab.on("pageerror", lambda e: errors.append(str(e)))
            tab.goto((get_settings().reports_dir / month / "vi" / "766" / "index.html").as_uri(), wait_until="load")
            box = tab.locator("#chart-trend svg").first.bounding_box()
            assert box and box["width"] > 300 and not errors
            assert tab.locator("#ranking tr").count() == len(ranking) + 1
            tab.screenshot(path=str(artifacts_dir() / "scoreboard-766.png"), full_page=True)
        finally:
            browser.close()


def ranked_units(expected: dict, province: str, period: str) -> tuple[dict, list]:
    """Each unit's score on the 100-point scale of its computable points in ``period`` (a rules_766 label), from
    the recomputed indicators, and the units ranked as the scoreboard ranks them (higher first, ties by code)."""
    scores: dict[str, list] = defaultdict(lambda: [Fraction(0), 0])
    for (scope, role, unit, p, ind), (_, _, _, score) in expected.items():
        if scope == "unit" and role == "competent" and p == period and unit != province and score is not None:
            scores[unit][0] += Fraction(score)
            scores[unit][1] += SCORING[ind][0]
    score_100 = {u: round_half_up(100 * total / top, 2) for u, (total, top) in scores.items() if top}
    return score_100, sorted(score_100, key=lambda u: (-score_100[u], u))


def test_a_quarter_scoreboard_ranks_units_by_the_quarter_judged_at_its_end(published, pipeline_run, warehouse):
    """`kho scoreboard --period-type quarter`: the units ranked by their first-quarter scores, each dossier judged at
    the quarter's end (rules_766), not by their months' scores; its trend is by quarter."""
    from kho.reports.publish import render_scoreboard

    _, srv = pipeline_run
    province = srv.app.dossiers.province.code
    rs = render_scoreboard("2026-02", "vi", False, period_type="quarter")
    assert rs.folder == get_settings().reports_dir / "2026-Q1" / "vi" / "766"
    records = clean_records(srv)
    _, ranking = ranked_units(expected_766(srv, records, period_type="quarter"), province, "2026-Q1")
    page = rs.overview.html.read_text(encoding="utf-8")
    assert "Quý 1/2026" in page
    assert re.findall(r'data-unit="([^"]+)"', page[page.index('id="ranking"'):]) == ranking and len(ranking) > 20
    _, by_months = ranked_units(expected_766(srv, records), province, "2026-03")
    assert ranking != by_months


def test_kho_set_against_the_dashboards_scores_explains_each_difference(pipeline_run, warehouse, settings,
                                                                          tmp_path):
    """A dashboard export built from the one-stop sandbox's records the way DVCQG sees them (only the dossiers synced
    to it by the month's end, rules_766) with one difference injected, imported with `kho import dvcqg-scores`:
    the comparison mart gives both scores, the difference, and why - the same, dossiers not synced, Kho lacking the
    indicators of the total, unexplained for the injected one, a unit it cannot place - for a month and a quarter
    (judged at the quarter's end)."""
    from openpyxl import Workbook

    from kho.dbt import run_dbt
    from kho.pipeline import import_path

    _, srv = pipeline_run
    records, agencies = clean_records(srv), department_agencies(srv)
    kho = expected_766(srv, records)
    dvcqg = expected_766(srv, records, keep=lambda j: j.flags["dossier_sync_num"])
    month = "2026-03"

    def score(table, unit, ind):
        return table.get(("unit", "competent", unit, month, ind), (0, 0, None, None))[3]

    busiest = Counter(record_units(r, current_unit, agencies)[0] for r in records
                      if r["NgayTiepNhan"][:6] == month.replace("-", ""))
    units = [u for u, _ in busiest.most_common() if len(u) == 5][:6] + sorted(u for u in busiest if "." in u)[:2]
    injected = units[0]
    header = ["ROW_STT", "MA_DON_VI", "TEN_DON_VI", "LOAI_KY", "NAM", "KY", "TONG_SCORE", "NHOM_2",
              "ORIGINAL_RESULT_AVAILABLE", "on_time"]
    rows, want = [], {}
    for n, u in enumerate(units, start=1):
        on_time = score(dvcqg, u, "on_time") - (2 if u == injected else 0)
        e_result = score(dvcqg, u, "electronic_results")
        rows.append([n, u, "", "month", "2026", "3", "95.5", str(on_time), str(e_result), str(on_time)])
        for measure, sent, ind in (("on_time", on_time, "on_time"), ("group_2", on_time, "on_time"),
                                   ("electronic_results", e_result, "electronic_results")):
            mine, synced = score(kho, u, ind), score(dvcqg, u, ind)
            why = ("unexplained" if u == injected and ind == "on_time" else "same" if mine == sent
                   else "dossiers_not_synced" if synced == sent else "?")
            want[(u, "month", measure)] = (Decimal(str(sent)), mine, why)
        want[(u, "month", "total")] = (Decimal("95.5"), None, "kho_lacks_indicators")
    kho_q = expected_766(srv, records, period_type="quarter")
    dvcqg_q = expected_766(srv, records, keep=lambda j: j.flags["dossier_sync_num"], period_type="quarter")
    quarter = ("unit", "competent", units[1], "2026-Q1", "on_time")
    sent_q, mine_q = dvcqg_q[quarter][3], kho_q[quarter][3]
    rows.append([len(rows) + 1, units[1], "", "quy", "2026", "1", "80", "", "", str(sent_q)])
    want[(units[1], "quarter", "total")] = (Decimal("80"), None, "kho_lacks_indicators")
    want[(units[1], "quarter", "on_time")] = (Decimal(str(sent_q)), mine_q,
                                             "same" if mine_q == sent_q else "dossiers_not_synced")
    rows.append([len(rows) + 1, "000.00.19.H56", "Sở Ngoại vụ", "thang", "2026", "3", "70", "", "", ""])
    want[("000.00.19.H56", "month", "total")] = (Decimal("70"), None, "unit_not_resolved")
    wb = Workbook()
    ws = wb.active
    ws.append(["BẢNG XẾP HẠNG CHỈ SỐ 766 (xuất từ Cổng DVCQG)"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    path = tmp_path / "dvcqg-766-2026-03.xlsx"
    wb.save(path)
    _, [summary] = import_path("dvcqg_scores", path, settings)
    assert summary["quarantined"] == 0 and summary["checked"] == len(rows)
    # the comparison, and the data-quality chain the import's validation run feeds (as the next transform would:
    # the later tests' warehouse is then one a full build would leave)
    run_dbt(["build", "--select", "stg_dvcqg_scores__scores+", "int_dq__record_versions+"], warehouse, settings)
    _, [(rows_checked,)] = warehouse.query("select coalesce(sum(checked), 0) from marts.dq_rule_results where suite "
                                           "= 'dvcqg_scores_raw' and rule = 'unit_code_known'")
    assert rows_checked == len(rows)
    _, got = warehouse.query("select unit_code_as_sent, period_type, measure, dvcqg_score, kho_score, difference, "
                             "explanation from marts.service_index_766_vs_dvcqg")
    got = {(r[0], r[1], r[2]): r[3:] for r in got}
    assert got.keys() == want.keys()
    for key, (sent, mine, why) in want.items():
        dv, kh, diff, explanation = got[key]
        assert dv == sent and explanation == why, (key, got[key], want[key])
        if mine is not None:
            assert kh == mine and diff == mine - sent, (key, got[key])
    whys = Counter(v[3] for v in got.values())
    assert whys["dossiers_not_synced"] > 0 and whys["same"] > 0 and whys["unexplained"] == 2, whys  # on_time, group_2


def test_a_report_renders_in_chromium_with_its_charts(published):
    from browser import artifacts_dir, launch_chromium
    from playwright.sync_api import sync_playwright

    artifacts = artifacts_dir()
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            for name, charts in ((f"{published['units'][0]}.html", 2), ("index.html", 3)):
                page = browser.new_page(viewport={"width": 1100, "height": 900})
                errors = []
                page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.on("requestfailed", lambda r, errors=errors: errors.append(f"request failed: {r.url}"))
                page.goto((published["folder"] / name).as_uri(), wait_until="load")
                svgs = page.locator("svg.chart")
                assert svgs.count() == charts
                for i in range(charts):
                    box = svgs.nth(i).bounding_box()
                    assert box and box["width"] > 300 and box["height"] > 100
                    marks = svgs.nth(i).locator("path, rect, circle, polyline")
                    assert marks.count() > 5  # drawn bars and lines, not an empty frame
                assert page.title() and not errors, errors
                page.screenshot(path=str(artifacts / f"report-{name.replace('.html', '')}.png"), full_page=True)
                page.close()
        finally:
            browser.close()
    assert (artifacts / "report-index.png").stat().st_size > 10_000


def test_english_reports_and_pdf_on_request(published, warehouse, settings):
    from pypdf import PdfReader

    from kho.reports.publish import render_reports

    unit = published["units"][0]
    rs = render_reports(published["period"], "en", pdf=True, units=[unit])
    assert [r.unit_code for r in rs.units] == [unit]
    html = rs.units[0].html.read_text()
    assert "Data-quality report" in html and "Records to fix" in html and 'lang="en"' in html
    text = "".join(page.extract_text() for page in PdfReader(rs.units[0].pdf).pages)
    assert rs.units[0].unit_name in text and "Records to fix" in text


def test_no_report_or_data_docs_page_shows_personal_data(published, warehouse, settings):
    from expectations.data_docs import build_data_docs

    index = build_data_docs(warehouse, settings)
    pages = list(index.parent.rglob("*.html"))
    assert any("/validations/" in str(p) for p in pages) and any("/expectations/" in str(p) for p in pages)
    ids, names = raw_personal_data(warehouse)
    assert len(ids) > 1000 and len(names) > 1000
    reports = [p for p in settings.reports_dir.rglob("*") if p.suffix in (".html", ".csv", ".pdf")]
    assert len(reports) > 100
    mails = [c for _, _, c in published["inbox"]]
    assert not leaks_in_files(reports + pages, ids, names)
    assert not [m for m in mails if leaks_in_text(m.decode("utf-8", "replace"), ids, names)]


def test_marts_match_figures_computed_from_the_sandbox(pipeline_run, warehouse):
    _, srv = pipeline_run
    expected = expected_kpis(clean_records(srv), department_agencies(srv))
    _, rows = warehouse.query(MART_SQL)
    actual = {(r[0], r[1]): tuple(r[2:]) for r in rows}
    assert actual == expected
    assert sum(v[0] for v in actual.values()) > 2200


# a period's label as rules_766.period_of writes it: 2026-03, 2026-Q1, 2026-H1, 2026
PERIOD_LABEL = """case period_type when 'month' then to_char(period_start, 'YYYY-MM')
    when 'quarter' then to_char(period_start, 'YYYY-"Q"Q')
    when 'half_year' then to_char(period_start, 'YYYY') || case when extract(month from period_start) = 1
                                                                  then '-H1' else '-H2' end
    else to_char(period_start, 'YYYY') end"""
INDICATORS_SQL = f"""
select scope, unit_role, unit_code, {PERIOD_LABEL}, indicator_id, numerator::int, denominator::int, rate, score
from marts.service_index_766_indicators where numerator is not null and period_type = %s
"""


def current_or_department(code: str) -> str | None:
    """A code as sent → its current unit; a department's code of the register (38.STP) is itself."""
    return current_unit(code) or (code if "." in code else None)


def feedback_records(srv) -> tuple[list[dict], list[dict]]:
    """The feedback items and ratings the feedback sandbox lists and validation keeps (its answer key)."""
    reg, clock = srv.feedback.app.registry, srv.feedback.app.clock
    refused = reg.refused(clock)
    return ([i.render(clock) for _, i in reg.visible(clock) if i.item_id not in refused],
            [g.render(clock) for _, g in reg.visible_ratings(clock) if g.rating_id not in refused])


def expected_766(srv, records: list[dict], **kw) -> dict[tuple, tuple]:
    """The 766 figures recomputed from the sandboxes' records (rules_766): the one-stop's, the department register's
    attribution, the feedback system's items and ratings."""
    return expected_indicators(records, current_unit, department_agencies(srv), feedback=feedback_records(srv),
                               catalogue=catalogue_records(srv), **kw)


def catalogue_records(srv) -> list[dict]:
    """The procedures the catalogue sandbox lists and validation keeps (its answer key), as its API renders them."""
    reg = srv.catalogue.app.registry
    return reg.procedures(srv.catalogue.app.clock)


def department_agencies(srv) -> dict[str, str]:
    """Agency identifier → the department its dossiers land on: the readiness sandbox's department register, as its
    answer key has it."""
    return srv.readiness.app.registry.register.agency_units(srv.readiness.app.clock)


def assert_service_index_matches(records: list[dict], warehouse, srv, period_type: str = "month") -> dict:
    expected = expected_766(srv, records, period_type=period_type)
    actual = {tuple(r[:5]): tuple(r[5:]) for r in warehouse.query(INDICATORS_SQL, (period_type,))[1]}
    assert actual.keys() == expected.keys(), period_type
    wrong = {k: (expected[k], actual[k]) for k in expected if expected[k] != actual[k]}
    assert not wrong, f"{period_type}: {len(wrong)} indicator rows differ, e.g. {sorted(wrong.items())[:3]}"
    return actual


def test_service_index_766_matches_an_independent_recomputation(pipeline_run, warehouse):
    """Every period type: the month, and the quarter, half-year and year judged at their own end (a dossier open at
    the end of its month and processed later counts as processed in its quarter)."""
    _, srv = pipeline_run
    records = clean_records(srv)
    actual = assert_service_index_matches(records, warehouse, srv)
    months = {k[3] for k in actual}
    assert len(months) == 6 and len({k[4] for k in actual}) == 22
    longer = {t: assert_service_index_matches(records, warehouse, srv, t) for t in ("quarter", "half_year", "year")}
    assert {t: sorted({k[3] for k in a}) for t, a in longer.items()} == {
        "quarter": ["2026-Q1", "2026-Q2"], "half_year": ["2026-H1"], "year": ["2026"]}
    # the longer periods judge again: some dossier open at its month's end is counted ended in its quarter
    _, [(rejudged,)] = warehouse.query(
        "select count(*) from marts.fct_dossier_periods m join marts.fct_dossier_periods q using (dossier_code) "
        "where m.period_type = 'month' and q.period_type = 'quarter' and m.on_time_766 like 'open%%' "
        "and q.on_time_766 in ('on_time', 'late')")
    assert rejudged > 0
    # every scope and role, and units that receive what others decide (boundary-free reception)
    assert {(k[0], k[1]) for k in actual} == {(s, r) for s in ("unit", "province") for r in ("competent", "receiving")}
    _, [(elsewhere,)] = warehouse.query("select count(*) from marts.fct_dossiers where is_received_elsewhere")
    assert elsewhere > 0
    # indicators without a source are null with a reason, never a number; the maxima add up to 100
    _, rows = warehouse.query(
        "select indicator_id, bool_and(score is null and null_reason is not null), count(distinct max_score) "
        "from marts.service_index_766_indicators where indicator_id = 'certified_copies' group by 1")
    assert len(rows) == 1 and all(r[1] for r in rows)
    _, [(total_max, computed_max, total, group_sum)] = warehouse.query(
        "select max(max_score_total), max(max_score_computed), max(total_score), "
        "max(coalesce(group_1_score, 0) + group_2_score + group_3_score + group_4_score + group_5_score "
        "+ group_6_score) "
        "from marts.service_index_766 where scope = 'province' and unit_role = 'competent'")
    assert total_max == 100 and computed_max == 98 and total == group_sum


def test_the_drill_down_sums_to_every_numerator(pipeline_run, warehouse):
    _, rows = warehouse.query(
        """
        with drill as (
            select unit_code, period_type, period_start,
                   count(*) filter (where on_time_num) as on_time,
                   count(*) filter (where online_payment_dossiers_num) as online_payment_dossiers,
                   count(*) filter (where electronic_results_num) as electronic_results,
                   count(distinct procedure_code) filter (where population_data_procedures_num)
                       as population_data_procedures
            from marts.service_index_766_dossiers group by 1, 2, 3
        )
        select i.indicator_id, i.numerator, case i.indicator_id when 'on_time' then d.on_time
            when 'online_payment_dossiers' then d.online_payment_dossiers
            when 'electronic_results' then d.electronic_results else d.population_data_procedures end
        from marts.service_index_766_indicators as i
        join drill as d on d.unit_code = i.unit_code and d.period_type = i.period_type
            and d.period_start = i.period_start
        where i.scope = 'unit' and i.unit_role = 'competent' and i.indicator_id in
            ('on_time', 'online_payment_dossiers', 'electronic_results', 'population_data_procedures')
        """
    )
    assert len(rows) > 100
    assert [r for r in rows if r[1] != r[2]] == []


def test_dbt_unit_tests_cover_every_on_time_branch(pipeline_run, warehouse, settings):
    import yaml

    from kho.dbt import DBT_PROJECT, run_dbt

    results = dict(run_dbt(["test", "--select", "test_type:unit"], warehouse, settings))
    assert results == {"on_time_rules_cover_every_branch": "pass",
                       "without_a_history_the_dossier_fields_judge": "pass",
                       "missing_due_date_falls_back_to_statutory_working_days": "pass",
                       "a_department_receives_what_arrives_under_its_agency_identifier": "pass",
                       "feedback_items_are_judged_at_their_months_end": "pass",
                       "publishing_decisions_are_judged_at_each_periods_end": "pass",
                       "each_period_type_is_judged_at_its_own_end": "pass",
                       "an_open_judgement_holds_until_a_later_cut_can_change_it": "pass"}
    spec = yaml.safe_load((DBT_PROJECT / "models/intermediate/onestop/_onestop__unit_tests.yml").read_text())
    expected = next(t for t in spec["unit_tests"] if t["name"] == "on_time_rules_cover_every_branch")["expect"]
    core = yaml.safe_load((DBT_PROJECT / "models/marts/core/_core__models.yml").read_text())
    fct = next(m for m in core["models"] if m["name"] == "fct_dossiers")
    accepted = {}  # the fact's accepted values, from its column_rules tests
    for test in fct["data_tests"]:
        accepted |= (test.get("column_rules") or {}).get("arguments", {}).get("accepted_values", {})
    for column in ("on_time_766", "on_time_local"):
        assert {row[column] for row in expected["rows"]} == set(accepted[column]), column
    fallback = next(t for t in spec["unit_tests"] if t["name"] == "without_a_history_the_dossier_fields_judge")
    assert {row["judged_from"] for row in fallback["expect"]["rows"]} == set(accepted["judged_from"])
    assert {row["terminal_status_766"] for row in fallback["expect"]["rows"]} >= {3, 8, 9, 10, None}


def test_citizen_ids_are_pseudonymized_with_the_keyed_hash(pipeline_run, warehouse, settings):
    _, rows = warehouse.query(
        "select r.sogiaytochuhoso, f.owner_id_pseudonym from marts.fct_dossiers f "
        "join raw_onestop.dossiers r on r.mahoso = f.dossier_code and r._batch_id = f.batch_id limit 50"
    )
    key = settings.pseudonym_key.get_secret_value().encode()
    assert rows
    for raw_id, pseudonym in rows:  # the session's key is version 1 of this warehouse
        assert pseudonym == "1:" + hmac.new(key, raw_id.encode(), hashlib.sha256).hexdigest()
    cols, _ = warehouse.query("select * from marts.fct_dossiers limit 0")
    assert not {"chuhoso", "sogiaytochuhoso", "owner_name", "owner_id"} & set(cols)


def test_targets_against_actuals_use_the_unit_target_else_the_province_default(pipeline_run, warehouse):
    _, srv = pipeline_run
    expected = expected_766(srv, clean_records(srv))
    _, rows = warehouse.query(
        "select unit_code, to_char(period_month, 'YYYY-MM'), indicator_id, target_rate, target_level, rate, gap, "
        "ytd_rate from marts.unit_targets_vs_actual")
    assert len(rows) > 100
    # the example seed's targets, overlaid row by row by those the readiness sandbox's target files issue
    with (ROOT / "dbt_project" / "seeds" / "service" / "unit_targets.csv").open(encoding="utf-8") as f:
        targets = {(int(r["target_year"]), r["unit_code"], r["applies_to"], r["indicator_id"]):
                   Decimal(r["target_rate"]) for r in csv.DictReader(f)}
    issued = srv.readiness.app.registry.targets.expected(srv.readiness.app.clock, current_or_department)
    targets.update({k: Decimal(str(v)) for k, v in issued.items()})
    province = srv.app.dossiers.province.code
    for unit, month, ind, target, level, rate, gap, ytd in rows:
        own = targets.get((int(month[:4]), unit, "unit", ind))
        assert target == (own if own is not None else targets[(int(month[:4]), province, "all_units_of_province", ind)])
        assert level == ("unit" if own is not None else "province_default")
        assert rate == expected[("unit", "competent", unit, month, ind)][2]
        assert gap == (rate - target if rate is not None else None)
        months = [k for k in expected if k[:3] == ("unit", "competent", unit) and k[4] == ind and k[3] <= month]
        num, den = (sum(expected[k][i] for k in months) for i in (0, 1))
        if ind == "online_dossiers":
            sync = [expected[("unit", "competent", unit, k[3], "dossier_sync")] for k in months]
            num, den = num * sum(x[0] for x in sync), den * sum(x[1] for x in sync)
        assert ytd == (round_half_up(Fraction(num, den), 4) if den else None)
    assert {r[4] for r in rows} == {"unit", "province_default"}


def test_sync_health_per_unit_and_day(pipeline_run, warehouse):
    _, srv = pipeline_run
    acc: dict[tuple, Counter] = defaultdict(Counter)
    for r in clean_records(srv):
        c = acc[(record_units(r, current_unit, department_agencies(srv))[0],
                 f"{r['NgayTiepNhan'][:4]}-{r['NgayTiepNhan'][4:6]}-"
                 f"{r['NgayTiepNhan'][6:8]}")]
        c["received"] += 1
        c["synced"] += bool(r["NgayDongBoDVC"])
        c["same_day"] += r["NgayDongBoDVC"][:8] == r["NgayTiepNhan"][:8]
    _, rows = warehouse.query(
        "select unit_code, received_on::text, received, synced, never_synced, synced_same_day "
        "from marts.dvcqg_sync_health")
    assert {(u, d): (n, s, nv, sd) for u, d, n, s, nv, sd in rows} == {
        k: (c["received"], c["synced"], c["received"] - c["synced"], c["same_day"]) for k, c in acc.items()}
    assert sum(r[4] for r in rows) > 0


EVERYTHING = {"window_start": "2025-01-01T00:00:00", "window_end": "2026-12-01T00:00:00"}
FACT_SQL = "select * from marts.fct_dossiers order by dossier_code"


def test_documents_are_accounted_for_and_hostile_messages_refused(pipeline_run, warehouse):
    _, srv = pipeline_run
    axis, clock = srv.axis.app, srv.axis.app.clock
    listed = len(axis.entries("edoc", 0, clock)) + len(axis.entries("status", 0, clock))
    _, [(extracted, rejected, checked, quarantined)] = warehouse.query(
        "select sum(b.rows_extracted), sum(b.rows_rejected), sum(v.rows_checked), sum(v.rows_quarantined) "
        "from kho.batches b join dq.validation_runs v using (batch_id) where b.source = 'documents'")
    assert extracted == listed and rejected == 5 and checked + rejected == listed
    assert quarantined == sum(d.date_typo for d in axis.documents.visible_documents(clock))
    _, [(n,)] = warehouse.query("select count(*) from marts.fct_documents")
    assert n == len(documents_truth.documents_by_id(axis.documents, clock))
    # applicants named in subjects never reach the marts in clear text
    _, rows = warehouse.query("select subject_redacted from marts.fct_documents")
    subjects = "\n".join(r[0] for r in rows)
    names = {d.subject.rsplit(" của ", 1)[1].removeprefix("ông ").removeprefix("bà ")
             for d in axis.documents.visible_documents(clock) if " của " in d.subject}
    assert len(names) > 20 and not [name for name in names if name in subjects]


def test_reconciliation_recovers_the_sandbox_links(pipeline_run, warehouse):
    _, srv = pipeline_run
    axis = srv.axis.app
    truth = axis.documents.true_links(axis.clock)
    _, rows = warehouse.query("select document_id, dossier_code, match_method from marts.dossier_document_links")
    found = {doc: dossier for doc, dossier, _ in rows}
    right = sum(1 for doc, dossier in found.items() if truth.get(doc) == dossier)
    precision, recall = right / len(found), right / len(truth)
    by_method = Counter(m for doc, dossier, m in rows if truth.get(doc) == dossier)
    print(f"\nreconciliation: {len(truth)} true links, {len(found)} found, {right} right: "
          f"precision {precision:.4f}, recall {recall:.4f}; right by method {dict(by_method)}")
    assert precision >= 0.98 and recall >= 0.98, (precision, recall)
    assert set(by_method) == {"structured_code", "code_in_text", "applicant_procedure"}

    _, [(both, only, dup)] = warehouse.query(
        "select sum(on_both_platforms), sum(document_only), sum(duplicate_cases) from marts.case_reconciliation")
    assert both == len({dossier for doc, dossier in found.items()})
    assert only == documents_truth.document_only_cases(axis.documents, axis.clock)
    assert dup == documents_truth.dossiers_keyed_twice(axis.documents, axis.clock)


def test_document_marts_match_the_sandbox(pipeline_run, warehouse):
    _, srv = pipeline_run
    docs, clock = srv.axis.app.documents, srv.axis.app.clock
    _, rows = warehouse.query("select month, documents_sent, documents_signed, handled_on_time, handled_late, "
                              "open_overdue from marts.document_unit_months where scope = 'province'")
    signatures = {m: (sent, signed) for m, sent, signed, *_ in rows if sent}
    assert signatures == documents_truth.signatures_per_month(docs, clock)
    handling = {m: tuple(h) for m, _, _, *h in rows if any(h)}
    assert handling == documents_truth.handling_per_month(docs, clock)
    _, rows = warehouse.query("select sender_agency_code, year, code_number, issue from marts.document_number_issues")
    expected = documents_truth.number_issues(docs, clock)
    assert set(rows) == expected
    injected = {(a, y, n, "gap") for a, y, n in docs.number_gaps} | \
        {(a, y, n, "duplicate") for a, y, n in docs.number_duplicates}
    assert expected & injected, "the sandbox's injected numbering breaks are among those found"


BATCH_LINEAGE = ("batch_id", "extracted_at", "validated_at")  # which batch: a re-extracted version's is new
LINEAGE = (*BATCH_LINEAGE, "last_extracted_at")  # and the latest extraction a mart row counts
# the national links' own telemetry: every run's calls are new rows (a backfill's included), whatever the data
OPERATIONAL = ("national_link_health", "national_link_outages")


def marts_digest(warehouse) -> dict[str, str]:
    """Every mart's rows and an MD5 of its content, lineage columns aside."""
    _, tables = warehouse.query("select table_name from information_schema.tables where table_schema = 'marts' "
                                "and table_name <> all(%s)", (list(OPERATIONAL),))
    digest = {}
    for (table,) in tables:
        _, cols = warehouse.query("select column_name from information_schema.columns where table_schema = 'marts' "
                                  "and table_name = %s and column_name <> all(%s) order by ordinal_position",
                                  (table, list(LINEAGE)))
        row = ", ".join(f'"{c}"' for (c,) in cols)
        digest[table] = warehouse.query(f"select count(*) || ':' || coalesce(md5(string_agg(r::text, '|' order by "
                                        f"r::text)), '') from (select {row} from marts.\"{table}\") r")[1][0][0]
    return digest


def business_rows(warehouse, sql: str, leave_out: tuple[str, ...] = ()) -> list[tuple]:
    """Rows without the batch lineage columns (a re-extracted version carries a new batch)."""
    cols, rows = warehouse.query(sql)
    keep = [i for i, c in enumerate(cols) if c not in (*BATCH_LINEAGE, *leave_out)]
    return [tuple(r[i] for i in keep) for r in rows]


@pytest.mark.changes_pipeline_run(1)  # adds a second batch of every dossier and document
def test_a_backfill_over_the_same_window_changes_no_mart(pipeline_run, warehouse):
    dags, _ = pipeline_run
    documents = ("select * from marts.fct_documents order by document_id",
                 "select * from marts.dossier_document_links order by document_id",
                 "select * from marts.case_reconciliation order by unit_code, month")
    before = (sorted(warehouse.query(MART_SQL)[1]), business_rows(warehouse, FACT_SQL),
              [business_rows(warehouse, q) for q in documents])
    every_mart = marts_digest(warehouse)
    assert {"fct_dossiers", "fct_documents", "case_reconciliation", "service_index_766_indicators"} <= every_mart.keys()
    # the two sources these marts are built from: every source's extract DAG is the same generic DAG
    # (kho/assets.py), its window from the run's conf (tests/test_windows.py), each connector's reading of a window
    # its own module's
    run_pipeline(dags, EVERYTHING, transform_dag=False, extracts=("extract_onestop", "extract_documents"))
    assert warehouse.query("select count(distinct _batch_id) from raw_onestop.dossiers")[1][0][0] == 2
    assert warehouse.query("select count(distinct _batch_id) from raw_documents.edocs")[1][0][0] == 2
    assert (sorted(warehouse.query(MART_SQL)[1]), business_rows(warehouse, FACT_SQL),
            [business_rows(warehouse, q) for q in documents]) == before
    after = marts_digest(warehouse)
    assert after == every_mart, sorted(t for t in after if after[t] != every_mart.get(t))


@pytest.mark.changes_pipeline_run(2)  # the sandboxes' clock a month later: later readers would see June closed
def test_dossiers_that_change_after_extraction_update_the_fact_and_the_index(pipeline_run, warehouse):
    dags, srv = pipeline_run
    old = {r["MaHoSo"]: r for r in clean_records(srv)}
    srv.app.set_clock(srv.app.dossiers.default_clock + 20 * 86400)  # a month later: June closes
    srv.axis.app.set_clock(srv.app.clock)
    new = {r["MaHoSo"]: r for r in clean_records(srv)}
    moved = {c for c in old if c in new and old[c]["TrangThaiHoSo"] != new[c]["TrangThaiHoSo"]}
    assert len(moved) > 50 and len(new) > len(old)
    # processed dossiers whose components were digitized since, neither re-synced nor judged again: only their
    # validation since the last build tells the 766 counts to count them again
    scanned = {c for c in old if c in new and old[c]["HoSoCoThanhPhanSoHoa"] != new[c]["HoSoCoThanhPhanSoHoa"]
               and old[c]["TrangThaiHoSo"] == new[c]["TrangThaiHoSo"] in ("9", "10")
               and old[c]["NgayDongBoDVC"] == new[c]["NgayDongBoDVC"]}
    assert len(scanned) >= 3

    # the two sources whose sandbox clock moved: the others' sandboxes keep theirs, nothing of theirs changed
    run_pipeline(dags, EVERYTHING, transform_dag=False, extracts=("extract_onestop", "extract_documents"))
    # a new version that fails validation (here: a code now keyed twice) is quarantined and the last good version
    # stays in the warehouse
    kept = [old[c] for c in old if c not in new]
    assert len(kept) < 5
    _, rows = warehouse.query("select dossier_code, status_code from marts.fct_dossiers")
    assert dict(rows) == {r["MaHoSo"]: int(r["TrangThaiHoSo"]) for r in [*new.values(), *kept]}
    for period_type in ("month", "quarter", "half_year", "year"):
        assert_service_index_matches([*new.values(), *kept], warehouse, srv, period_type)

    # (that a rerun over the same window changes nothing is test_a_backfill_over_the_same_window_changes_no_mart's)

    # the incremental chain (latest dossiers → lists, milestones, resolved → fct_dossiers → the 766 indicators, by
    # month) holds what a full rebuild gives; only the as-of time differs, since a dossier whose month had closed
    # keeps the one it was judged at
    from kho.dbt import run_dbt

    indicators = ("select * from marts.service_index_766_indicators "
                  "order by scope, unit_role, unit_code, period_type, period_start, indicator_id")
    periods = "select * from marts.fct_dossier_periods order by dossier_code, period_type"
    counts = "select * from marts.service_index_766_counts order by cell_key"
    # the data-quality chain's records, incremental by validation run (three runs of the one-stop and document
    # sources by now)
    records = "select * from intermediate.int_dq__record_versions order by suite, record_id"

    def built() -> tuple:
        return (business_rows(warehouse, FACT_SQL, leave_out=("as_of_at",)),
                business_rows(warehouse, indicators, leave_out=("as_of_at",)),
                business_rows(warehouse, periods, leave_out=("judged_as_of_at",)),
                business_rows(warehouse, counts),
                warehouse.query(records)[1])

    # every index of the models, as defined (dbt's own are named by a hash of the build time)
    indexes = (r"select tablename, regexp_replace(indexdef, ' INDEX \S+ ON ', ' INDEX ON ') from pg_indexes "
               "where schemaname in ('staging_restricted', 'intermediate', 'marts', 'kho') order by 1, 2")
    kept_indexes = warehouse.query(indexes)[1]
    assert ("fct_dossier_periods", "CREATE UNIQUE INDEX ON marts.fct_dossier_periods USING btree "
            "(dossier_code, period_type)") in kept_indexes

    incremental = built()
    assert len(incremental[1]) > 1000 and len(incremental[3]) > 100 and len(incremental[4]) > 1000
    run_dbt(["run", "--full-refresh", "--select", "+fct_dossiers", "+service_index_766_indicators",
             "int_dq__record_versions"], warehouse, get_settings())
    assert built() == incremental
    # a full refresh rebuilds each table beside the old one: its indexes (ensure_index) are the new table's, not
    # dropped with the old one
    assert warehouse.query(indexes)[1] == kept_indexes


@pytest.mark.changes_pipeline_run(3)  # rewrites an intermediate row, then has it rebuilt
def test_an_incremental_run_leaves_unchanged_dossiers_alone_until_the_project_changes(pipeline_run, warehouse):
    from kho.dbt import project_fingerprint, run_dbt

    model = "intermediate.int_onestop__dossiers_resolved"
    _, [(code, name)] = warehouse.query(f"select dossier_code, procedure_name from {model} order by dossier_code "
                                        "limit 1")
    with warehouse.connect() as conn:
        conn.execute(f"update {model} set procedure_name = 'stale' where dossier_code = %s", (code,))

    def build_and_read() -> str:
        run_dbt(["run", "--select", "int_onestop__dossiers_resolved"], warehouse, get_settings())
        return warehouse.query(f"select procedure_name from {model} where dossier_code = %s", (code,))[1][0][0]

    assert build_and_read() == "stale"  # the dossier did not change: an incremental run does not read it again
    with warehouse.connect() as conn:  # as if the model had been built by another version of the project
        conn.execute("update kho.model_builds set project_fingerprint = 'an older project' where model = %s",
                     (model,))
    assert build_and_read() == name  # rebuilt in full
    _, [(fingerprint, through)] = warehouse.query(
        "select project_fingerprint, validated_through from kho.model_builds where model = %s", (model,))
    assert fingerprint.startswith(project_fingerprint() + ":")  # and the department register's (kho_build_fingerprint)
    newest = "select max(_validated_at) from staging_restricted.base_onestop__latest_dossiers"
    assert through == warehouse.query(newest)[1][0][0]

    # the latest dossiers, whose incremental run writes the batches validated since into its SQL when it compiles:
    # built by another project, it is emptied by its pre-hook after that, and must read every batch again
    base = "staging_restricted.base_onestop__latest_dossiers"
    held = warehouse.query(f"select count(*), max(_validated_at), max(mahoso) from {base}")[1][0]
    assert held[0] > 0
    with warehouse.connect() as conn:
        conn.execute("update kho.model_builds set project_fingerprint = 'an older project' where model = %s", (base,))
    run_dbt(["run", "--select", "base_onestop__latest_dossiers"], warehouse, get_settings())
    assert warehouse.query(f"select count(*), max(_validated_at), max(mahoso) from {base}")[1][0] == held

    # the data-quality chain's record versions, incremental by validation run: with no run left unread a build
    # changes nothing, and a run it had read, forgotten, is read again
    records = "intermediate.int_dq__record_versions"
    _, [(suite, record_id, run_id, unit)] = warehouse.query(
        f"select suite, record_id, run_id, unit_code from {records} where record_key is not null "
        "order by suite, record_id limit 1")
    with warehouse.connect() as conn:
        conn.execute(f"update {records} set unit_code = 'stale' where suite = %s and record_id = %s",
                     (suite, record_id))

    def build_and_read_unit() -> str:
        run_dbt(["run", "--select", "int_dq__record_versions"], warehouse, get_settings())
        return warehouse.query(f"select unit_code from {records} where suite = %s and record_id = %s",
                               (suite, record_id))[1][0][0]

    assert build_and_read_unit() == "stale"
    with warehouse.connect() as conn:
        conn.execute("delete from kho.model_validation_runs where model = %s and run_id = %s",
                     ("intermediate.int_dq__record_versions", run_id))
    assert build_and_read_unit() == unit


@pytest.mark.changes_pipeline_run(4)  # takes a dossier out of the facts, then puts it back
def test_the_766_counts_find_a_dossier_the_facts_lost_though_no_version_changed(pipeline_run, warehouse):
    """The counts recount what changed since their last build; a dossier that leaves fct_dossier_periods with no
    new version (here: its rows deleted) is found by comparing the ledger's size with the facts', and the counts
    then equal those a full rebuild gives; put back, it is counted again."""
    from kho.dbt import run_dbt

    counts = "select * from marts.service_index_766_counts order by cell_key"
    ledger = "kho.service_index_766_counts__counted"
    before = business_rows(warehouse, counts)
    _, [(code,)] = warehouse.query(f"select dossier_code from {ledger} where period_type = 'month' "
                                   "order by dossier_code limit 1")
    with warehouse.connect() as conn:
        conn.execute("create table kho.test_lost_periods as select * from marts.fct_dossier_periods "
                     "where dossier_code = %s", (code,))
        conn.execute("delete from marts.fct_dossier_periods where dossier_code = %s", (code,))
    try:
        run_dbt(["run", "--select", "service_index_766_counts"], warehouse, get_settings())
        assert warehouse.query(f"select count(*) from {ledger} where dossier_code = %s", (code,))[1] == [(0,)]
        incremental = business_rows(warehouse, counts)
        assert incremental != before
        run_dbt(["run", "--full-refresh", "--select", "service_index_766_counts"], warehouse, get_settings())
        assert business_rows(warehouse, counts) == incremental
    finally:
        with warehouse.connect() as conn:
            conn.execute("insert into marts.fct_dossier_periods select * from kho.test_lost_periods")
            conn.execute("drop table kho.test_lost_periods")
    run_dbt(["run", "--select", "service_index_766_counts"], warehouse, get_settings())
    assert business_rows(warehouse, counts) == before


def test_each_model_sizes_its_parallel_workers_to_the_embedded_servers_cores(pipeline_run, settings):
    """The embedded server shares this machine with dbt's threads: every model's transaction that runs queries
    (not a view's: making one runs none) sets the parallel workers of its queries to cores // threads - 1 (macro
    kho_session_settings; none on a 2-core machine), from the cores kho.dbt passes to dbt."""
    import yaml

    from kho.dbt import DBT_PROJECT

    threads = yaml.safe_load((DBT_PROJECT / "profiles.yml").read_text())["kho"]["outputs"]["warehouse"]["threads"]
    expected = max((os.cpu_count() or 1) // threads - 1, 0)
    text = "".join(p.read_text(errors="replace") for p in settings.dbt_log_dir.glob("dbt.log*"))
    found = Counter(re.findall(r"set local max_parallel_workers_per_gather = (\d+)", text))
    nodes = json.loads((settings.dbt_target_dir / "manifest.json").read_text(encoding="utf-8"))["nodes"].values()
    tables = sum(n["resource_type"] == "model" and n["config"]["materialized"] != "view" for n in nodes)
    assert set(found) == {str(expected)} and found[str(expected)] >= tables > 40, (found, tables)


def test_every_mart_column_is_documented(pipeline_run, warehouse):
    import yaml

    from kho.dbt import DBT_PROJECT

    documented: dict[str, set[str]] = {}
    for path in (DBT_PROJECT / "models" / "marts").rglob("_*__models.yml"):
        for model in yaml.safe_load(path.read_text())["models"]:
            documented[model["name"]] = {c["name"] for c in model.get("columns", []) if c.get("description")}
    _, rows = warehouse.query(
        "select table_name, column_name from information_schema.columns where table_schema = 'marts'")
    built: dict[str, set[str]] = defaultdict(set)
    for table, column in rows:
        built[table].add(column)
    assert set(built) <= set(documented), set(built) - set(documented)
    missing = {t: sorted(cols - documented[t]) for t, cols in built.items() if cols - documented[t]}
    assert not missing


# -- civil status --------------------------------------------------------------------------------------------------
def _version_is_clean(kind: str, fields: dict) -> bool:
    """The civil-status suite's error rules that the sandbox's defects can break, re-stated."""
    required = {"KS": ("nksHoTen", "nksGioiTinh", "nksNgaySinh"), "KT": ("nktHoTen", "nktNgayChet"),
                "KH": ("chongHoTen", "voHoTen", "chongNgaySinh", "voNgaySinh")}[kind]
    if any(not fields.get(c) for c in required):
        return False
    reg = fields["ngayDangKy"]
    born = [fields.get(f"{p}NgaySinh") for p in ("me", "cha", "nkt", "chong", "vo", "nks")]
    if any(b and b > reg for b in born):
        return False
    return not (kind == "KT" and (fields["nktNgayChet"] < fields["nktNgaySinh"] or fields["nktNgayChet"] > reg))


def expected_registrations(srv) -> dict[str, object]:
    """registration_key -> the registration, for entries whose latest sent version passes the error rules."""
    out = {}
    for reg in srv.registry.visible(srv.until):
        versions = [reg.fields]
        if reg.correction_sent_by(srv.until):
            versions.append(reg.current_fields())
        if any(_version_is_clean(reg.kind, v) for v in versions):
            out[f"{reg.unit_code}/{reg.kind}/{reg.book}/{reg.number}"] = reg
    return out


def test_civil_registrations_match_the_sandbox_registers(pipeline_run, warehouse):
    _, srv = pipeline_run
    expected = expected_registrations(srv)
    _, rows = warehouse.query("select registration_key, record_type, unit_code, registered_on, verified_status, "
                              "is_corrected from marts.fct_civil_registrations")
    got = {r[0]: r for r in rows}
    assert set(got) == set(expected)
    for key, reg in expected.items():
        assert got[key][1:4] == (reg.kind, reg.unit_code, reg.registered_on)
    # every person is verified or pending; answered checks roll up to what the registry says
    answers = srv.registry.expected_checks(srv.until)
    rank = {"mismatch": 0, "not_found": 1}
    pending = 0
    for key, reg in expected.items():
        status = got[key][4]
        if status == "pending":
            pending += 1
            continue
        mine = [answers[(reg.unit_code, reg.kind, reg.number, role)] for role in CHECKED_PEOPLE[reg.kind]]
        worst = min(mine, key=lambda a: rank.get(a, 9))
        want = worst if worst in rank else "verified"
        assert status in (want, "not_checkable"), (key, status, mine)
    _, [(left,)] = warehouse.query("select count(*) from raw_population.checks where status not in "
                                   "('pending', 'match', 'mismatch', 'not_found')")
    assert left == 0
    print(f"\ncivil status: {len(expected)} registrations, {pending} still pending verification")


def test_registrations_are_reconciled_with_the_one_stop(pipeline_run, warehouse):
    _, srv = pipeline_run
    expected = expected_registrations(srv)
    # a dossier quarantined on the one-stop side cannot be matched: its registration is registration_only
    present = {r[0] for r in warehouse.query("select dossier_code from marts.fct_dossiers")[1]}
    truth = {k: reg.dossier_code for k, reg in expected.items() if reg.dossier_code in present}
    _, rows = warehouse.query("select registration_key, dossier_code from marts.civil_registration_dossier_links "
                              "where match_status = 'matched'")
    found = dict(rows)
    right = sum(1 for k, d in found.items() if truth.get(k) == d)
    precision, recall = right / max(len(found), 1), right / max(len(truth), 1)
    print(f"\ncivil-status links: {len(truth)} true, {len(found)} found, precision {precision:.4f}, "
          f"recall {recall:.4f}")
    assert precision >= 0.98 and recall >= 0.98
    _, rows = warehouse.query("select dossier_code from marts.civil_registration_dossier_links "
                              "where match_status = 'dossier_only'")
    assert srv.registry.unregistered_dossiers & {r[0] for r in rows}, "dossiers never registered show up"


def test_dossiers_served_without_their_history_are_judged_as_with_it(pipeline_run, warehouse):
    """Some dossiers reach the API without their processing history (never synced, synced days later, or stopped
    before the end). The answer key is the same dossier rendered with its whole history: Kho's judgement under both
    rules must be the key's, except a withdrawal known only from the status (not counted: no date, no acceptance)."""
    from sandbox.onestop.generator import HIST_FULL
    from sandbox.onestop.records import render

    _, srv = pipeline_run
    d, clock = srv.app.dossiers, srv.app.clock
    served = {r["MaHoSo"]: r for r in clean_records(srv)}
    as_of = as_of_time(list(served.values()))
    index = {d.dossier_code(i): i for i in range(d.n) if d.history_mode[i] != HIST_FULL}
    cases = {c: i for c, i in index.items() if c in served and not _history_ends(served[c])}
    _, rows = warehouse.query("select dossier_code, on_time_766, on_time_local, judged_from, terminal_status_766 "
                              "from marts.fct_dossiers where dossier_code = any(%s)", (list(cases),))
    got = {r[0]: r[1:] for r in rows}
    assert len(got) == len(cases) > 50
    mismatches, fields = [], 0
    for code, i in cases.items():
        key = judge(render(d, i, clock, full_history=True), as_of)
        on_766, local, judged_from, terminal = got[code]
        fields += judged_from == "dossier_fields"
        if served[code]["TrangThaiHoSo"] == "7":
            assert (on_766, local, judged_from) == ("not_counted", "not_applicable", "dossier_fields"), code
        elif (on_766, local, terminal) != (key.on_time_766, key.on_time_local, key.terminal):
            mismatches.append((code, (on_766, local, terminal), (key.on_time_766, key.on_time_local, key.terminal)))
    assert not mismatches, mismatches[:5]
    assert fields > 30
    print(f"\n{len(cases)} dossiers without an ending history: {fields} judged from their fields, all as with it")


def _history_ends(record: dict) -> bool:
    return any(s["TrangThai"] in ("3", "7", "8", "9", "10") for s in record["QuaTrinhXuLy"])
