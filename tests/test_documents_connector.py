"""The documents connector against the sandbox axis and drop folder, on the embedded PostgreSQL: hostile messages
are refused while the rest lands, every listed message is accounted for, reruns are idempotent, and the
validation rules for notation, numbers and signatures judge crafted documents as Decree 30/2020 says."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from connectors.documents.client import DocumentAxisClient
from connectors.documents.streams import extract_window, import_folder
from connectors.documents.suite import SUITES
from expectations.validation import validate_batch
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.loading import load_batch
from kho.core.windows import Window
from sandbox.documents.edxml import render_document
from sandbox.documents.generator import Agency
from sandbox.documents.hostile import HOSTILE
from sandbox.documents.server import DocumentServer, SandboxDocumentSystem
from sandbox.onestop.generator import Dossiers, SandboxConfig

pytestmark = pytest.mark.integration
ALL_TIME = Window(datetime(2020, 1, 1), datetime(2030, 1, 1))


@pytest.fixture(scope="module")
def axis():
    app = SandboxDocumentSystem(Dossiers(SandboxConfig(dossiers=800, seed=11)), fail_every=7)
    with DocumentServer(app) as srv:
        yield srv


def _load_and_validate(wh, manifest: BatchManifest) -> dict:
    load_batch(wh, manifest)
    return dataclasses.asdict(validate_batch(wh, SUITES[manifest.stream](), manifest.batch_id))


def test_axis_extract_refuses_hostile_messages_and_accounts_for_every_one(axis, fresh_schema, settings):
    app = axis.app
    with DocumentAxisClient(axis.url, "sandbox-token", page_size=97, backoff_seconds=0.01) as client:
        m = extract_window(client, ExtractRun.of("documents", settings, backfill=ALL_TIME), "edocs", ALL_TIME)
    listed = app.entries("edoc", 0, 2**40)
    assert m.rows + m.rejected == len(listed)  # every listed message is landed or refused, none lost
    rejected = [json.loads(x) for x in (Path(m.landing_path) / "rejected.jsonl").read_text().splitlines()]
    assert {r["message_id"] for r in rejected} == set(HOSTILE)
    rules = {r["message_id"]: r["reason"].split(":")[0] for r in rejected}
    assert rules == {"hostile-external-entity": "external_entity", "hostile-billion-laughs": "entity_declaration",
                     "hostile-oversized": "size_limit", "hostile-truncated": "malformed",
                     "hostile-wrong-encoding": "encoding"}
    kept = {}
    for archive in sorted((Path(m.landing_path) / "messages").glob("part-*.zip")):
        with zipfile.ZipFile(archive) as zf:
            kept |= {name.removesuffix(".edxml"): zf.read(name) for name in zf.namelist()}
    assert len(kept) == m.rows  # each message is kept in the landing zone, byte for byte as the axis sent it
    assert all(data == app.message(message_id) for message_id, data in kept.items())
    summary = _load_and_validate(fresh_schema, m)
    assert summary["checked"] == m.rows == summary["passed"] + summary["quarantined"]
    expected_bad_dates = sum(d.date_typo for d in app.documents.documents)
    assert summary["failed_by_rule"]["promulgation_date_format"] == expected_bad_dates
    assert summary["quarantined"] == expected_bad_dates
    assert summary["failed_by_rule"]["signature_present"] == sum(not d.signed for d in app.documents.documents)
    # attachments are summarized, never stored
    _, [(biggest,)] = fresh_schema.query("select max(length(attachments)) from raw_documents.edocs")
    assert biggest < 1000


def test_status_stream_and_idempotent_load(axis, fresh_schema, settings):
    with DocumentAxisClient(axis.url, "sandbox-token", backoff_seconds=0.01) as client:
        m = extract_window(client, ExtractRun.of("documents", settings), "status_events", ALL_TIME)
    assert m.rows == len(axis.app.entries("status", 0, 2**40)) and m.rejected == 0
    assert load_batch(fresh_schema, m) == m.rows
    assert load_batch(fresh_schema, m) == 0  # a retried load is a no-op
    _, [(n, w)] = fresh_schema.query(
        "select (select count(*) from raw_documents.status_events), "
        "(select watermark from kho.stream_state where source = 'documents' and stream = 'status_events')")
    assert n == m.rows and w == ALL_TIME.end


def test_drop_folder_is_read_once_and_routes_both_kinds(axis, fresh_schema, settings, tmp_path):
    app = axis.app
    clock = app.documents.dossiers.default_clock
    files = app.write_drop_folder(tmp_path, end=clock - 60 * 86400)
    first = import_folder(ExtractRun.of("documents", settings, fresh_schema), tmp_path)
    for m in first.values():
        _load_and_validate(fresh_schema, m)
    edocs, statuses = first["edocs"], first["status_events"]
    n_hostile = sum(1 for f in files if f.stem in HOSTILE)
    assert edocs.rows + statuses.rows + edocs.rejected == len(files)
    assert edocs.rejected == n_hostile == 5
    # the same folder again, plus the next month's files: only the new files are read
    more = app.write_drop_folder(tmp_path, start=clock - 60 * 86400, end=clock - 30 * 86400)
    second = import_folder(ExtractRun.of("documents", settings, fresh_schema), tmp_path)
    assert sum(m.rows + m.rejected for m in second.values()) == len(more) > 0
    for m in second.values():
        load_batch(fresh_schema, m)
    third = import_folder(ExtractRun.of("documents", settings, fresh_schema), tmp_path)
    assert sum(m.rows + m.rejected for m in third.values()) == 0


# Crafted documents, each from its own agency, so the per-agency rule counts say which ones broke a rule.
NOTATION_CASES = [
    ("Quyết định", "QĐ-UBND", set()),
    ("Quyết định", "QD-UBND", {"notation_type_abbreviation"}),      # ASCII D is not Đ
    ("Hợp đồng", "HĐ-UBND", set()),
    ("Hợp đồng", "HD-UBND", {"notation_type_abbreviation"}),       # HD is a guideline (hướng dẫn)
    ("Hướng dẫn", "HD-SYT", set()),
    ("Quy định", "QyĐ-UBND", set()),
    ("Quy định", "QĐ-UBND", {"notation_type_abbreviation"}),
    ("Tờ trình", "TTr-UBND", set()),
    ("Tờ trình", "TT-UBND", {"notation_type_abbreviation"}),       # TT is a circular (thông tư)
    ("Kế hoạch", "Kh-UBND", {"notation_type_abbreviation"}),
    ("Công văn", "UBND-VP", set()),                                  # official letters carry no type abbreviation
    ("Công văn", "QĐ-UBND", {"notation_type_abbreviation"}),
    ("Báo cáo", "BC -UBND", {"notation_format", "notation_type_abbreviation"}),
    ("Báo cáo", "BC", {"notation_format"}),                          # the right type, but no agency group
]


def test_notation_and_signature_rules(axis, fresh_schema, settings, tmp_path):
    base = next(d for d in axis.app.documents.documents if d.business_type == 0 and not d.date_typo)
    expected: dict[str, set[str]] = {}
    for k, (type_name, notation, broken) in enumerate(NOTATION_CASES):
        sender = Agency(f"000.00.{k:02d}.H99", f"Cơ quan thử {k}", "UBND")
        doc = dataclasses.replace(base, message_id=f"case-{k}", sender=sender, type_name=type_name,
                                  number=k + 1, notation=notation, signed=k % 2 == 0, dossier_ref=None)
        (tmp_path / f"case-{k}.edxml").write_bytes(render_document(doc))
        expected[sender.organ_id] = broken | ({"signature_present"} if k % 2 else set())
    m = import_folder(ExtractRun.of("documents", settings, fresh_schema), tmp_path)["edocs"]
    summary = _load_and_validate(fresh_schema, m)
    assert summary["quarantined"] == 0  # these are warnings: the documents still count in the marts
    _, rows = fresh_schema.query("select unit_code, rule from dq.rule_results where failed > 0")
    found: dict[str, set[str]] = {agency: set() for agency in expected}
    for agency, rule in rows:
        found[agency].add(rule)
    assert found == expected


def test_the_listing_follows_the_clock(axis):
    """The listing never shows a message before it arrived (the clock), so windows are stable."""
    app = axis.app
    clock = app.clock
    app.set_clock(clock - 90 * 86400)
    try:
        early = app.entries("edoc", 0, 2**40)
        assert early and all(e.at < app.clock for e in early)
    finally:
        app.set_clock(clock)
    assert len(app.entries("edoc", 0, 2**40)) > len(early)
