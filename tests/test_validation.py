"""The raw-dossier suite on good and bad fixtures, run by GX on the embedded PostgreSQL."""

import copy
import json

import pytest

from connectors.onestop.streams import import_export
from connectors.onestop.suite import suite
from expectations.validation import validate_batch
from kho.core.extract_run import ExtractRun
from kho.core.loading import load_batch
from sandbox.onestop.generator import Dossiers, SandboxConfig
from sandbox.onestop.records import render

pytestmark = pytest.mark.integration


def _clean_records(n: int) -> list[dict]:
    d = Dossiers(SandboxConfig.clean(dossiers=n))
    return [render(d, i, d.default_clock) for i in range(n)]


def _load(records, tmp_path, settings, wh) -> str:
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(records, ensure_ascii=False))
    manifest = import_export(ExtractRun.of("onestop", settings), path)
    load_batch(wh, manifest)
    return manifest.batch_id


def open_again(r: dict, **fields) -> None:
    """Make a clean (finished) record an open one, its history too (else the history contradicts its status)."""
    r.update(TrangThaiHoSo="4", NgayKetThucXuLy="", NgayTra="", **fields)
    r["QuaTrinhXuLy"] = [s for s in r["QuaTrinhXuLy"] if s["TrangThai"] not in ("3", "7", "8", "9", "10")]


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
    "due_date_present": lambda r: open_again(r, NgayHenTra=""),
    "agency_code_format": lambda r: r.update(MaHoSo="HS-2026-000123"),
    "list_fields_are_lists": lambda r: r.update(TaiLieuNop={"TepDinhKemId": "retyped at the source"}),
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
    _, [(n, dated)] = fresh_schema.query("select count(*), count(record_date) from dq.checked_rows as c join "
                                         "dq.validation_runs as v using (run_no) where v.batch_id = %s", (batch,))
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


def test_two_versions_of_one_dossier_in_a_batch_are_not_a_duplicate_code(tmp_path, settings, fresh_schema):
    """A dossier edited while its window was read arrives twice (old and new version); a page served twice repeats
    rows. Neither is the same code on different dossiers, which stays an error."""
    records = _clean_records(120)
    newer = copy.deepcopy(records[30])
    newer.update(NgayCapNhat="20261130235959", TrangThaiHoSo="10")
    other = copy.deepcopy(records[60])
    other.update(NgayTiepNhan="20260105090000", ChuHoSo="Một hồ sơ khác")  # another case keyed with the same code
    batch = _load([*records, newer, copy.deepcopy(records[40]), other], tmp_path, settings, fresh_schema)
    s = validate_batch(fresh_schema, suite(), batch)
    assert s.failed_by_rule["mahoso_unique_in_batch"] == s.gx_unexpected_by_rule["mahoso_unique_in_batch"] == 2
    _, rows = fresh_schema.query("select distinct record_key from dq.quarantine where batch_id = %s", (batch,))
    assert rows == [(records[60]["MaHoSo"],)]


def test_ended_dossiers_without_or_against_their_history_are_warned_not_quarantined(tmp_path, settings,
                                                                                      fresh_schema):
    records = [r for r in _clean_records(200) if r["TrangThaiHoSo"] == "10" and r["QuaTrinhXuLy"]][:3]
    no_history, stale, reopened = (copy.deepcopy(r) for r in records)
    no_history["QuaTrinhXuLy"] = []
    stale["QuaTrinhXuLy"] = [s for s in stale["QuaTrinhXuLy"] if s["TrangThai"] not in ("9", "10")]
    reopened["TrangThaiHoSo"] = "4"
    batch = _load([no_history, stale, reopened], tmp_path, settings, fresh_schema)
    s = validate_batch(fresh_schema, suite(), batch)
    assert s.quarantined == 0
    _, rows = fresh_schema.query("select rule, record_key from dq.warnings where batch_id = %s order by 1, 2",
                                 (batch,))
    assert rows == sorted([("ended_with_history", no_history["MaHoSo"]),
                           ("history_agrees_with_status", stale["MaHoSo"]),
                           ("history_agrees_with_status", reopened["MaHoSo"])])
