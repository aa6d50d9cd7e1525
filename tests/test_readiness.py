"""Plan 02 readiness end to end on the shared pipeline run: the monitoring system's API and the communes' template
files both land, every return is loaded or quarantined under the rule it broke, and the marts hold the colours,
coverage and disagreements the readiness sandbox's answer key says."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from test_e2e import clean_records, current_or_department, current_unit, expected_766

from sandbox.departments import BY_ABBREVIATION

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

CRITERIA = Path(__file__).parents[1] / "dbt_project" / "seeds" / "readiness" / "plan02_criteria.csv"
# the rule each defect the sandbox plants must be quarantined under
DEFECT_RULES = {"staff_totals": "staff_totals_add_up", "certificates_over_staff": "certificates_within_staff",
                "trained_over_staff": "trained_within_staff", "share_over_100": "share_at_most_100",
                "future_period": "period_over_when_sent", "unknown_commune": "commune_code_known"}


def test_api_and_template_files_both_land_and_every_return_is_accounted_for(pipeline_run, warehouse):
    _, srv = pipeline_run
    returns, clock = srv.readiness.app.registry, srv.readiness.app.clock
    files = sorted(srv.readiness_drop.glob("KH02_*"))
    sent = [v for v in returns.versions if v.submitted < clock]
    _, rows = warehouse.query(
        "select b.mode, sum(b.rows_extracted), sum(v.rows_checked), sum(v.rows_passed), sum(v.rows_quarantined) "
        "from kho.batches b join dq.validation_runs v using (batch_id) where b.source = 'readiness' "
        "and b.stream = 'returns' group by 1")
    by_mode = {r[0]: r[1:] for r in rows}
    assert by_mode["file"][0] == len(files) == sum(v.channel != "api" for v in sent) > 0
    assert by_mode["incremental"][0] == len(returns.visible(clock)) > 0
    for extracted, checked, passed, quarantined in by_mode.values():
        assert extracted == checked == passed + quarantined
    assert sum(r[4] for r in rows) == sum(v.defect is not None for v in sent)
    # each planted defect quarantined under its rule (the return's key: the commune code as sent / the month)
    _, rows = warehouse.query("select q.record_key, q.rule from dq.quarantine q join kho.batches b using (batch_id) "
                              "where b.source = 'readiness' and b.stream = 'returns'")
    got = Counter(rule for _, rule in rows)
    want = Counter(DEFECT_RULES[v.defect] for v in sent if v.defect)
    assert all(got[rule] >= n for rule, n in want.items()), (got, want)
    assert set(got) <= set(want) | {"sent_on_time"}, got
    # the warnings: returns sent three weeks after their month still count
    _, [(late,)] = warehouse.query("select coalesce(sum(failed), 0) from dq.rule_results "
                                   "where suite = 'readiness_returns_raw' and rule = 'sent_on_time'")
    assert late == sum(v.late and v.defect != "future_period" for v in sent) > 0


def test_colours_and_coverage_match_the_answer_key(pipeline_run, warehouse):
    _, srv = pipeline_run
    returns, clock = srv.readiness.app.registry, srv.readiness.app.clock
    expected = returns.expected(clock)
    _, rows = warehouse.query("select unit_code, period_month, has_return, colour, criteria_met "
                              "from marts.plan02_commune_status")
    got = {(r[0], r[1]): r[2:] for r in rows}
    want = {k: (c["has_return"], c["colour"], c["met"]) for k, c in expected["communes"].items()}
    assert got.keys() == want.keys()
    wrong = {k: (want[k], got[k]) for k in want if want[k] != got[k]}
    assert not wrong, f"{len(wrong)} commune-months differ, e.g. {sorted(wrong.items())[:3]}"
    # every basic condition's colour, as the sandbox designed the commune's state that month
    _, rows = warehouse.query("select unit_code, period_month, criterion_code, reported_colour "
                              "from marts.plan02_commune_criteria where is_basic_condition and has_return")
    got_criteria = {(r[0], r[1], r[2]): r[3] for r in rows}
    want_criteria = {(u, m, k): colour for (u, m), c in expected["communes"].items()
                     for k, colour in c["criteria"].items()}
    assert got_criteria == want_criteria
    # the province's coverage by month
    _, rows = warehouse.query("select period_month, communes_green, communes_yellow, communes_red, "
                              "communes_without_return, communes, green_share from marts.plan02_province_coverage")
    got_coverage = {r[0]: dict(zip(("green", "yellow", "red", "no_return"), r[1:5], strict=True)) for r in rows}
    assert got_coverage == expected["coverage"]
    shares = [float(r[6]) for r in sorted(rows)]
    assert all(r[5] == len(returns.communes) for r in rows)
    assert shares[-1] > shares[0], "communes get ready over the period"
    assert {c["colour"] for c in expected["communes"].values()} == {"green", "yellow", "red"}
    # a commune that reports under its pre-2025 code lands on its current unit
    legacy = [c for c in returns.communes if c.code != c.code_as_sent]
    assert legacy and all(got[(c.code, m)][0] for c in legacy for m in expected["coverage"]
                          if (c.code, m) in {k for k, v in expected["communes"].items() if v["has_return"]})
    print(f"\nPlan 02 coverage: {[(str(m), c) for m, c in sorted(expected['coverage'].items())]}")


@pytest.fixture(scope="module")
def onestop(pipeline_run):
    """The one-stop sandbox's records the suite lets through, and the 766 figures recomputed from them (rules_766):
    the independent side of the readiness measures, computed once for this module."""
    _, srv = pipeline_run
    records = clean_records(srv)
    return records, expected_766(srv, records)


def measured(srv, onestop) -> dict[tuple[str, date, str], tuple[int, int | None]]:
    """(commune, month, measured_by) → (numerator, denominator) recomputed from the one-stop sandbox's records (the
    766 recomputation of rules_766, the commune as receiving unit; dossiers_received is (dossiers, None)) and the
    document axis's (documents_signed); and the months the one-stop has dossiers for."""
    from documents_truth import signatures_per_sender_month

    records, indicators = onestop
    months = {date.fromisoformat(k[3] + "-01") for k in indicators}
    out = {}
    # documents_signed: the documents each commune's People's Committee sent (the document axis's sandbox), where the
    # warehouse can tell the commune behind the agency code: by the dossiers the agency received (their codes start
    # with it; the unit it received most for, the lowest code on a tie); other agencies count on the province
    received: dict[str, Counter] = {}
    for r in records:
        received.setdefault(r["MaHoSo"].rsplit("-", 2)[0], Counter())[current_unit(r["MaDonViTiepNhan"])] += 1
    unit_of = {a: min(c, key=lambda u: (-c[u], u)) for a, c in received.items()}
    communes = {c.code for c in srv.app.dossiers.communes}
    for (organ, month), (sent, signed) in signatures_per_sender_month(srv.axis.app.documents,
                                                                      srv.axis.app.clock).items():
        if unit_of.get(organ) in communes and sent:
            out[(unit_of[organ], month, "documents_signed")] = (signed, sent)
    for (scope, role, unit, month, ind), (num, den, _, _) in indicators.items():
        if scope == "unit" and role == "receiving":
            day = date.fromisoformat(month + "-01")
            out[(unit, day, ind)] = (num, den)
            if ind == "dossier_sync":
                out[(unit, day, "dossiers_received")] = (den, None)
    return out, months


def test_reports_and_data_disagree_where_the_sandboxes_say(pipeline_run, warehouse, onestop):
    """Reported values from the readiness sandbox's answer key, measured ones recomputed from the one-stop
    sandbox's records: the mart's measures equal them, and it flags exactly the criteria whose reported colour is
    green while the measure's is not, or whose reported share is above the measured one by more than the
    criterion's tolerance (plan02_criteria)."""
    _, srv = pipeline_run
    returns, clock = srv.readiness.app.registry, srv.readiness.app.clock
    reported = returns.reported(clock)
    truth, onestop_months = measured(srv, onestop)
    with CRITERIA.open(encoding="utf-8") as f:
        criteria = {r["criterion_code"]: r for r in csv.DictReader(f)}
    _, rows = warehouse.query(
        "select unit_code, period_month, criterion_code, measured_numerator, measured_denominator, disagreement "
        "from marts.plan02_commune_criteria where measured_by is not null")
    assert rows
    fields = {"software": ("PhanMemDVC", None), "digital_data": ("TyLeSoHoa", 100),
              "online_applications": ("TyLeHoSoTrucTuyen", 100), "online_results": ("TyLeKetQuaDienTu", 100),
              "digital_signature": ("SoCanBoCoChuKySo", "SoCanBo")}
    wrong_measure, want_flags, got_flags = [], set(), set()
    civil = Counter()
    for unit, month, code, num, den, disagreement in rows:
        c = criteria[code]
        if c["measured_by"] == "civil_registrations_recorded":  # matched by requester: checked in total below
            civil.update({"num": num or 0, "den": den or 0})
            continue
        if month not in onestop_months and c["measured_by"] != "documents_signed":
            assert num is None and den is None
            continue
        expect = truth.get((unit, month, c["measured_by"]), (0, None) if c["measured_by"] == "dossiers_received"
                           else (None, None))
        if (num, den) != expect:
            wrong_measure.append((unit, month, code, (num, den), expect))
        if disagreement:
            got_flags.add((unit, month, code, disagreement))
        values = reported.get((unit, month))
        if values is None or code not in fields:  # no return, or a criterion measured only
            continue
        field, per = fields[code]
        value = values[field]
        if value is None:
            continue
        value = value / (values[per] if isinstance(per, str) else per or 1)
        n, d = expect
        measure = (n if c["measured_by"] == "dossiers_received" else (n / d if d else None))
        if measure is None:
            continue
        green_at = float(c["green_at"])
        reported_green = value >= green_at
        measured_green = measure >= 1 if c["value_unit"] == "flag" else measure >= green_at
        if reported_green and not measured_green:
            want_flags.add((unit, month, code, "reported_ready_data_not"))
        elif c["value_unit"] == "share" and value - measure > float(c["tolerance"]):
            want_flags.add((unit, month, code, "reported_above_measured"))
    assert not wrong_measure, f"{len(wrong_measure)} measures differ, e.g. {wrong_measure[:3]}"
    assert got_flags == want_flags
    assert any(c == "digital_signature" and n is not None for _, _, c, n, _, _ in rows), "documents measured"
    assert not any(d for _, _, c, _, _, d in rows if not criteria[c]["numerator_field"]), "measured only: no flag"
    # civil-status dossiers finished in a commune-month of the monitoring, and those the civil-status sandbox entered
    # in its register (the warehouse finds them by requester: within 2%)
    records, _ = onestop
    months = {m for _, m in returns.expected(clock)["communes"]}
    registered = {reg.dossier_code for reg in srv.registry.visible(srv.until) if reg.dossier_code}
    finished = [r for r in records if r["MaTTHC"][:8] in ("1.001193", "1.000656", "1.000894")
                and r["TrangThaiHoSo"] in ("9", "10") and r["NgayKetThucXuLy"]
                and date(int(r["NgayKetThucXuLy"][:4]), int(r["NgayKetThucXuLy"][4:6]), 1) in months]
    recorded = sum(r["MaHoSo"] in registered for r in finished)
    assert civil["den"] == len(finished) > 50 and abs(civil["num"] - recorded) <= 0.02 * recorded, (civil, recorded)
    kinds = Counter((code, kind) for _, _, code, kind in got_flags)
    assert kinds[("software", "reported_ready_data_not")] > 0, kinds
    assert kinds[("online_applications", "reported_ready_data_not")] > 0, kinds
    over = {c.code for c in returns.communes if c.over_reports}
    assert {u for u, _, code, _ in got_flags if code == "online_applications"} & over
    print(f"\nreports ready, data says otherwise: {dict(kinds)}")


def test_dvcqg_sync_by_commune_counts_every_synced_dossier(pipeline_run, warehouse, onestop):
    """The commune × day sync chart holds, per receiving commune, every dossier the sandbox synced to DVCQG."""
    _, srv = pipeline_run
    communes = {c.code for c in srv.readiness.app.registry.communes}
    want: Counter = Counter()
    for r in onestop[0]:
        unit = current_unit(r["MaDonViTiepNhan"])
        if unit in communes and r["NgayDongBoDVC"]:
            want[(unit, date(int(r["NgayDongBoDVC"][:4]), int(r["NgayDongBoDVC"][4:6]),
                              int(r["NgayDongBoDVC"][6:8])))] += 1
    _, rows = warehouse.query("select unit_code, day, dossiers_synced from marts.dvcqg_sync_by_commune "
                              "where dossiers_synced > 0")
    assert {(u, d): n for u, d, n in rows} == dict(want) and want


def test_the_task_register_sets_each_status_beside_its_measured_output(pipeline_run, warehouse, onestop):
    """Statuses and overdue tasks as the sandbox register issued them (its refused rows left out); each measurable
    output equal to the province's figure recomputed from the sandboxes (the 766 recomputation of the one-stop
    records, the readiness answer key's coverage) for the month before the status date."""
    _, srv = pipeline_run
    returns, clock = srv.readiness.app.registry, srv.readiness.app.clock
    expected = returns.tasks.expected(clock)
    _, rows = warehouse.query("select task_code, status_on, status, is_overdue, output_indicator, output_target, "
                              "measured_month, measured_value, done_but_target_not_met from marts.plan02_tasks")
    got = {(r[0], r[1]): {"status": r[2], "overdue": r[3]} for r in rows}
    assert got == {k: {"status": v["status"], "overdue": v["overdue"]} for k, v in expected.items()}
    assert any(v["overdue"] for v in expected.values())
    province = returns.dossiers.province.code
    _, indicators = onestop
    coverage = returns.expected(clock)["coverage"]
    measured = 0
    for task, on, status, _, indicator, target, month, value, not_met in rows:
        assert str(target) == str(expected[(task, on)]["target"]) if target is not None else indicator is None
        if indicator is None:
            assert value is None and not_met is None
            continue
        if indicator == "plan02_green_share":
            counts = coverage.get(month)
            want = counts and counts["green"] / (counts["green"] + counts["yellow"] + counts["red"])
        else:
            num, den, _, _ = indicators.get(("province", "competent", province, f"{month:%Y-%m}", indicator),
                                            (0, 0, None, None))
            want = num / den if den else None
        if want is None:
            assert value is None
            continue
        measured += 1
        assert abs(float(value) - want) < 1e-4, (task, on, indicator, value, want)
        assert not_met == (status == "HOAN_THANH" and want < float(target))
    assert measured and any(r[8] for r in rows), "a task reported done whose output the data does not show"


def test_the_readiness_report_renders_in_chromium_with_the_answer_keys_figures(pipeline_run, warehouse, settings):
    """The month's Plan 02 report, rendered as the publish DAG renders it: a page per commune and the province page,
    whose colour table and counts hold the readiness answer key's figures, opened in Chromium (the coverage chart
    drawn, nothing failing); English on request."""
    from browser import artifacts_dir, launch_chromium
    from playwright.sync_api import sync_playwright

    from kho.reports.publish import render_readiness

    _, srv = pipeline_run
    returns, clock = srv.readiness.app.registry, srv.readiness.app.clock
    expected = returns.expected(clock)
    rs = render_readiness(pdf=False)
    assert rs.period in expected["coverage"] and rs.lang == "vi"
    want = expected["coverage"][rs.period]
    assert len(rs.units) == len(returns.communes)
    html = rs.overview.html.read_text(encoding="utf-8")
    colours = html[html.index('id="colours"'):]
    for colour, label in (("green", "Xanh"), ("yellow", "Vàng"), ("red", "Đỏ")):
        assert colours.count(f'<td class="c c-{colour}">{label}</td><td class="c">') == want[colour], colour
    a_commune = next(c for c in returns.communes if (c.code, rs.period) in expected["communes"])
    page = (rs.folder / f"{a_commune.code}.html").read_text(encoding="utf-8")
    cell = expected["communes"][(a_commune.code, rs.period)]
    assert f"{cell['met']}/8" in page and ("Xanh", "Vàng", "Đỏ")[("green", "yellow", "red").index(cell["colour"])] \
        in page[page.index('id="colour"'):][:80]
    # the tasks by group and unit in charge, as the register stood at its last snapshot of the month
    register = srv.readiness.app.registry.tasks
    tasks = register.expected(clock)
    last = max(on for _, on in tasks if on < date(rs.period.year + rs.period.month // 12, rs.period.month % 12 + 1, 1))
    want_owner: Counter = Counter()
    for t in register.tasks:
        if (t.code, last) in tasks:
            name = BY_ABBREVIATION[t.owner].name
            want_owner[(t.group, name, "tasks")] += 1
            want_owner[(t.group, name, "overdue")] += tasks[(t.code, last)]["overdue"]
    table = html[html.index('id="tasks-by-owner"'):]
    table = table[:table.index("</table>")]
    got_owner: Counter = Counter()
    for group, name, n, overdue in re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td class=\"n\">(\d+)</td>"
                                              r"<td class=\"n[^\"]*\">(\d+)</td>", table):
        got_owner[(group, name, "tasks")] += int(n)
        got_owner[(group, name, "overdue")] += int(overdue)
    assert got_owner == +want_owner and any(k[2] == "overdue" for k in +want_owner)
    artifacts = artifacts_dir()
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            for name in ("index.html", f"{a_commune.code}.html"):
                tab = browser.new_page(viewport={"width": 1100, "height": 900})
                errors = []
                tab.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
                tab.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                tab.goto((rs.folder / name).as_uri(), wait_until="load")
                if name == "index.html":
                    chart = tab.locator("svg.chart")
                    assert chart.count() == 1
                    box = chart.first.bounding_box()
                    assert box and box["width"] > 300 and box["height"] > 100
                    assert chart.first.locator("path").count() > 10
                    assert tab.locator("#colours tr").count() == len(returns.communes) + 1
                assert tab.title() and not errors, errors
                tab.screenshot(path=str(artifacts / f"readiness-{name.replace('.html', '')}.png"), full_page=True)
                tab.close()
        finally:
            browser.close()
    en = render_readiness(rs.period.strftime("%Y-%m"), "en", pdf=False, units=[a_commune.code])
    assert "Readiness under Plan 02" in en.overview.html.read_text(encoding="utf-8") and len(en.units) == 1


def test_the_provinces_target_files_set_the_targets_against_the_766_rates(pipeline_run, warehouse):
    """The targets in force are the target files' (the revision replacing the first file's rows, a commune named by
    its pre-2025 code landing on its unit, the refused rows quarantined), and unit_targets_vs_actual sets each unit's
    own target, else its province's default, against its rates."""
    _, srv = pipeline_run
    sheets, clock = srv.readiness.app.registry.targets, srv.readiness.app.clock
    expected = sheets.expected(clock, current_or_department)
    _, rows = warehouse.query("select target_year, unit_code, applies_to, indicator_id, target_rate "
                              "from intermediate.int_readiness__unit_targets where target_origin = 'issued'")
    assert {tuple(r[:4]): float(r[4]) for r in rows} == expected
    assert sheets.legacy_commune in {k[1] for k in expected}
    _, [(refused,)] = warehouse.query(
        "select count(distinct (q.batch_id, q.row_num)) from dq.quarantine q join kho.batches b using (batch_id) "
        "where b.source = 'readiness' and b.stream = 'targets'")
    assert refused == sheets.refused
    _, rows = warehouse.query("select unit_code, province_code, target_year, indicator_id, target_rate, target_level "
                              "from marts.unit_targets_vs_actual where target_source like 'Quyết định%'")
    levels = Counter()
    for unit, province, year, indicator, rate, level in rows:
        own = expected.get((year, unit, "unit", indicator))
        want = own if own is not None else expected[(year, province, "all_units_of_province", indicator)]
        assert float(rate) == want and level == ("unit" if own is not None else "province_default"), (unit, indicator)
        levels[level] += 1
    assert levels["unit"] > 0 and levels["province_default"] > 0, levels


def test_the_department_register_makes_departments_units_their_dossiers_land_on(pipeline_run, warehouse, onestop):
    """The register's rows are loaded or quarantined under the rule the sandbox planted (a later file's row replacing
    an earlier one's); the departments in force are current units under their province; the dossiers received under
    a department's identifier land on it, those of an identifier the register does not hold stay on the province;
    a department's own target is set against its rates."""
    from rules_766 import record_units

    _, srv = pipeline_run
    register, clock = srv.readiness.app.registry.register, srv.readiness.app.clock
    _, rows = warehouse.query("select q.record_key, q.rule from dq.quarantine q join kho.batches b using (batch_id) "
                              "where b.source = 'readiness' and b.stream = 'departments'")
    assert sorted(rows) == sorted((code, rule) for _, code, rule in register.refused(clock))
    expected = register.expected(clock)
    _, rows = warehouse.query(
        "select unit_code, unit_name, unit_name_en, unit_level, parent_unit_code, agency_code, province_code, "
        "unit_full_name from marts.dim_units where is_current and unit_level in ('department', 'department_unit')")
    got = {r[0]: r[1:] for r in rows}
    province = srv.app.dossiers.province
    assert got == {code: (r["TenDonVi"], r["TenTiengAnh"], "department" if r["CapDonVi"] == "SO_NGANH"
                          else "department_unit", r["MaDonViCha"], r["MaDinhDanh"], province.code,
                          f"{r['TenDonVi'].removesuffix(' tỉnh')} {province.full_name[0].lower()}"
                          f"{province.full_name[1:]}")
                   for code, r in expected.items()}
    assert got["38.BQLKCN"][0] == "Ban Quản lý Khu kinh tế và các khu công nghiệp"  # the March file's name
    assert "38.CCKL" in got  # refused in January (an identifier given twice), sent again in March
    # where the dossiers land: the sandbox's records, each on the unit the register's answer key gives it
    records, _ = onestop
    agencies = register.agency_units(clock)
    want = Counter(record_units(r, current_unit, agencies)[0] for r in records)
    _, rows = warehouse.query("select unit_code, count(*) from marts.fct_dossiers "
                              "where unit_code like '%%.%%' or unit_code = %s group by 1", (province.code,))
    assert dict(rows) == {u: n for u, n in want.items() if "." in u or u == province.code}
    assert len(rows) > 15
    assert want[province.code] > 0, "the dossiers of the department left out of the register stay on the province"
    # a department's own target
    _, rows = warehouse.query("select distinct unit_code, target_level from marts.unit_targets_vs_actual "
                              "where unit_code in ('38.STP', '38.SNNMT')")
    assert set(rows) == {("38.STP", "unit"), ("38.SNNMT", "unit"), ("38.STP", "province_default"),
                         ("38.SNNMT", "province_default")}


@pytest.mark.changes_pipeline_run(5)  # registers a department and renames it
def test_a_register_change_moves_the_dossiers_already_built_and_a_rename_rebuilds_nothing(pipeline_run, warehouse):
    """The incremental chain reads only dossiers validated since its last run; a department registered later must
    still take every dossier received under its identifier (the register's fingerprint rebuilds the chain), while a
    file that only renames it leaves the built rows alone."""
    from rules_766 import record_units

    from kho.core.settings import get_settings
    from kho.dbt import run_dbt
    from sandbox.readiness.register import FIELDS

    dags, srv = pipeline_run
    register, clock = srv.readiness.app.registry.register, srv.readiness.app.clock
    province = srv.app.dossiers.province.code
    folder = srv.readiness_drop / "co_quan"
    chain = ["run", "--select", "+fct_dossiers", "+service_index_766_indicators"]
    resolved = "intermediate.int_onestop__dossiers_resolved"

    def issue(name: str, unit_name: str) -> None:
        row = {"MaDonVi": f"{province}.SNGV", "TenDonVi": unit_name, "TenTiengAnh": "Department of Foreign Affairs",
               "CapDonVi": "SO_NGANH", "MaDonViCha": province, "MaDinhDanh": f"000.00.19.{register.suffix}",
               "NgayCapNhat": "20260701090000" if "bo_sung" in name else "20260615090000"}
        (folder / name).write_text(",".join(FIELDS) + "\n" + ",".join(f'"{row[f]}"' for f in FIELDS) + "\n",
                                   encoding="utf-8")
        run = dags["extract_readiness"].test(logical_date=datetime.now(timezone.utc))
        assert str(run.state).endswith("success")
        run_dbt(chain, warehouse, get_settings())

    records = clean_records(srv)
    agencies = {**register.agency_units(clock), f"000.00.19.{register.suffix}": f"{province}.SNGV"}
    want = sum(record_units(r, current_unit, agencies)[0] == f"{province}.SNGV" for r in records)
    _, [(on_province,)] = warehouse.query("select count(*) from marts.fct_dossiers where unit_code = %s", (province,))
    assert want > 0
    issue("DanhMucCoQuan_SNGV.csv", "Sở Ngoại vụ")
    _, rows = warehouse.query("select unit_code, count(*) from marts.fct_dossiers where unit_code in (%s, %s) "
                              "group by 1", (province, f"{province}.SNGV"))
    assert dict(rows) == {f"{province}.SNGV": want, **({province: on_province - want} if on_province > want else {})}
    _, [(competent,)] = warehouse.query(
        "select sum(denominator) from marts.service_index_766_indicators where scope = 'unit' and period_type = "
        "'month' and unit_role = 'competent' and indicator_id = 'dossier_sync' and unit_code = %s",
        (f"{province}.SNGV",))
    assert competent == want

    # a rename: the attribution is the same, so nothing is rebuilt (a row made stale by hand stays stale)
    _, [(code,)] = warehouse.query(f"select min(dossier_code) from {resolved}")
    with warehouse.connect() as conn:
        conn.execute(f"update {resolved} set procedure_name = 'stale' where dossier_code = %s", (code,))
    issue("DanhMucCoQuan_SNGV_bo_sung.csv", "Sở Ngoại vụ (đổi tên)")
    _, [(name,)] = warehouse.query("select unit_name from marts.dim_units where unit_code = %s", (f"{province}.SNGV",))
    assert name == "Sở Ngoại vụ (đổi tên)"
    assert warehouse.query(f"select procedure_name from {resolved} where dossier_code = %s", (code,))[1][0][0] == \
        "stale"
