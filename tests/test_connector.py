"""The one-stop connector against a sandbox on loopback and the embedded PostgreSQL."""

import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import msgspec
import pyarrow.parquet as pq
import pytest

from connectors.onestop.client import OneStopClient, SourceAuthError
from connectors.onestop.streams import extract_window, import_export
from kho.core.extract_run import ExtractRun
from kho.core.loading import LoadMismatch, load_batch
from kho.core.state import get_watermark
from kho.core.windows import Window

pytestmark = pytest.mark.integration
RUN = datetime(2026, 8, 1)


def test_extract_survives_server_errors_and_lands_every_record(make_sandbox, settings, fresh_schema):
    srv = make_sandbox(dossiers=1500, fail_every=3)  # every third call is a 503
    window = ExtractRun.of("onestop", settings, fresh_schema, RUN).window("dossiers")
    with OneStopClient(srv.url, "sandbox-token", page_size=200, backoff_seconds=0.01) as client:
        manifest = extract_window(client, ExtractRun.of("onestop", settings), window)
    assert manifest.rows == 1500 and manifest.rejected == 0
    landed = sum(pq.read_metadata(f).num_rows for f in manifest.files)
    assert landed == 1500
    assert "source=onestop/stream=dossiers/date=" in manifest.landing_path


def test_wrong_token_is_a_clear_error(make_sandbox, settings):
    srv = make_sandbox(dossiers=10)
    with OneStopClient(srv.url, "wrong", backoff_seconds=0.01) as client, \
            pytest.raises(SourceAuthError, match="refused the token"):
        extract_window(client, ExtractRun.of("onestop", settings), Window(datetime(2025, 1, 1), RUN))


def test_load_moves_watermark_with_the_rows_and_is_idempotent(make_sandbox, settings, fresh_schema):
    wh = fresh_schema
    srv = make_sandbox(dossiers=800)
    window = ExtractRun.of("onestop", settings, wh, RUN).window("dossiers")
    with OneStopClient(srv.url, "sandbox-token") as client:
        manifest = extract_window(client, ExtractRun.of("onestop", settings), window)
    assert load_batch(wh, manifest) == 800
    assert get_watermark(wh, "onestop", "dossiers") == RUN
    assert load_batch(wh, manifest) == 0  # same batch again: nothing
    assert wh.query("select count(*) from raw_onestop.dossiers")[1][0][0] == 800
    # the next window re-reads the lag before the watermark
    nxt = ExtractRun.of("onestop", settings, wh, datetime(2026, 9, 1)).window("dossiers")
    assert RUN - nxt.start == timedelta(minutes=settings.onestop_lag_minutes)


def test_a_failed_load_leaves_neither_rows_nor_state(make_sandbox, settings, fresh_schema):
    wh = fresh_schema
    srv = make_sandbox(dossiers=300)
    with OneStopClient(srv.url, "sandbox-token") as client:
        run = ExtractRun.of("onestop", settings, wh, RUN)
        manifest = extract_window(client, run, run.window("dossiers"))
    manifest.rows += 1  # the manifest now disagrees with what is landed
    with pytest.raises(LoadMismatch):
        load_batch(wh, manifest)
    assert wh.query("select count(*) from raw_onestop.dossiers")[1][0][0] == 0
    assert get_watermark(wh, "onestop", "dossiers") is None
    assert wh.query("select count(*) from kho.batches")[1][0][0] == 0


def test_file_import_streams_the_export_and_rejects_non_objects(tmp_path, make_sandbox, settings, fresh_schema):
    srv = make_sandbox(dossiers=120)
    records = list(srv.app.all_records())
    records[5]["TruongMoi"] = "a field outside the contract"
    export = tmp_path / "dvcqg_export.json"
    export.write_text(json.dumps(records[:60] + ["not a dossier"] + records[60:], ensure_ascii=False))
    manifest = import_export(ExtractRun.of("onestop", settings), export)
    assert (manifest.rows, manifest.rejected, manifest.mode) == (120, 1, "file")
    rejected = (Path(manifest.landing_path) / "rejected.jsonl").read_text(encoding="utf-8")
    assert "record #60" in rejected
    assert load_batch(fresh_schema, manifest) == 120
    cols, rows = fresh_schema.query("select _extra ->> 'TruongMoi' from raw_onestop.dossiers where _extra is not null")
    assert rows == [("a field outside the contract",)]
    assert get_watermark(fresh_schema, "onestop", "dossiers") is None  # file imports never move API state


def test_import_of_a_file_that_is_not_json_names_the_file(tmp_path, settings):
    bad = tmp_path / "broken.json"
    bad.write_text('[{"MaHoSo": "x"}, {oops')
    with pytest.raises(ValueError, match="broken.json"):
        import_export(ExtractRun.of("onestop", settings), bad)


def _offset_pages(srv, window: Window, page_size: int) -> list[dict]:
    """The paging the connector used to do (page=1,2,… over one query), as the control."""
    import httpx

    rows, page = [], 1
    while True:
        body = httpx.get(f"{srv.url}/api/v1/dossiers", headers={"Authorization": "Bearer sandbox-token"}, params={
            "updated_from": window.start.strftime("%Y%m%d%H%M%S"), "updated_to": window.end.strftime("%Y%m%d%H%M%S"),
            "page": page, "page_size": page_size}).json()
        rows += body["data"]
        if not body["has_more"]:
            return rows
        page += 1


def test_dossiers_edited_while_a_window_is_paged_are_neither_lost_nor_doubled(make_sandbox, settings):
    """The sandbox edits already-served dossiers after every page (they jump to the end of the listing). Offset
    paging loses the rows at the page boundaries; keyset paging returns every dossier of the window, each edited
    one twice at most (its old version, then its new one), and no version twice."""
    window = Window(datetime(2025, 1, 1), RUN)
    control = make_sandbox(dossiers=1200, dirty_share=0, churn_per_page=7)
    lost = {r["MaHoSo"] for r in control.app.all_records()} - {r["MaHoSo"] for r in _offset_pages(control, window, 100)}
    assert lost, "the control should lose dossiers at page boundaries"

    srv = make_sandbox(dossiers=1200, dirty_share=0, churn_per_page=7)
    with OneStopClient(srv.url, "sandbox-token", page_size=100) as client:
        rows = [msgspec.structs.asdict(r) if isinstance(r, msgspec.Struct) else r
                for page in client.iter_pages(window) for r in page]
    final = {r["MaHoSo"]: r for r in srv.app.all_records()}
    got = Counter(r["MaHoSo"] for r in rows)
    assert srv.app.edited and set(got) == set(final)  # nothing lost
    versions = Counter((r["MaHoSo"], r["NgayCapNhat"]) for r in rows)
    assert max(versions.values()) == 1  # no version twice
    edited = {srv.app.dossiers.dossier_code(i) for i in srv.app.edited}
    assert {c for c, n in got.items() if n > 1} <= edited and max(got.values()) <= 2  # twice: edited ones only
    latest = {r["MaHoSo"]: r for r in sorted(rows, key=lambda r: r["NgayCapNhat"])}
    assert all(latest[c]["NgayCapNhat"] == final[c]["NgayCapNhat"] for c in final)  # the latest version arrived


def test_pages_that_follow_the_contract_take_the_fast_path_and_land_the_same(make_sandbox, settings, tmp_path):
    """A page of contract records is decoded into structs (lists kept as the JSON text received); a page with a
    field outside the contract, a number for a string or a non-object goes the general way. Both land the same
    values: the fast path changes no landed value."""
    from connectors.onestop.schema import (
        Dossier,
        check_record,
        decode_page,
        records_to_arrow,
        structs_to_arrow,
    )

    srv = make_sandbox(dossiers=300, dirty_share=0.2)
    records = list(srv.app.all_records())
    records[1]["TaiLieuNop"] = None  # a list sent as null, and one left out: both land as NULL
    del records[2]["QuaTrinhXuLy"]
    # the free-text fields are sliced out of the JSON text received unless a value needs decoding
    records[3]["TrichYeuHoSo"] = 'Đơn "khẩn" \\ C:\\hồ sơ\tkèm'  # escapes: \", \\ and \t
    records[4]["TenTTHC"] = 4  # a number in a free-text field lands as its JSON text, as the general path lands it
    records[5]["ChuHoSo"] = None
    records[6]["DonViXuLy"] = ""
    general = records_to_arrow([check_record(r, i) for i, r in enumerate(records)])
    for ascii_only in (False, True):  # UTF-8 as received, or every Vietnamese letter escaped (\u1ea7)
        body = json.dumps({"data": records, "has_more": False}, ensure_ascii=ascii_only).encode()
        fast = decode_page(body)["data"]
        assert all(isinstance(r, Dossier) for r in fast)
        landed = structs_to_arrow(fast)
        assert landed.schema == general.schema and landed.num_rows == 300
        for name in landed.column_names:
            a, b = landed.column(name).to_pylist(), general.column(name).to_pylist()
            if name in ("dinhdanhchs", "tailieunop", "danhsachlephi", "danhsachhosobosung", "danhsachgiaytoketqua",
                        "quatrinhxuly", "dsketnoicsdl"):
                a, b = ([None if x is None else json.loads(x) for x in a],
                        [None if x is None else json.loads(x) for x in b])
            assert a == b, name
    assert landed.column("tailieunop")[1].as_py() is None and landed.column("quatrinhxuly")[2].as_py() is None
    for odd in ({**records[0], "TruongMoi": "x"}, {**records[0], "TrangThaiHoSo": 4}, "not a dossier"):
        page = decode_page(json.dumps({"data": [odd], "has_more": False}).encode())["data"]
        assert isinstance(page[0], dict | str), odd


def test_keyset_paging_goes_on_within_a_second_shared_by_more_than_a_page():
    from connectors.paging import key_field, keyset_pages, time_field

    second = "20260301080000"
    rows = [{"id": f"m{i:03d}", "time": second} for i in range(25)] + [{"id": "z", "time": "20260301080001"}]

    def fetch(start, page):
        found = [r for r in rows if r["time"] >= start.strftime("%Y%m%d%H%M%S")]
        return {"data": found[(page - 1) * 10: page * 10], "has_more": page * 10 < len(found)}

    got = [r["id"] for p in keyset_pages(fetch, datetime(2026, 3, 1), time_of=time_field("time"),
                                         key_of=key_field("id")) for r in p]
    assert got == [r["id"] for r in rows]


def test_a_change_time_is_read_only_from_fourteen_ascii_digits_of_a_real_time():
    from connectors.paging import time_field

    read = time_field("NgayCapNhat")
    assert read({"NgayCapNhat": "20260301235959"}) == datetime(2026, 3, 1, 23, 59, 59)
    assert read(msgspec.json.decode(b'{"NgayCapNhat": "20240229000000"}')) == datetime(2024, 2, 29)
    for bad in ("20260301240000", "20250229000000", "20261301000000", "20260301235960", "2026030123595",
                "202603012359590", "20260301T23595", "2026-03-01 23:5", "\u0662" * 14, 20260301235959, None):
        assert read({"NgayCapNhat": bad}) is None, bad  # the row is passed on, never used as the cursor
    assert read({}) is None and read("not a row") is None


def test_a_page_body_is_read_as_received_or_decoded_when_the_source_compresses_it():
    """The streamed read joins the chunks as received only when the body is not content-encoded: a gzip page (a
    gateway compressing the API's answers) is decoded like ``Response.read()`` would."""
    import gzip

    import httpx

    from connectors.http import body_of

    page = json.dumps({"data": [{"MaHoSo": "H-1", "TenTTHC": "Chứng thực"}], "has_more": False},
                      ensure_ascii=False).encode()

    def answer(request: httpx.Request) -> httpx.Response:  # bodies in two chunks, as a socket delivers them
        body = gzip.compress(page) if request.url.path == "/gzip" else page
        headers = {"Content-Encoding": "gzip"} if request.url.path == "/gzip" else {}
        return httpx.Response(200, content=iter([body[:7], body[7:]]), headers=headers)

    with httpx.Client(transport=httpx.MockTransport(answer), base_url="http://source") as http:
        for path in ("/plain", "/gzip"):
            with http.stream("GET", path) as resp:
                assert body_of(resp) == page, path
