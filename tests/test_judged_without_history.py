"""A DVCQG JSON export whose dossiers carry no processing history (QuaTrinhXuLy), as many units send them: after
`kho import onestop` and the transform, every dossier is judged as the same dossier with its whole history is, and
the unit-month on-time figures are the same. The answer key is the sandbox's full-history rendering, judged by the
tests' independent rules (tests/rules_766.py)."""

from __future__ import annotations

import json
from collections import Counter, defaultdict

import pytest
from rules_766 import as_of_time, judge

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def stripped_import(warehouse, settings, tmp_path_factory):
    from kho.dbt import run_dbt
    from kho.pipeline import import_path
    from sandbox.catalogue.generator import CatalogueRegistry
    from sandbox.onestop.generator import Dossiers, SandboxConfig
    from sandbox.onestop.records import render

    d = Dossiers(SandboxConfig.clean(dossiers=600, legacy_code_share=0))
    full = [render(d, i, d.default_clock) for i in range(d.n)]
    path = tmp_path_factory.mktemp("export") / "dvcqg-export-no-history.json"
    path.write_text(json.dumps([{**r, "QuaTrinhXuLy": []} for r in full], ensure_ascii=False), encoding="utf-8")
    with warehouse.connect() as conn:
        conn.execute("drop schema if exists raw_onestop, raw_catalogue, dq, kho, kho_work, staging, "
                     "staging_restricted, intermediate, marts, reference cascade")
    warehouse.bootstrap()
    _, [summary] = import_path("onestop", path, settings)
    # the province's procedure catalogue: the statutory times that date a dossier sent without a due date
    catalogue = tmp_path_factory.mktemp("catalogue")
    CatalogueRegistry(d).write_export(catalogue, d.default_clock)
    import_path("catalogue", catalogue, settings)
    run_dbt(["build", "--select", "+dossier_unit_months", "+service_index_766_dossiers"], warehouse, settings)
    return full, summary


def test_every_dossier_is_judged_as_with_its_history(stripped_import, warehouse):
    full, summary = stripped_import
    as_of = as_of_time(full)
    key = {r["MaHoSo"]: judge(r, as_of) for r in full}
    _, rows = warehouse.query("select dossier_code, on_time_766, on_time_local, judged_from from marts.fct_dossiers")
    assert len(rows) == len(full) == summary["passed"]
    wrong = []
    for code, on_766, local, _ in rows:
        k, withdrawn = key[code], next(r for r in full if r["MaHoSo"] == code)["TrangThaiHoSo"] == "7"
        expected = ("not_counted", "not_applicable") if withdrawn else (k.on_time_766, k.on_time_local)
        if (on_766, local) != expected:
            wrong.append((code, (on_766, local), expected))
    assert not wrong, wrong[:5]
    assert Counter(r[3] for r in rows)["dossier_fields"] > 400


def test_the_unit_month_on_time_share_is_the_one_the_history_gives(stripped_import, warehouse):
    full, _ = stripped_import
    as_of = as_of_time(full)
    counts: dict = defaultdict(Counter)
    for r in full:
        if r["TrangThaiHoSo"] == "7":
            continue  # withdrawn dossiers stay out of both on-time denominators
        j = judge(r, as_of)
        c = counts[(r["MaDonViXuLy"], j.month)]
        c["den"] += j.on_time_766 in ("on_time", "late", "open_within", "open_overdue")
        c["num"] += j.on_time_766 in ("on_time", "open_within")
    _, rows = warehouse.query("select unit_code, to_char(period_month, 'YYYY-MM'), "
                              "count(*) filter (where on_time_den), count(*) filter (where on_time_num) "
                              "from marts.service_index_766_dossiers "
                              "where on_time_766 <> 'not_counted' and period_type = 'month' group by 1, 2")
    got = {(u, m): Counter(den=den, num=num) for u, m, den, num in rows}
    assert got == {k: v for k, v in counts.items() if v["den"]}
    # the ward-months where a history-only rule would have gone wrong: open_overdue for every finished dossier
    assert any(v["num"] >= 5 for v in counts.values())


def test_finished_dossiers_without_a_history_are_warned_for_the_units_report(stripped_import, warehouse):
    full, summary = stripped_import
    ended = sum(r["TrangThaiHoSo"] in ("3", "7", "8", "9", "10") for r in full)
    assert summary["quarantined"] == 0
    _, [(warned,)] = warehouse.query("select count(*) from dq.warnings where rule = 'ended_with_history'")
    assert warned == ended > 0
