"""The dbt project keeps dbt's own conventions (read from the files, no warehouse needed): every model has a yml
entry beside it, staging lives in one folder per source system named like its models, and each source is declared
in the staging folder that reads it."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

MODELS = Path(__file__).resolve().parent.parent / "dbt_project" / "models"


def _yml_entries(folder: Path, key: str) -> set[str]:
    names = set()
    for path in folder.glob("*.yml"):
        names |= {e["name"] for e in (yaml.safe_load(path.read_text()) or {}).get(key) or []}
    return names


def test_every_model_has_a_yml_entry_in_its_folder():
    missing = [str(sql.relative_to(MODELS)) for sql in MODELS.rglob("*.sql")
               if sql.stem not in _yml_entries(sql.parent, "models")]
    assert not missing, missing


def test_staging_is_one_folder_per_source_named_like_its_models_and_declaring_its_sources():
    """A folder per source system, its models named stg_<system>__…, its own source declared beside them; every
    source declared once; Kho's own tables (dq, kho) are read by every source's staging and declared in staging/dq."""
    folders = [p for p in (MODELS / "staging").iterdir() if p.is_dir()]
    declared = {f.name: _yml_entries(f, "sources") for f in folders}
    everywhere = [s for names in declared.values() for s in names]
    assert len(everywhere) == len(set(everywhere)), "a source declared twice"
    for folder in folders:
        for sql in folder.glob("*.sql"):
            assert re.match(rf"^(stg|base)_{folder.name}__[a-z0-9_]+$", sql.stem), sql.name
            used = set(re.findall(r"source\(\s*'([a-z_]+)'", sql.read_text()))
            assert used <= set(everywhere), (sql.name, used - set(everywhere))
        assert folder.name in declared[folder.name], f"staging/{folder.name} does not declare its source"
    assert {"dq", "kho"} <= declared["dq"]
    for folder in (MODELS / "intermediate", MODELS / "marts"):
        for path in folder.rglob("*.yml"):
            assert not (yaml.safe_load(path.read_text()) or {}).get("sources"), f"{path}: sources belong in staging"


def test_the_render_manifest_matches_the_project_and_follows_its_changes(tmp_path, monkeypatch):
    """The transform DAG is rendered from a manifest built ahead of time: it holds every model and seed on disk,
    its fingerprint is the project's, and any change to a model changes the fingerprint (so it is rebuilt)."""
    import json
    import shutil

    from kho import dbt

    manifest = json.loads(dbt.render_manifest().read_text())
    assert (dbt.RENDER_DIR / "fingerprint").read_text() == dbt.project_fingerprint()
    nodes = manifest["nodes"].values()
    assert {n["name"] for n in nodes if n["resource_type"] == "model"} == {p.stem for p in MODELS.rglob("*.sql")}
    seeds = {p.stem for p in (MODELS.parent / "seeds").rglob("*.csv")}
    assert {n["name"] for n in nodes if n["resource_type"] == "seed"} == seeds
    copy = tmp_path / "dbt_project"
    shutil.copytree(dbt.DBT_PROJECT, copy, ignore=shutil.ignore_patterns("target*", "logs"))
    monkeypatch.setattr(dbt, "DBT_PROJECT", copy)
    before = dbt.project_fingerprint()
    model = next(copy.rglob("fct_dossiers.sql"))
    model.write_text(model.read_text() + "\n-- changed\n")
    assert dbt.project_fingerprint() != before


def test_tests_scoped_to_unchecked_dossiers_run_before_the_model_that_moves_their_cursor():
    """A test with `where: __dossiers_not_yet_checked__` checks the dossiers validated after fct_dossiers' last
    build (macro file test_scope). Run after fct_dossiers in the same build, it would check none of them, and the
    next build would skip them too: so fct_dossiers must depend on the model each such test is on, which in a
    `dbt build` (and in Cosmos's tasks) puts the test before it whatever order the threads take."""
    import json

    from kho import dbt

    nodes = json.loads(dbt.render_manifest().read_text())["nodes"]
    tests = [n for n in nodes.values() if n["resource_type"] == "test"
             and "__dossiers_not_yet_checked__" in str((n.get("config") or {}).get("where") or "")]
    scoped = {n["attached_node"] for n in tests}
    assert len(scoped) >= 5
    assert scoped <= set(nodes["model.kho.fct_dossiers"]["depends_on"]["nodes"])
    # a uniqueness rule over the changed dossiers' rows proves nothing about the others
    assert not [n["name"] for n in tests if {"unique", "unique_together"} & set(n["test_metadata"]["kwargs"])]


def test_tests_scoped_to_unchecked_dossier_rows_run_before_the_counts_that_move_their_cursor():
    """A test with `where: __dossier_rows_not_yet_checked__` checks the rows of the dossiers validated after the last
    build of service_index_766_counts whose fingerprint matches its model's (macro file test_scope): the counts must
    depend on each such model (its tests run before them), and no such test may compare rows (a uniqueness test
    over a subset proves nothing)."""
    import json

    from kho import dbt

    nodes = json.loads(dbt.render_manifest().read_text())["nodes"]
    scoped = [n for n in nodes.values() if n["resource_type"] == "test"
              and "__dossier_rows_not_yet_checked__" in str((n.get("config") or {}).get("where") or "")]
    assert len(scoped) >= 6
    on = {n["attached_node"] for n in scoped}
    assert on == {f"model.kho.{m}" for m in ("fct_dossiers", "fct_dossier_periods", "int_onestop__dossier_milestones")}
    assert {n["test_metadata"]["name"] for n in scoped} <= {"column_rules", "relationships"}
    assert not [n["name"] for n in scoped if {"unique", "unique_together"} & set(n["test_metadata"]["kwargs"])]

    def upstream(node: str) -> set[str]:
        found, todo = set(), [node]
        while todo:
            for parent in nodes.get(todo.pop(), {}).get("depends_on", {}).get("nodes", []):
                if parent not in found:
                    found.add(parent)
                    todo.append(parent)
        return found

    assert on <= upstream("model.kho.service_index_766_counts")
    assert nodes["model.kho.service_index_766_counts"]["config"]["meta"].get("rebuild_on_register_change")


def test_parallel_workers_per_model_leave_each_thread_its_share_of_the_cores():
    """macro kho_parallel_workers: with dbt's threads each running a model, a query's workers plus its own process
    fit in its thread's share of the cores (on 1-3 cores and 2 threads, no worker)."""
    import jinja2

    module = jinja2.Environment().from_string((MODELS.parent / "macros" / "session_settings.sql").read_text()).module
    workers = {(cores, threads): int(str(module.kho_parallel_workers(cores, threads)))
               for cores in (1, 2, 3, 4, 8, 16) for threads in (1, 2, 4)}
    assert [workers[c, 2] for c in (1, 2, 3, 4, 8, 16)] == [0, 0, 0, 1, 3, 7]
    assert all((w + 1) * t <= max(c, t) for (c, t), w in workers.items())
    assert workers[1, 1] == 0 and workers[16, 1] == 15 and workers[16, 4] == 3
