"""Reference data against the real registers: units across the 2025 reform, the conversion table, citizen-ID
province prefixes, agency codes and the working-day calendar. Expected values are read straight from the
statistics-office files with the csv module, independently of kho's loaders."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date, datetime, timedelta

import pytest
from raw_registers import conversion_rows, conversion_targets

from kho.domain import reference
from kho.domain.agencies import InvalidAgencyCode, h_code_provinces, parse_agency_code
from kho.domain.calendar_vn import is_working_day, working_days_between
from kho.domain.legacy_units import commune_code_map, conversion_kind, load_legacy_units, province_code_map
from kho.domain.units import ascii_name, load_units

TS14 = re.compile(r"^\d{14}$")


def test_registers_hold_the_published_counts():
    current = load_units()
    assert sum(u.level == "province" for u in current) == 34
    assert sum(u.level != "province" for u in current) == 3321
    legacy = load_legacy_units()
    assert sum(u.level == "province" for u in legacy) == 63
    assert sum(u.level == "district" for u in legacy) == 696
    assert sum(u.level in ("commune", "ward", "township") for u in legacy) == 10051


def test_every_legacy_code_maps_as_the_conversion_table_says():
    expected = conversion_targets()
    mapped: dict[str, list[str]] = defaultdict(list)
    for m in commune_code_map():
        mapped[m.old_code].append(m.new_code)
    assert {k: sorted(v) for k, v in mapped.items()} == {k: sorted(v) for k, v in expected.items()}
    assert len(expected) == 10033


def test_splits_are_flagged_and_follow_the_rule():
    expected = conversion_targets()
    by_old = defaultdict(list)
    for m in commune_code_map():
        by_old[m.old_code].append(m)
    splits = {old for old, news in expected.items() if len(news) > 1}
    assert len(splits) > 400
    for old, rows in by_old.items():
        assert all(r.is_split == (old in splits) for r in rows), old
        [primary] = [r.new_code for r in rows if r.is_primary]
        news = expected[old]
        assert primary == (old if old in news else news[0]), old


def test_conversion_notes_are_classified_despite_typos():
    assert conversion_kind("Nhập toàn bộ") == "merged_whole"
    assert conversion_kind("Nhâp một phần diện tích") == "merged_part"
    assert conversion_kind("Nhập một  phần ") == "merged_part"
    assert conversion_kind("Giữ nguyên") == "unchanged"
    with pytest.raises(ValueError, match="matches no known kind"):
        conversion_kind("Chuyển sang tỉnh khác")


def test_province_map_follows_resolution_202():
    primary = {m.old_code: m.new_code for m in province_code_map() if m.is_primary}
    assert len(primary) == 63 and len(set(primary.values())) == 34
    # domain.md §5.3, a sample of the published groupings
    assert primary["30"] == "31" and primary["74"] == "79" and primary["77"] == "79" and primary["06"] == "19"
    assert primary["82"] == "82"  # Tiền Giang: most communes to Đồng Tháp (82), one ward to Tây Ninh (80)
    assert any(m.old_code == "82" and m.new_code == "80" and not m.is_primary for m in province_code_map())


def test_citizen_id_prefixes_resolve_to_old_and_new_provinces():
    rows = {r["id_prefix"]: r for r in reference.citizen_id_province_rows()}
    assert len(rows) == 63
    assert rows["038"]["province_code"] == "38"
    assert (rows["030"]["legacy_province_name"], rows["030"]["province_code"]) == ("Tỉnh Hải Dương", "31")


def test_agency_codes_are_parsed_and_linked_to_provinces():
    a = parse_agency_code("002.00.20.H13")
    assert (a.level1, a.group, a.level2, a.level4, a.depth) == ("H13", "H", "20", "002", 4)
    assert parse_agency_code("000.00.00.H41").depth == 1
    assert h_code_provinces()["H56"] == "38" and h_code_provinces()["H41"] == "40"
    assert h_code_provinces()["H29"] == "79" and h_code_provinces()["H01"] == "89"
    for bad in ("000.00.00.h41", "00.00.00.H41", "000.00.00.H4", "000-00-00-H41"):
        with pytest.raises(InvalidAgencyCode):
            parse_agency_code(bad)


def test_tet_2026_is_not_a_working_day_and_makeup_saturdays_are():
    assert not any(is_working_day(date(2026, 2, d)) for d in range(16, 21))
    assert is_working_day(date(2025, 4, 26))  # Saturday worked for the 2 May 2025 day off
    assert not is_working_day(date(2025, 5, 2))
    assert working_days_between(date(2026, 2, 13), date(2026, 2, 23)) == 1


def test_names_lose_their_diacritics():
    assert ascii_name("Phường Đông Sơn, Xã Hoằng Hóa") == "Phuong Dong Son, Xa Hoang Hoa"


def test_committed_seeds_match_their_sources():
    from kho.domain.sql_rules import dbt_macros

    # the patterns and keys validation shares with dbt: one definition, so the generated macros must be current
    assert reference.SHARED_RULES_MACROS.read_text(encoding="utf-8") == dbt_macros(), \
        "macros/generated/shared_rules.sql is stale: run python -m kho.domain.reference"
    for name, build in reference.SEED_BUILDERS.items():
        committed = (reference.SEEDS / f"{name}.csv").read_text(encoding="utf-8")
        assert committed == reference.render_csv(build()), f"{name}.csv is stale: run python -m kho.domain.reference"


# -- in the warehouse: records with pre-2025 codes land on current units ----------------------------------------
def _absorbed_thanh_hoa_commune() -> tuple[str, str]:
    """A Thanh Hóa commune merged whole into a commune that kept another code (from the raw table)."""
    for row in conversion_rows():
        if row[0].startswith("Tỉnh Thanh Hóa") and row[5].strip() == "Nhập toàn bộ" and row[2] != row[4]:
            return row[4].strip(), row[2].strip()
    raise AssertionError("no absorbed commune in Thanh Hóa")


def _shift(value, days: int):
    """Every yyyyMMddHHmmss string in a record moved by ``days``."""
    if isinstance(value, dict):
        return {k: _shift(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, days) for v in value]
    if isinstance(value, str) and TS14.match(value):
        return (datetime.strptime(value, "%Y%m%d%H%M%S") + timedelta(days=days)).strftime("%Y%m%d%H%M%S")
    return value


@pytest.fixture(scope="module")
def legacy_import(warehouse, settings, tmp_path_factory):
    from kho.dbt import run_dbt
    from kho.pipeline import import_path
    from sandbox.onestop.generator import Dossiers, SandboxConfig
    from sandbox.onestop.records import render

    old, new = _absorbed_thanh_hoa_commune()
    d = Dossiers(SandboxConfig(dossiers=400, dirty_share=0, legacy_code_share=0))
    base = [r for r in (render(d, i, d.default_clock) for i in range(400))
            if r["TrangThaiHoSo"] in ("9", "10") and len(r["MaDonViXuLy"]) == 5][:3]
    cases = {}
    for label, rec, days, code in (("pre_reform", base[0], -730, old), ("post_reform", base[1], 0, old),
                                   ("unknown", base[2], 0, "99999")):
        rec = _shift(rec, days)
        rec["MaHoSo"] = f"{rec['MaHoSo']}-{label}"
        rec["MaDonViXuLy"] = rec["MaDonViTiepNhan"] = code
        cases[label] = rec
    path = tmp_path_factory.mktemp("export") / "dvcqg-export.json"
    path.write_text(json.dumps(list(cases.values()), ensure_ascii=False), encoding="utf-8")
    with warehouse.connect() as conn:
        conn.execute("drop schema if exists raw_onestop, dq, kho, kho_work, staging, staging_restricted, "
                     "intermediate, marts, reference cascade")
    warehouse.bootstrap()
    _, [summary] = import_path("onestop", path, settings)
    run_dbt(["build", "--select", "+fct_dossiers", "+dossier_unit_months", "+dim_dates"], warehouse, settings)
    return old, new, cases, summary


def test_a_2024_dossier_from_an_absorbed_commune_lands_on_the_new_commune(legacy_import, warehouse):
    old, new, cases, _ = legacy_import
    _, rows = warehouse.query(
        "select dossier_code, unit_code, unit_code_as_sent, unit_code_resolution from marts.fct_dossiers")
    by_case = {code.rsplit("-", 1)[1]: (unit, sent, how) for code, unit, sent, how in rows}
    assert by_case["pre_reform"] == (new, old, "converted_commune")
    assert by_case["post_reform"] == (new, old, "converted_commune_after_reform")
    received = cases["pre_reform"]["NgayTiepNhan"]
    _, [(unit, month, n)] = warehouse.query(
        "select unit_code, to_char(month, 'YYYYMM'), received from marts.dossier_unit_months "
        "where month < '2025-07-01'")
    assert (unit, month, n) == (new, received[:6], 1) and received < "20250701"


def test_an_unknown_unit_code_is_quarantined_not_dropped(legacy_import, warehouse):
    *_, summary = legacy_import
    assert summary["checked"] == 3 and summary["quarantined"] == 1
    _, rows = warehouse.query("select record_key, rule from dq.quarantine order by rule")
    assert [r for _, r in rows] == ["receiving_unit_code_known", "unit_code_known"]
    [key] = {k for k, _ in rows}
    assert key.endswith("-unknown")


def test_unit_history_in_the_warehouse(legacy_import, warehouse):
    _, rows = warehouse.query(
        "select is_current, unit_level, count(*) from marts.dim_units group by 1, 2")
    counts = {(c, lvl): n for c, lvl, n in rows}
    assert counts[(True, "province")] == 34 and counts[(False, "province")] == 63
    assert sum(n for (c, lvl), n in counts.items() if c and lvl != "province") == 3321
    assert sum(n for (c, lvl), n in counts.items() if not c and lvl in ("commune", "ward", "township")) == 10051
    old, new, *_ = legacy_import
    _, [(successor,)] = warehouse.query(
        "select successor_unit_code from marts.dim_units where unit_code = %s and not is_current", (old,))
    assert successor == new
    _, [(tet_working,)] = warehouse.query(
        "select count(*) filter (where is_working_day) from marts.dim_dates "
        "where date_day between '2026-02-16' and '2026-02-20'")
    assert tet_working == 0


def _oids(warehouse, names: list[str]) -> list:
    _, rows = warehouse.query("select to_regclass(n)::oid from unnest(%s::text[]) with ordinality as t (n, i) "
                              "order by i", (names,))
    return [oid for (oid,) in rows]


SEED_VIEWS = ["intermediate.int_unit_codes__resolved", "intermediate.int_units__history"]


def _loaded_by(warehouse, table: str) -> tuple[int, set]:
    """A table's rows and the transactions that wrote them (a reload writes them anew)."""
    _, [(n, xids)] = warehouse.query(f"select count(*), array_agg(distinct xmin::text) from {table}")
    return n, set(xids or ())


def _project_changed_since(warehouse, models: str) -> None:
    """As if the dbt project had changed since these models were built (kho.model_builds, LIKE ``models``)."""
    with warehouse.connect(autocommit=True) as conn:
        conn.execute("update kho.model_builds set project_fingerprint = 'an older project' where model like %s",
                     (models,))


def test_reloading_the_seeds_keeps_the_views_built_on_them(legacy_import, warehouse, settings):
    """A changed project reloads the seeds, two at a time (dbt's threads). Dropping them dropped the views built on
    them (cascade), and two seeds with views in common deadlocked on those views' locks; a seed whose columns are as
    the project declares is emptied and refilled instead."""
    from kho.dbt import run_dbt

    before = _oids(warehouse, SEED_VIEWS)
    conversions_before, written_before = _loaded_by(warehouse, "reference.unit_code_conversions")
    assert None not in before and conversions_before > 0
    _project_changed_since(warehouse, "reference.%")
    statuses = dict(run_dbt(["seed"], warehouse, settings))
    assert {"unit_code_conversions", "admin_units", "province_code_conversions"} <= statuses.keys()
    assert _oids(warehouse, SEED_VIEWS) == before  # the same views, not dropped and made again
    conversions_after, written_after = _loaded_by(warehouse, "reference.unit_code_conversions")
    assert not written_after & written_before  # reloaded
    assert conversions_after == conversions_before  # emptied before the reload, not appended to


def test_views_and_seeds_are_made_again_only_when_what_they_are_made_from_changed(legacy_import, warehouse,
                                                                                 settings):
    """A build of an unchanged project keeps each view and seed as its last build left it (macro file
    unchanged_relations); a changed project, a seed table altered by hand, or a view dropped by its seed's cascade
    makes them again (as --full-refresh does: kho_built_from records nothing to keep then)."""
    from kho.dbt import run_dbt

    view, seed = "intermediate.int_units__departments", "reference.admin_units"  # the view reads the seed
    select = ["build", "--select", "admin_units", "int_units__departments", "--exclude", "resource_type:test"]
    _, views = warehouse.query(VIEWS_SQL)
    [oid] = _oids(warehouse, [view])  # both built, and recorded, by the module's build (the seed reloaded since)
    rows, written = _loaded_by(warehouse, seed)

    run_dbt(select, warehouse, settings)
    assert _oids(warehouse, [view]) == [oid] and _loaded_by(warehouse, seed) == (rows, written)  # kept
    messages = _run_messages(settings)
    assert (messages["model.kho.int_units__departments"], messages["seed.kho.admin_units"]) == ("UNCHANGED",) * 2

    _project_changed_since(warehouse, view)
    run_dbt(select, warehouse, settings)
    [oid2] = _oids(warehouse, [view])
    assert oid2 not in (oid, None) and _loaded_by(warehouse, seed) == (rows, written)  # the view alone made again

    with warehouse.connect(autocommit=True) as conn:  # a column added by hand: the seed's table is dropped (its
        conn.execute(f"alter table {seed} add column left_over text")  # cascade takes the view) and made again
    run_dbt(select, warehouse, settings)
    [oid3] = _oids(warehouse, [view])
    reloaded, written3 = _loaded_by(warehouse, seed)
    assert oid3 not in (oid2, None) and reloaded == rows and not written3 & written
    _, columns = warehouse.query("select column_name from information_schema.columns "
                                 "where table_schema = 'reference' and table_name = 'admin_units'")
    assert "left_over" not in {c for (c,) in columns}
    _make_again_the_views_dropped_since(views, warehouse, settings)  # by the seed's drop (cascade)


def _run_messages(settings) -> dict[str, str]:
    """Each node of the last dbt command and the message its result carried (target/run_results.json)."""
    results = json.loads((settings.dbt_target_dir / "run_results.json").read_text(encoding="utf-8"))["results"]
    return {r["unique_id"]: r["message"] for r in results}


def test_a_seed_whose_columns_changed_is_made_again_one_drop_at_a_time(legacy_import, warehouse, settings):
    """A seed table whose columns differ from the project's (here one it no longer declares) is dropped and created
    again, under an advisory lock that keeps another seed's drop from interleaving with it."""
    import threading
    import time
    from pathlib import Path

    from kho.dbt import run_dbt

    macro = (Path(__file__).parents[1] / "dbt_project/macros/seed_reload.sql").read_text(encoding="utf-8")
    key = int(re.search(r"kho_seed_recreate_lock\(\) %\}\{\{ return\((\d+)\)", macro).group(1))
    _, views = warehouse.query(VIEWS_SQL)
    with warehouse.connect(autocommit=True) as conn:
        conn.execute("alter table reference.calendar_exceptions add column left_over text")
    saw_waiting = threading.Event()

    def hold_the_lock():
        with warehouse.connect(autocommit=True) as conn:
            conn.execute("select pg_advisory_lock(%s)", (key,))
            for _ in range(600):
                if conn.execute("select count(*) from pg_locks where locktype = 'advisory' and not granted "
                                "and (classid::bigint << 32 | objid::bigint) = %s", (key,)).fetchone()[0]:
                    saw_waiting.set()
                    time.sleep(0.3)  # the seed stays blocked while the lock is held
                    break
                time.sleep(0.05)
            conn.execute("select pg_advisory_unlock(%s)", (key,))

    holder = threading.Thread(target=hold_the_lock)
    holder.start()
    try:
        run_dbt(["seed", "--select", "calendar_exceptions"], warehouse, settings)
    finally:
        holder.join()
    assert saw_waiting.is_set()
    _, columns = warehouse.query("select column_name from information_schema.columns "
                                 "where table_schema = 'reference' and table_name = 'calendar_exceptions'")
    assert "left_over" not in {c for (c,) in columns} and "calendar_date" in {c for (c,) in columns}
    _, [(n,)] = warehouse.query("select count(*) from reference.calendar_exceptions")
    assert n > 0
    _make_again_the_views_dropped_since(views, warehouse, settings)  # by the drop


VIEWS_SQL = "select schemaname || '.' || viewname from pg_views where schemaname in ('staging', 'intermediate')"


def _make_again_the_views_dropped_since(views: list[tuple[str]], warehouse, settings) -> None:
    """The views a seed's drop took with it (cascade), made again for the modules after this one."""
    from kho.dbt import run_dbt

    _, left = warehouse.query(VIEWS_SQL)
    if gone := sorted({v.split(".")[1] for (v,) in set(views) - set(left)}):
        run_dbt(["run", "--select", *gone], warehouse, settings)
