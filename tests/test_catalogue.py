"""The procedure catalogue end to end on the shared pipeline run: every procedure the catalogue lists (and its
export carries) is loaded or quarantined under the rule the sandbox planted, staging keeps the latest version of
each with its decisions, dim_procedures takes its attributes from it; and the export reader refuses what is not an
export, naming the file and the record."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from connectors.catalogue.streams import FileRejected, read_export


@pytest.mark.fast
@pytest.mark.parametrize(("content", "rule", "names"), [
    (b"\xff\xfe not json", "not_json", "x.json"),
    (b'{"code": "1.001193"}', "not_a_catalogue_export", "a dict"),
    (b'[{"code": "1.001193"}, {"name": "no code"}]', "not_a_catalogue_export", "record #2"),
])
def test_an_export_that_is_not_one_is_refused_whole(content, rule, names):
    with pytest.raises(FileRejected) as exc:
        read_export(Path("x.json"), content)
    assert exc.value.rule == rule and names in str(exc.value)


@pytest.mark.fast
def test_an_export_gives_each_record_with_its_position():
    rows = read_export(Path("x.json"), json.dumps([{"code": "1.001193"}, {"code": "1.000894"}]).encode())
    assert [(r["code"], r["_source_row"]) for r in rows] == [("1.001193", "1"), ("1.000894", "2")]


@pytest.mark.integration
@pytest.mark.e2e
def test_procedures_are_accounted_for_and_staged_from_their_latest_version(pipeline_run, warehouse):
    _, srv = pipeline_run
    registry, clock = srv.catalogue.app.registry, srv.catalogue.app.clock
    _, rows = warehouse.query(
        "select case when b.mode = 'file' then 'file' else 'api' end, sum(b.rows_extracted), sum(v.rows_passed), "
        "sum(v.rows_quarantined) from kho.batches b join dq.validation_runs v using (batch_id) "
        "where b.source = 'catalogue' group by 1")
    counts = {r[0]: r[1:] for r in rows}
    exported = json.loads(next(srv.catalogue_drop.glob("*.json")).read_text(encoding="utf-8"))
    assert counts["file"][0] == len(exported) and counts["api"][0] >= len(registry.visible(clock))
    for extracted, passed, quarantined in counts.values():
        assert extracted == passed + quarantined
    refused = registry.refused(clock)
    _, rows = warehouse.query("select distinct q.record_key, q.rule from dq.quarantine q join kho.batches b "
                              "using (batch_id) where b.source = 'catalogue'")
    assert dict(rows) == refused and len(refused) == 2
    # staging: the API's latest version of every procedure, not the export's older one
    expected = {p["code"]: p for p in registry.procedures(clock)}
    _, rows = warehouse.query("select procedure_code, source_updated_at, statutory_working_days, fee_vnd, "
                              "online_level from staging.stg_catalogue__procedures")
    assert {r[0]: (r[1], r[2], r[3], r[4]) for r in rows} == {
        c: (datetime.strptime(p["updatedAt"], "%Y%m%d%H%M%S"), p["processingDays"], p["feeVnd"],
            p["onlineServiceLevel"].lower()) for c, p in expected.items()}
    _, [(decisions, public)] = warehouse.query(
        "select count(*), count(made_public_at) from staging.stg_catalogue__decisions")
    assert decisions == sum(len(p["decisions"]) for p in expected.values())
    assert public == sum(d["publicDate"] is not None for p in expected.values() for d in p["decisions"]) < decisions
    # dim_procedures: the catalogue's attributes; a component left empty is not stated
    _, rows = warehouse.query("select procedure_code, components_stated, competent_tier, applied_units "
                              "from marts.dim_procedures where is_in_catalogue")
    got = {r[0]: r[1:] for r in rows}
    assert got.keys() == expected.keys()
    for code, p in expected.items():
        stated = sum(bool(v.strip()) for v in p["components"].values())
        tier = "commune" if all("." not in u for u in p["appliedDepartmentIds"]) else "province"
        assert got[code] == (stated, tier, len(p["appliedDepartmentIds"])), code
    assert sorted(v[0] for v in got.values()).count(6) == 2
