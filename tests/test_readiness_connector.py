"""The readiness connector: the province's template read from XLSX and CSV whatever sits above its header (a file
without the template's field codes refused whole with its rule), the monitoring system's API read through its
faults with returns of the same sending time told apart, and crafted returns breaking exactly the rules they
should."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from registry_truth import check_crafted

from connectors.readiness.client import ReadinessClient
from connectors.readiness.streams import read_template
from connectors.spreadsheets import FileRejected
from kho.core.link_calls import LinkLog
from kho.core.windows import Window
from sandbox.onestop.generator import Dossiers, SandboxConfig
from sandbox.readiness.generator import FIELDS, ReadinessReturns, _dirty
from sandbox.readiness.server import Faults, ReadinessServer, ReadinessService


@pytest.fixture(scope="module")
def returns() -> ReadinessReturns:
    return ReadinessReturns(Dossiers(SandboxConfig(dossiers=3000)))


def test_the_api_serves_every_return_once_through_stalls_and_5xx():
    returns = ReadinessReturns(Dossiers(SandboxConfig(dossiers=3000)))
    clock = returns.dossiers.default_clock
    # a commune that sends two months' returns in the same second, the first the last row of a page: keyset paging
    # resumes at that second and must not take the second return for the first (no field of a return is unique)
    first = [v for _, v in returns.visible(clock)][5]
    later = next(v for _, v in returns.visible(clock) if v.commune == first.commune and v.month > first.month)
    later.submitted = first.submitted
    returns.versions.sort(key=lambda v: (v.submitted, v.code_as_sent, v.month))
    page_size = [v for _, v in returns.visible(clock)].index(first) + 1
    app = ReadinessService(returns, faults=Faults(latency_ms=(0, 1), stall_share=0.1, stall_seconds=0.4,
                                                  error_share=0.25, rate_limit_per_second=100_000))
    links = LinkLog("readiness", "test")
    with ReadinessServer(app) as srv, ReadinessClient(srv.url, "sandbox-token", page_size=page_size, timeout=0.2,
                                                      max_attempts=10, backoff_seconds=0.01, links=links) as client:
        rows = [r for page in client.iter_pages(Window(datetime(2025, 7, 1), datetime(2027, 1, 1))) for r in page]
    keys = [(r["MaXa"], r["KyBaoCao"], r["NgayCapNhat"]) for r in rows]
    assert len(keys) == len(set(keys)) == len(returns.visible(app.clock)) > 100
    calls = links.drain()
    assert len(calls) == len(app.injector.served) and {c.outcome for c in calls} >= {"ok", "timeout", "http_5xx"}


def test_template_files_read_below_their_title_block_and_refused_whole_when_not_one(returns, tmp_path):
    files = returns.write_files(tmp_path, returns.dossiers.default_clock)
    xlsx = next(f for f in files if f.suffix == ".xlsx")
    csv_file = next(f for f in files if f.suffix == ".csv")
    for f, header_row in ((xlsx, 5), (csv_file, 1)):
        rows = read_template(f, f.read_bytes())
        assert len(rows) == 1 and set(FIELDS) <= set(rows[0]) and rows[0]["_source_row"] == str(header_row + 1)
        code, month = f.stem.split("_")[1:3]
        assert rows[0]["MaXa"] == code and rows[0]["KyBaoCao"].replace("-", "") == month
        assert rows[0]["SoCanBo"].isdigit()  # a spreadsheet number read back without ".0"
    # semicolons, lower-case codes, a blank row and a column nobody asked for: the same return, the extra kept apart
    text = csv_file.read_bytes().decode("utf-8-sig")
    header, data = text.splitlines()[:2]
    odd = f"{header.lower().replace(',', ';')};Ghi chu rieng\n\n{data.replace(',', ';')};x\n"
    rows = read_template(csv_file, odd.encode())
    assert rows[0]["MaXa"] == read_template(csv_file, csv_file.read_bytes())[0]["MaXa"] and rows[0]["Ghi chu rieng"]
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["Bảng kê", "không phải mẫu"])
    buf = io.BytesIO()
    wb.save(buf)
    bad = tmp_path / "KH02_bad.xlsx"
    bad.write_bytes(buf.getvalue())
    for path, data, rule in ((bad, bad.read_bytes(), "not_a_readiness_template"),
                             (tmp_path / "x.csv", "MaXa,KyBaoCao\nđ,1\n".encode("cp1258"), "encoding"),
                             (tmp_path / "y.xlsx", b"not a zip", "unreadable_xlsx")):
        if path.suffix == ".xlsx" and path != bad:
            path.write_bytes(data)
        with pytest.raises(FileRejected) as exc:
            read_template(path, data)
        assert exc.value.rule == rule


@pytest.mark.integration
def test_crafted_returns_break_exactly_their_rules(fresh_schema, settings, returns):
    clock = returns.dossiers.default_clock
    base = next(v.render(clock) for v in returns.versions if v.defect is None and not v.late)
    communes = iter(c.code for c in returns.communes if c.code != base["MaXa"])

    def case(change=lambda r: None):
        code = next(communes)
        return lambda r: (r.update(MaXa=code), change(r))

    cases = {"ok": (case(), set())}
    for defect, rule in (("staff_totals", "staff_totals_add_up"),
                         ("certificates_over_staff", "certificates_within_staff"),
                         ("trained_over_staff", "trained_within_staff"), ("share_over_100", "share_at_most_100")):
        cases[defect] = (case(lambda r, d=defect: _dirty(r, d, clock)), {rule})
    cases["future_period"] = (case(lambda r: r.update(KyBaoCao="2026-12")), {"period_over_when_sent"})
    cases["unknown_commune"] = ((lambda r: r.update(MaXa="99999")), {"commune_code_known"})
    cases["province_code"] = ((lambda r: r.update(MaXa="38")), {"commune_level_code"})
    cases["late"] = (case(lambda r: r.update(NgayCapNhat="20261230100000", KyBaoCao="2026-06")), {"sent_on_time"})
    cases["before_reform"] = (case(lambda r: r.update(KyBaoCao="2025-03")), {"period_after_reform"})
    cases["bad_period"] = (case(lambda r: r.update(KyBaoCao="03/2026")), {"period_format"})
    cases["blank_staff"] = (case(lambda r: r.update(SoCanBoDaTapHuan=None)), {"socanbodataphuan_required"})
    cases["flag"] = (case(lambda r: r.update(PhanMemDVC="có")), {"phanmemdvc_flag"})
    cases["count"] = (case(lambda r: r.update(SoMayQuet="2.5")), {"somayquet_whole_number"})
    cases["share"] = (case(lambda r: r.update(TyLeHoSoTrucTuyen="40%")), {"tylehosotructuyen_number"})
    cases["sent_at"] = (case(lambda r: r.update(NgayCapNhat="2026-05-28")), {"sent_at_format"})
    check_crafted(fresh_schema, settings, "readiness", None, base, cases, {"sent_on_time"},
                  key_of=lambda r: f"{r['MaXa']}/{r['KyBaoCao']}")


def test_the_task_suite_accepts_exactly_the_output_indicators_the_warehouse_measures():
    import csv
    from pathlib import Path

    from connectors.readiness.task_suite import OUTPUT_INDICATORS

    seed = Path(__file__).parents[1] / "dbt_project" / "seeds" / "readiness" / "plan02_output_indicators.csv"
    with seed.open(encoding="utf-8") as f:
        assert tuple(r["indicator_code"] for r in csv.DictReader(f)) == OUTPUT_INDICATORS


@pytest.mark.integration
def test_crafted_register_rows_break_exactly_their_rules(fresh_schema, settings):
    """The department register's suite: each crafted row breaks exactly the rules named for it; two rows of one file
    giving one identifier to two units are both refused."""
    from connectors.readiness.schema import DEPARTMENTS

    numbers = iter(range(40, 99))
    base = {"MaDonVi": "38.STP", "TenDonVi": "Sở Tư pháp", "TenTiengAnh": "Department of Justice",
            "CapDonVi": "SO_NGANH", "MaDonViCha": "38", "MaDinhDanh": "000.00.04.H56", "NgayCapNhat": "20260105083000"}

    def case(code: str, **change):
        agency = f"000.00.{next(numbers)}.H56"
        return lambda r: r.update({"MaDonVi": code, "MaDinhDanh": agency, **change})

    cases = {
        "ok": ((lambda r: None), set()),
        "department": (case("38.SNNMT"), set()),
        "unit": (case("38.CCKL", CapDonVi="TRUC_THUOC", MaDonViCha="38.SNNMT"), set()),
        "digits": (case("38024"), {"department_code_format"}),
        "province": (case("99.ABC", MaDonViCha="99"), {"department_province_known", "agency_code_of_the_province"}),
        "level": (case("38.SXD", CapDonVi="SO"), {"level_code_list"}),
        "department_under_department": (case("38.SCT", MaDonViCha="38.STP"), {"parent_fits_level"}),
        "parent_gone": (case("38.BQLDA", CapDonVi="TRUC_THUOC", MaDonViCha="38.SKHDT"), {"parent_fits_level"}),
        "agency_shape": (case("38.SYT", MaDinhDanh="000.00.2.H56"), {"agency_code_format"}),
        "other_province": (case("38.SGDDT", MaDinhDanh="000.00.24.H41"), {"agency_code_of_the_province"}),
        "shared_a": (case("38.CCTL", CapDonVi="TRUC_THUOC", MaDonViCha="38.SNNMT", MaDinhDanh="000.00.30.H56"),
                     {"agency_code_once"}),
        "shared_b": (case("38.CCTS", CapDonVi="TRUC_THUOC", MaDonViCha="38.SNNMT", MaDinhDanh="000.00.30.H56"),
                     {"agency_code_once"}),
        "no_name": (case("38.SNV", TenDonVi=None), {"tendonvi_required"}),
        "issued": (case("38.STC", NgayCapNhat="2026-01-05"), {"issued_at_format"}),
    }
    check_crafted(fresh_schema, settings, "readiness", None, base, cases, set(), key_of=lambda r: r["MaDonVi"],
                  stream="departments", to_arrow=DEPARTMENTS.to_arrow)
