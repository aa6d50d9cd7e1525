"""Adding a source is adding a folder: a throwaway source package written by the test, and nothing else edited,
gets its raw table (migrated on the next open), its extract DAG wired into the transform's schedule, its
`kho import` command, and a run that lands, loads, validates and quarantines like every other source.

The folder lives in a package of its own on ``KHO_SOURCE_PACKAGES`` (how a province plugs in sources of its own);
the registry reads ``connectors/`` the same way.
"""

from __future__ import annotations

import json
import sys
import textwrap

import pytest

pytestmark = pytest.mark.integration

SOURCE_PY = '''
"""Land parcels as JSON lines in a drop folder: a source for the registry test."""
import json
from pathlib import Path

import pyarrow as pa

from expectations.validation import Rule, Suite
from kho.core.sources import Source, Stream

COLUMNS = ("parcel_id", "commune_code", "area_m2", "_extra")


def to_arrow(rows):
    schema = pa.schema([(c, pa.string()) for c in COLUMNS])
    return pa.table({c: [r.get(c) for r in rows] for c in COLUMNS}, schema=schema)


def suite():
    return Suite(name="parcels_raw", batch_query="select _row_num, parcel_id, commune_code, area_m2 from "
                 "raw_throwaway.parcels where _batch_id = '{batch_id}'", key="parcel_id", unit="commune_code",
                 rules=[Rule.not_null("parcel_id_required", "parcel_id", "Thiếu số thửa", "Parcel id missing"),
                        Rule.regex("area_is_a_number", "area_m2", "^[0-9]+([.][0-9]+)?$",
                                   "Diện tích không phải số", "Area is not a number")])


def import_folder(run, folder: Path):
    writer = run.batch("parcels", to_arrow, mode="file", source_file=str(folder))
    for file in run.new_files(folder, ("*.jsonl",)):
        for n, line in enumerate(file.data.decode().splitlines()):
            try:
                writer.add({k: (None if v is None else str(v)) for k, v in json.loads(line).items()})
            except ValueError as exc:
                writer.reject({"file": file.path.name, "line": n + 1, "reason": f"not JSON: {exc}"})
        writer.manifest.consumed_files.append([file.path.name, file.sha256])
    return [writer.close()]


SOURCE = Source(name="throwaway", description="land parcels as JSON lines (a test source)",
                streams=(Stream("parcels", COLUMNS, suite, json_columns=("_extra",), primary_key=("parcel_id",)),),
                extract=lambda run: import_folder(run, run.folder or run.settings.home / "drop" / "parcels"),
                import_path=import_folder, backfill=False)
'''


@pytest.fixture
def throwaway_source(tmp_path, monkeypatch, fresh_schema):
    from kho.core.sources import forget_sources

    package = tmp_path / "province_sources"
    (package / "throwaway").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "throwaway" / "__init__.py").write_text("")
    (package / "throwaway" / "source.py").write_text(textwrap.dedent(SOURCE_PY), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("KHO_SOURCE_PACKAGES", "province_sources")
    forget_sources()
    yield fresh_schema
    forget_sources()
    for name in [m for m in sys.modules if m.startswith("province_sources")]:
        del sys.modules[name]
    with fresh_schema.connect() as conn:
        conn.execute("drop schema if exists raw_throwaway cascade")


def test_a_source_folder_is_all_it_takes(throwaway_source, settings, tmp_path):
    from click.testing import CliRunner

    from kho import airflow_env
    from kho.core.sources import registered_sources
    from kho.core.warehouse import Warehouse
    from kho.pipeline import import_path

    assert {"onestop", "documents", "civil_status", "throwaway"} <= set(registered_sources())

    wh = Warehouse.open(settings)  # its contract changed the raw DDL: the next open migrates, once
    cols = wh.query("select column_name, data_type from information_schema.columns where table_schema = "
                    "'raw_throwaway' and table_name = 'parcels' order by ordinal_position")[1]
    assert [c for c, _ in cols] == ["_batch_id", "_row_num", "_extracted_at", "parcel_id", "commune_code",
                                    "area_m2", "_extra"]
    assert dict(cols)["_extra"] == "json"

    drop = tmp_path / "parcels"
    drop.mkdir()
    lines = [{"parcel_id": "12", "commune_code": "26734", "area_m2": "150.5"},
             {"parcel_id": None, "commune_code": "26734", "area_m2": "80"},
             {"parcel_id": "14", "commune_code": "26737", "area_m2": "about 90"}]
    (drop / "batch1.jsonl").write_text("\n".join(json.dumps(x) for x in lines) + "\n{oops\n", encoding="utf-8")
    manifests, [summary] = import_path("throwaway", drop, settings)
    assert (manifests[0]["rows"], manifests[0]["rejected"]) == (3, 1)  # the broken line kept with its reason
    assert (summary["checked"], summary["passed"], summary["quarantined"]) == (3, 1, 2)
    rules = wh.query("select rule, count(*) from dq.quarantine where batch_id = %s group by rule order by rule",
                     (summary["batch_id"],))[1]
    assert rules == [("area_is_a_number", 1), ("parcel_id_required", 1)]
    assert import_path("throwaway", drop, settings)[0][0]["rows"] == 0  # the same file again: read once

    # its extract DAG, and the transform waits for it as for every other source
    dags = airflow_env.load_dags()
    assert [t.task_id for t in dags["extract_throwaway"].topological_sort()] == \
        ["extract_land", "load", "validate", "summarize"]
    validated = {o.uri for o in dags["extract_throwaway"].get_task("validate").outlets}
    assert validated <= {a.uri for a in dags["transform_warehouse"].timetable.asset_condition.objects}

    # and a `kho import` command of its own
    import importlib

    import kho.cli

    cli = importlib.reload(kho.cli)
    result = CliRunner().invoke(cli.main, ["import", "--help"])
    assert "throwaway" in result.output, result.output
