"""Land registration end to end on the shared pipeline run: the land system's exports and API both land, every
transaction is loaded or quarantined, and the marts hold what the land sandbox's answer key says."""

from __future__ import annotations

from collections import Counter

import pytest
from registry_truth import finished_dossiers

pytestmark = [pytest.mark.integration, pytest.mark.e2e]


def finished_land_dossiers(srv, warehouse) -> set[str]:
    from sandbox.land.generator import PROCEDURE

    return finished_dossiers(srv, warehouse, PROCEDURE)


def test_exports_and_api_both_land_and_every_row_is_accounted_for(pipeline_run, warehouse):
    _, srv = pipeline_run
    registry, clock = srv.land.app.registry, srv.land.app.clock
    exported = sum(len(f.read_text(encoding="utf-8-sig").splitlines()) - 1 for f in srv.land_drop.glob("*.csv"))
    visible = registry.visible(clock)
    _, rows = warehouse.query(
        "select b.mode, sum(b.rows_extracted), sum(v.rows_checked), sum(v.rows_passed), sum(v.rows_quarantined) "
        "from kho.batches b join dq.validation_runs v using (batch_id) where b.source = 'land' group by 1")
    by_mode = {r[0]: r[1:] for r in rows}
    assert by_mode["file"][0] == exported > 0 and by_mode["incremental"][0] == len(visible)
    for extracted, checked, passed, quarantined in by_mode.values():
        assert extracted == checked == passed + quarantined
    # each transaction once in staging, in the version validation let through (the API's, else the export's)
    kept = {t.transaction_id for _, t in visible if registry.version_clock(t, clock) is not None}
    _, rows = warehouse.query("select transaction_id, arrived_by from staging.stg_land__transactions")
    assert {r[0] for r in rows} == kept and len(rows) == len(kept)
    assert {r[1] for r in rows} == {"api", "export"}, "a transaction quarantined in the API keeps its export version"


def test_land_per_commune_and_month_matches_the_answer_key(pipeline_run, warehouse):
    _, srv = pipeline_run
    registry, clock = srv.land.app.registry, srv.land.app.clock
    expected = registry.expected(clock, finished_land_dossiers(srv, warehouse))["units"]
    cols = ["received", "done", "done_on_time", "open", "open_overdue", "waiting_for_tax",
            "with_financial_obligation", "paid", "paid_online"]
    _, rows = warehouse.query(f"select unit_code, month, {', '.join(cols)} from marts.land_transaction_unit_months")
    got = {(r[0], r[1]): dict(zip(cols, r[2:], strict=True)) for r in rows}
    assert got == expected
    totals = Counter()
    for cell in got.values():
        totals.update(cell)
    assert totals["done"] > totals["done_on_time"] > 0 and totals["paid"] > totals["paid_online"] > 0, totals
    assert totals["waiting_for_tax"] > 0 and totals["open_overdue"] > 0, totals
    print(f"\nland registration: {dict(totals)} over {len(got)} commune-months")


def test_the_one_stop_and_the_land_system_are_reconciled(pipeline_run, warehouse):
    _, srv = pipeline_run
    registry, clock = srv.land.app.registry, srv.land.app.clock
    expected = registry.expected(clock, finished_land_dossiers(srv, warehouse))["links"]
    _, rows = warehouse.query("select dossier_code, transaction_id, match_status "
                              "from marts.land_transaction_dossier_links")
    assert set(rows) == expected and len(rows) == len(expected)
    statuses = Counter(s for *_, s in rows)
    assert all(statuses[s] > 0 for s in ("matched", "dossier_only", "direct_transaction")), statuses
    assert registry.unfinished_dossiers & {d for d, _, s in rows if s == "dossier_only"}
    print(f"\nland ↔ one-stop: {dict(statuses)}")


def test_no_party_reaches_a_mart(pipeline_run, warehouse):
    from personal_data import leaks_in_text

    _, rows = warehouse.query("select chusudung_hoten, chusudung_sogiayto, bennhan_hoten, bennhan_sogiayto "
                              "from raw_land.transactions")
    names = {v for r in rows for v in (r[0], r[2]) if v}
    ids = {v for r in rows for v in (r[1], r[3]) if v}
    for mart in ("land_transaction_unit_months", "land_transaction_dossier_links"):
        _, data = warehouse.query(f"select * from marts.{mart}")
        assert data and not leaks_in_text("\n".join(" ".join(map(str, r)) for r in data), ids, names), mart
