"""The landing zone on shared storage: ``KHO_LANDING_URL=s3://…`` against a real S3 API server on loopback (moto's
server mode, the S3 protocol over HTTP; not a mock of the client). An extract in one process lands in the bucket,
the load and validation in another process read it from there, and nothing is written to a local landing
directory: how Celery workers on two hosts share batches."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime

import pyarrow.fs as pafs
import pytest

from kho.core.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration
BUCKET = "kho-landing"


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    creds = {"AWS_ACCESS_KEY_ID": "kho-test", "AWS_SECRET_ACCESS_KEY": "kho-test-secret",
             "AWS_DEFAULT_REGION": "us-east-1"}
    saved = {k: os.environ.get(k) for k in creds}
    os.environ.update(creds)
    fs = pafs.S3FileSystem(endpoint_override=f"{host}:{port}", scheme="http", region="us-east-1",
                           allow_bucket_creation=True)
    fs.create_dir(BUCKET)
    yield f"http://{host}:{port}", fs
    server.stop()
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


def _objects(fs: pafs.S3FileSystem, prefix: str) -> list[str]:
    infos = fs.get_file_info(pafs.FileSelector(f"{BUCKET}/{prefix}", recursive=True, allow_not_found=True))
    return sorted(i.path for i in infos if i.type == pafs.FileType.File)


LOAD_ELSEWHERE = textwrap.dedent("""
    import json, sys
    from kho.pipeline import load, validate
    manifests = json.loads(sys.argv[1])
    print(json.dumps(validate(load(manifests))))
""")


def test_batches_land_in_the_bucket_and_load_from_another_process(s3_server, make_sandbox, settings, fresh_schema,
                                                                  tmp_path):
    from kho.pipeline import extract

    endpoint, fs = s3_server
    srv = make_sandbox(dossiers=700, dirty_share=0.05)
    here = settings.model_copy(update={"landing_url": f"s3://{BUCKET}/province", "s3_endpoint_url": endpoint,
                                       "onestop_url": srv.url, "home": tmp_path / "worker-a",
                                       "warehouse_url": fresh_schema.uri})
    [manifest] = extract("onestop", datetime(2026, 8, 1), settings=here)
    assert manifest["landing_path"].startswith(f"s3://{BUCKET}/province/source=onestop/stream=dossiers/")
    assert manifest["rows"] == 700 and all(f.startswith("s3://") for f in manifest["files"])
    parts = _objects(fs, "province/source=onestop")
    assert len(parts) == len(manifest["files"]) and all(p.endswith(".parquet") for p in parts)
    assert not (tmp_path / "worker-a" / "landing").exists()  # nothing landed locally

    # "another host": a process with its own home, which only shares the bucket, the warehouse and the manifest
    env = {**os.environ, "KHO_HOME": str(tmp_path / "worker-b"), "KHO_LANDING_URL": here.landing_url,
           "KHO_S3_ENDPOINT_URL": endpoint, "KHO_WAREHOUSE_URL": fresh_schema.uri}
    done = subprocess.run([sys.executable, "-c", LOAD_ELSEWHERE, json.dumps([manifest])], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    [summary] = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["checked"] == 700 and summary["passed"] + summary["quarantined"] == 700
    assert fresh_schema.query("select count(*) from raw_onestop.dossiers")[1][0][0] == 700
    assert not (tmp_path / "worker-b" / "landing").exists()


def test_refused_messages_and_kept_originals_go_to_the_bucket(s3_server, settings, fresh_schema, tmp_path):
    from kho.core.extract_run import ExtractRun
    from kho.core.landing import LandingZone
    from kho.pipeline import load
    from sandbox.documents.server import SandboxDocumentSystem
    from sandbox.onestop.generator import Dossiers, SandboxConfig

    endpoint, fs = s3_server
    axis = SandboxDocumentSystem(Dossiers(SandboxConfig(dossiers=60)))
    inbox = tmp_path / "inbox"
    written = len(axis.write_drop_folder(inbox))
    (inbox / "broken.edxml").write_bytes(b"<not-edxml")
    here = settings.model_copy(update={"landing_url": f"s3://{BUCKET}/docs", "s3_endpoint_url": endpoint})
    from connectors.documents.streams import import_folder

    manifests = import_folder(ExtractRun.of("documents", here, fresh_schema), inbox)
    edocs = manifests["edocs"]
    assert edocs.rejected >= 1 and edocs.rows + manifests["status_events"].rows + edocs.rejected == written + 1
    zone = LandingZone.at(edocs.landing_path, here)
    rejected = [json.loads(x) for x in zone.read_bytes(f"{edocs.landing_path}/rejected.jsonl").splitlines()]
    assert any(r["source_ref"] == "broken.edxml" and r["kept_as"].startswith("s3://") for r in rejected)
    kept = _objects(fs, "docs/source=documents")
    assert any("/messages/" in k for k in kept) and any(k.endswith("/rejected/broken.edxml") for k in kept)
    assert [m["loaded"] for m in load([m.to_dict() for m in manifests.values()], here)] == \
        [m.rows for m in manifests.values()]
