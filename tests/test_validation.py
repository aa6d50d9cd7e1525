"""The raw-dossier suite on good and bad fixtures, run by GX on the embedded PostgreSQL."""

import copy
import json

import pytest

from connectors.onestop.streams import RAW_TABLE, import_export
from expectations.onestop_dossiers import suite
from kho.raw_loader import load_batch
from kho.validation import validate_batch
from sandbox.onestop.generator import Dossiers, SandboxConfig
from sandbox.onestop.records import render

pytestmark = pytest.mark.integration


def _clean_records(n: int) -> list[dict]:
    d = Dossiers(SandboxConfig(dossiers=n, dirty_share=0))
    return [render(d, i, d.default_clock) for i in range(n)]


def _load(records, tmp_path, settings, wh) -> str:
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(records, ensure_ascii=False))
    manifest = import_export(path, settings)
    load_batch(wh, manifest, RAW_TABLE)
    return manifest.batch_id


# one broken record per rule: (rule, how to break a clean record)
BREAKS = {
    "mahoso_required": lambda r: r.update(MaHoSo=None),
    "citizen_id_structure": lambda r: r.update(LoaiDoiTuong="1", SoGiayToChuHoSo="09912345678"),
    "unit_code_known": lambda r: r.update(MaDonViXuLy="99999"),
    "receiving_unit_code_known": lambda r: r.update(MaDonViTiepNhan="12345x"),
    "procedure_code_format": lambda r: r.update(MaTTHC="1.0011"),
    "channel_code_list": lambda r: r.update(KenhThucHien="9"),
    "status_code_list": lambda r: r.update(TrangThaiHoSo="11"),
    "received_date_format": lambda r: r.update(NgayTiepNhan="05/03/2026 10:22:00"),
    "due_date_format": lambda r: r.update(NgayHenTra="2026-03-10"),
    "finished_not_before_received": lambda r: r.update(NgayTiepNhan="20260310080000",
                                                       NgayKetThucXuLy="20260309080000"),
    "due_date_present": lambda r: r.update(TrangThaiHoSo="4", NgayHenTra=""),
    "agency_code_format": lambda r: r.update(MaHoSo="HS-2026-000123"),
}
WARNINGS = {"due_date_present", "agency_code_format"}  # recorded, not quarantined


def test_clean_batch_passes_every_rule(tmp_path, settings, fresh_schema):
    batch = _load(_clean_records(400), tmp_path, settings, fresh_schema)
    s = validate_batch(fresh_schema, suite(), batch)
    assert s.gx_success and s.quarantined == 0 and s.checked == s.passed == 400


def test_each_broken_record_is_caught_by_its_rule_and_quarantined_by_key(tmp_path, settings, fresh_schema):
    records = _clean_records(300)
    broken = {}
    for k, (rule, brk) in enumerate(BREAKS.items()):
        rec = records[10 + k * 7]
        brk(rec)
        broken[rule] = rec["MaHoSo"]
    dup = copy.deepcopy(records[200])
    dup["ChuHoSo"] = "Một hồ sơ khác"
    records.append(dup)  # the same code on a second, different dossier
    batch = _load(records, tmp_path, settings, fresh_schema)
    s = validate_batch(fresh_schema, suite(), batch)

    assert not s.gx_success
    for rule in BREAKS:
        assert s.failed_by_rule[rule] == 1, rule
        assert s.gx_unexpected_by_rule[rule] == 1, rule
    assert s.failed_by_rule["mahoso_unique_in_batch"] == 2  # both records carrying the code
    _, rows = fresh_schema.query("select rule, record_key from dq.quarantine where batch_id = %s", (batch,))
    quarantined = {(rule, key) for rule, key in rows}
    for rule, key in broken.items():
        assert ((rule, key) in quarantined) == (rule not in WARNINGS), rule
    assert s.checked == len(records) == s.passed + s.quarantined
    assert s.quarantined == len(BREAKS) - len(WARNINGS) + 2
    # warnings are kept by key too (for the reports), and every row is counted once with its business date
    _, rows = fresh_schema.query("select rule, record_key from dq.warnings where batch_id = %s", (batch,))
    assert set(rows) == {(rule, broken[rule]) for rule in WARNINGS}
    _, [(n, dated)] = fresh_schema.query("select count(*), count(record_date) from dq.checked_records "
                                         "where batch_id = %s", (batch,))
    assert (n, dated) == (len(records), len(records) - 1)  # the record with an unreadable reception date
    _, [(doc,)] = fresh_schema.query("select gx_result::text from dq.validation_runs where batch_id = %s", (batch,))
    assert "09912345678" not in doc and "partial_unexpected_list" not in doc  # no row values kept from GX


def test_rerunning_validation_replaces_the_previous_results(tmp_path, settings, fresh_schema):
    records = _clean_records(50)
    records[3]["MaDonViXuLy"] = "00000"
    batch = _load(records, tmp_path, settings, fresh_schema)
    validate_batch(fresh_schema, suite(), batch)
    validate_batch(fresh_schema, suite(), batch)
    q = fresh_schema.query("select count(*) from dq.quarantine where batch_id = %s", (batch,))[1][0][0]
    runs = fresh_schema.query("select count(*) from dq.validation_runs where batch_id = %s", (batch,))[1][0][0]
    assert (q, runs) == (1, 1)
    per_unit = fresh_schema.query(
        "select sum(checked), sum(failed) from dq.rule_results where batch_id = %s and rule = 'unit_code_known'",
        (batch,))[1][0]
    assert tuple(per_unit) == (50, 1)
