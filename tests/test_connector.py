"""The one-stop connector against a sandbox on loopback and the embedded PostgreSQL."""

import json
from datetime import datetime, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from connectors.onestop.client import OneStopClient, SourceAuthError
from connectors.onestop.streams import RAW_TABLE, extract_window, import_export, next_window
from kho.raw_loader import LoadMismatch, get_watermark, load_batch
from kho.windows import Window

pytestmark = pytest.mark.integration
RUN = datetime(2026, 8, 1)


def test_extract_survives_server_errors_and_lands_every_record(make_sandbox, settings, fresh_schema):
    srv = make_sandbox(dossiers=1500, fail_every=3)  # every third call is a 503
    window = next_window(fresh_schema, settings, RUN)
    with OneStopClient(srv.url, "sandbox-token", page_size=200, backoff_seconds=0.01) as client:
        manifest = extract_window(client, window, settings)
    assert manifest.rows == 1500 and manifest.rejected == 0
    landed = sum(pq.read_metadata(f).num_rows for f in manifest.files)
    assert landed == 1500
    assert "source=onestop/stream=dossiers/date=" in manifest.landing_path


def test_wrong_token_is_a_clear_error(make_sandbox, settings):
    srv = make_sandbox(dossiers=10)
    with OneStopClient(srv.url, "wrong", backoff_seconds=0.01) as client, \
            pytest.raises(SourceAuthError, match="refused the token"):
        extract_window(client, Window(datetime(2025, 1, 1), RUN), settings)


def test_load_moves_watermark_with_the_rows_and_is_idempotent(make_sandbox, settings, fresh_schema):
    wh = fresh_schema
    srv = make_sandbox(dossiers=800)
    window = next_window(wh, settings, RUN)
    with OneStopClient(srv.url, "sandbox-token") as client:
        manifest = extract_window(client, window, settings)
    assert load_batch(wh, manifest, RAW_TABLE) == 800
    assert get_watermark(wh, "onestop", "dossiers") == RUN
    assert load_batch(wh, manifest, RAW_TABLE) == 0  # same batch again: nothing
    assert wh.query("select count(*) from raw_onestop.dossiers")[1][0][0] == 800
    # the next window re-reads the lag before the watermark
    nxt = next_window(wh, settings, datetime(2026, 9, 1))
    assert RUN - nxt.start == timedelta(minutes=settings.onestop_lag_minutes)


def test_a_failed_load_leaves_neither_rows_nor_state(make_sandbox, settings, fresh_schema):
    wh = fresh_schema
    srv = make_sandbox(dossiers=300)
    with OneStopClient(srv.url, "sandbox-token") as client:
        manifest = extract_window(client, next_window(wh, settings, RUN), settings)
    manifest.rows += 1  # the manifest now disagrees with what is landed
    with pytest.raises(LoadMismatch):
        load_batch(wh, manifest, RAW_TABLE)
    assert wh.query("select count(*) from raw_onestop.dossiers")[1][0][0] == 0
    assert get_watermark(wh, "onestop", "dossiers") is None
    assert wh.query("select count(*) from kho.batches")[1][0][0] == 0


def test_file_import_streams_the_export_and_rejects_non_objects(tmp_path, make_sandbox, settings, fresh_schema):
    srv = make_sandbox(dossiers=120)
    records = list(srv.app.all_records())
    records[5]["TruongMoi"] = "a field outside the contract"
    export = tmp_path / "dvcqg_export.json"
    export.write_text(json.dumps(records[:60] + ["not a dossier"] + records[60:], ensure_ascii=False))
    manifest = import_export(export, settings)
    assert (manifest.rows, manifest.rejected, manifest.mode) == (120, 1, "file")
    rejected = (Path(manifest.landing_path) / "rejected.jsonl").read_text(encoding="utf-8")
    assert "record #60" in rejected
    assert load_batch(fresh_schema, manifest, RAW_TABLE) == 120
    cols, rows = fresh_schema.query("select _extra ->> 'TruongMoi' from raw_onestop.dossiers where _extra is not null")
    assert rows == [("a field outside the contract",)]
    assert get_watermark(fresh_schema, "onestop", "dossiers") is None  # file imports never move API state


def test_import_of_a_file_that_is_not_json_names_the_file(tmp_path, settings):
    bad = tmp_path / "broken.json"
    bad.write_text('[{"MaHoSo": "x"}, {oops')
    with pytest.raises(ValueError, match="broken.json"):
        import_export(bad, settings)
