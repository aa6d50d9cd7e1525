"""The land connector: the land system's exports read once each (a file that is not an export refused whole with
its rule), the API read through its faults, and crafted transactions breaking exactly the rules they should."""

from __future__ import annotations

from datetime import datetime

import pytest
from registry_truth import check_crafted

from connectors.land.client import LandClient
from connectors.land.streams import ExportRejected, read_export
from kho.core.link_calls import LinkLog
from kho.core.windows import Window
from sandbox.land.generator import FIELDS, LandRegistry, _dirty
from sandbox.land.server import Faults, LandServer, LandService
from sandbox.onestop.generator import Dossiers, SandboxConfig


@pytest.fixture(scope="module")
def registry() -> LandRegistry:
    return LandRegistry(Dossiers(SandboxConfig(dossiers=3000)))


def test_the_api_serves_every_transaction_once_through_stalls_and_5xx(registry):
    app = LandService(registry, faults=Faults(latency_ms=(0, 1), stall_share=0.1, stall_seconds=0.4,
                                              error_share=0.25, rate_limit_per_second=100_000))
    links = LinkLog("land", "test")
    with LandServer(app) as srv, LandClient(srv.url, "sandbox-token", page_size=11, timeout=0.2, max_attempts=10,
                                            backoff_seconds=0.01, links=links) as client:
        rows = [r for page in client.iter_pages(Window(datetime(2025, 7, 1), datetime(2027, 1, 1))) for r in page]
    ids = [r["MaGiaoDich"] for r in rows]
    assert len(ids) == len(set(ids)) == len(registry.visible(app.clock)) > 100
    calls = links.drain()
    assert len(calls) == len(app.injector.served) and {c.outcome for c in calls} >= {"ok", "timeout", "http_5xx"}


def test_exports_read_with_their_header_and_refused_whole_when_not_one(registry, tmp_path):
    files = registry.write_exports(tmp_path, registry.dossiers.default_clock)
    assert files
    rows = read_export(files[0], files[0].read_bytes())
    assert rows and set(rows[0]) == set(FIELDS) | {"_source_row"} and rows[0]["_source_row"] == "2"
    # headers in another case, no BOM: the same rows
    text = files[0].read_bytes().decode("utf-8-sig")
    lowered = text.replace(",".join(FIELDS), ",".join(f.lower() for f in FIELDS), 1).encode()
    assert read_export(files[0], lowered) == rows
    for data, rule in ((b"Ten,Tuoi\nA,3\n", "not_a_land_export"), (b"MaGiaoDich,NgayTiepNhan\nx\n",
                                                                    "ragged_row"),
                       ("MaGiaoDich,NgayTiepNhan\nđ,1\n".encode("cp1258"), "not_utf8")):
        with pytest.raises(ExportRejected) as exc:
            read_export(tmp_path / "x.csv", data)
        assert exc.value.rule == rule and "x.csv" in str(exc.value)


@pytest.mark.integration
def test_crafted_transactions_break_exactly_their_rules(fresh_schema, settings, registry):
    clock = registry.dossiers.default_clock
    base = next(t.render(clock) for t in registry.transactions
                if t.defect is None and t.done < clock and t.amount > 0 and t.paid < clock)
    cases = {"ok": (lambda r: None, set())}
    for defect, rule in (("done_before_received", "done_not_before_received"),
                         ("unknown_commune", "commune_code_known"), ("paid_before_notice", "tax_paid_after_notice"),
                         ("bad_area", "area_is_a_number"), ("missing_received", "received_date_required"),
                         ("unknown_kind", "kind_code_list")):
        cases[defect] = ((lambda r, d=defect: _dirty(r, d)), {rule})
    cases["unpaid_done"] = ((lambda r: r.update(NgayNopThue=None, NopTrucTuyen=None)), {"completed_obligation_paid"})
    cases["company"] = ((lambda r: r.update(ChuSuDung_SoGiayTo="0101234567")), {"chusudung_sogiayto_structure"})
    cases["bad_date"] = ((lambda r: r.update(NgayHenTra="31/02/2026")), {"ngayhentra_format"})
    check_crafted(fresh_schema, settings, "land", "MaGiaoDich", base, cases,
                  {"completed_obligation_paid", "chusudung_sogiayto_structure"})
