"""Who can read what, tried as real login roles over TCP with passwords (not the trusted unix socket) on the warehouse
the e2e pipeline built: an analyst, a department, an engineer. Then the places key material could leak to, the
re-identification an insider would try, the audit log, and a key rotation."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import time
from pathlib import Path

import psycopg
import pytest
from personal_data import raw_personal_data

from kho.core.pseudonyms import key_pads
from kho.core.settings import PROJECT_ROOT, KhoSettings, get_settings

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

RESTRICTED = ("raw_onestop.dossiers", "raw_documents.edocs", "raw_civil_status.births", "raw_population.checks",
              "staging.stg_onestop__dossiers", "intermediate.int_onestop__dossiers_resolved", "dq.quarantine",
              "kho.batches")
PASSWORDS = {role: secrets.token_urlsafe(16) for role in ("t_analyst", "t_engineer", "t_dept")}


@pytest.fixture(scope="module")
def logins(pipeline_run, warehouse, settings, tmp_path_factory, monkeypatch_module):
    """t_analyst and t_engineer made by hand (as a DBA would), t_dept from a departments file, all with passwords;
    then `kho roles` (apply_roles) as an operator runs it."""
    from kho.roles import apply_roles

    _, [(unit,)] = warehouse.query("select unit_code from marts.fct_dossiers group by 1 order by count(*) desc limit 1")
    with warehouse.connect(autocommit=True) as conn:
        for login, group in (("t_analyst", "kho_analyst"), ("t_engineer", "kho_engineer")):
            conn.execute(f"drop role if exists {login}")
            conn.execute(f"create role {login} login password '{PASSWORDS[login]}' in role {group}")
    deps = tmp_path_factory.mktemp("departments") / "departments.toml"
    deps.write_text(f'[departments.t_dept]\nunits = ["{unit}"]\npassword_env = "T_DEPT_PW"\n', encoding="utf-8")
    monkeypatch_module.setenv("T_DEPT_PW", PASSWORDS["t_dept"])
    result = apply_roles(warehouse, settings.model_copy(update={"departments_file": deps}))
    assert result["audited"] >= 2

    def connect(role: str, password: str | None = None) -> psycopg.Connection:
        return psycopg.connect(host="127.0.0.1", port=settings.embedded_port, dbname=warehouse.dbname, user=role,
                               password=PASSWORDS[role] if password is None else password, autocommit=True,
                               connect_timeout=10)

    connect.unit = unit
    return connect


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_logins_need_their_password_over_tcp(logins, settings):
    with logins("t_analyst") as conn:
        assert conn.execute("select current_user, inet_server_addr() is not null").fetchone() == ("t_analyst", True)
    for role, password in (("t_analyst", "wrong"), ("t_dept", ""), ("postgres", "")):
        with pytest.raises(psycopg.OperationalError, match="password"):
            logins(role, password) if role != "postgres" else psycopg.connect(
                host="127.0.0.1", port=settings.embedded_port, dbname="kho", user="postgres", password="x",
                connect_timeout=10)


def test_analyst_reads_marts_and_reference_only(logins, warehouse):
    with logins("t_analyst") as analyst:
        for table in (*RESTRICTED, "kho_secure.pseudonym_keys", "security.department_units"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                analyst.execute(f"select * from {table} limit 1")
        for call in ("kho_secure.pseudonymize('001090000001')", "kho_secure.active_key_version()",
                     "kho_secure.ensure_key('\\x00', '\\x00')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                analyst.execute(f"select {call}")
        total = warehouse.query("select count(*) from marts.fct_dossiers")[1][0][0]
        assert analyst.execute("select count(*) from marts.fct_dossiers").fetchone()[0] == total > 0
        assert analyst.execute("select count(*) from reference.admin_units").fetchone()[0] > 3000


def test_engineer_reads_everything_but_the_key(logins, warehouse):
    with logins("t_engineer") as engineer:
        for table in RESTRICTED:
            if table.startswith(("staging.", "intermediate.")):
                continue
            engineer.execute(f"select * from {table} limit 1")
        # the staging views that pseudonymize call the key holder's function: the transform role's only
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="pseudonymize"):
            engineer.execute("select owner_id_pseudonym from staging.stg_onestop__dossiers limit 1")
        assert engineer.execute("select count(*) from marts.fct_dossiers").fetchone()[0] > 0
        # pg_read_all_data reaches the key table, whose row-level security has no policy for anyone
        assert engineer.execute("select count(*) from kho_secure.pseudonym_keys").fetchone()[0] == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            engineer.execute("select kho_secure.pseudonymize('001090000001')")
    assert warehouse.query("select count(*) from kho_secure.pseudonym_keys")[1][0][0] >= 1  # the owner's view


def _mart_row_filters() -> dict[str, str]:
    manifest = json.loads((get_settings().dbt_target_dir / "manifest.json").read_text())
    return {n["name"]: (n["config"].get("meta") or {}).get("row_filter", "unit_code")
            for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"}


def test_a_department_sees_its_units_rows_and_nothing_else(logins, warehouse):
    unit, filters = logins.unit, _mart_row_filters()
    _, marts = warehouse.query("select c.relname, c.relkind, c.relrowsecurity, has_table_privilege('t_dept', c.oid, "
                               "'select') from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                               "where n.nspname = 'marts' and c.relkind in ('r', 'v', 'm')")
    readable = [m for m in marts if m[3]]
    assert len(readable) >= 20
    with logins("t_dept") as dept:
        for name, kind, rls, _ in readable:
            assert kind == "r", f"a department can read the view marts.{name}, which skips the policies under it"
            column = filters[name]
            if column == "shared":
                assert not any("pseudonym" in c for c in _columns(warehouse, name)), name
                continue
            assert rls, f"marts.{name} has a unit and no row-level security"
            _, [(mine,)] = warehouse.query(f"select count(*) from marts.{name} where {column} = %s", (unit,))
            got = dept.execute(f"select count(*), count(*) filter (where {column} is distinct from %s) "
                               f"from marts.{name}", (unit,)).fetchone()
            assert got == (mine, 0), name
        for table in RESTRICTED:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                dept.execute(f"select * from {table} limit 1")
        assert dept.execute("select array_agg(distinct role_name), array_agg(unit_code) "
                            "from security.department_units").fetchone() == (["t_dept"], [unit])
        assert dept.execute("select count(*) from marts.dim_units").fetchone()[0] > 3000  # shared: all units
    assert dict((r[0], r[2]) for r in marts)["fct_dossiers"]


def test_each_registered_department_reads_its_own_and_its_units_rows(logins, warehouse):
    """`kho roles` gives every department of the province's register a role (38.SNNMT → kho_unit_38_snnmt) that
    sees its rows and those of the units under it (Văn phòng Đăng ký đất đai, Chi cục Kiểm lâm), nothing else."""
    _, rows = warehouse.query("select unit_code from marts.dim_units where is_current "
                              "and (unit_code = '38.SNNMT' or parent_unit_code = '38.SNNMT')")
    family = {r[0] for r in rows}
    assert family == {"38.SNNMT", "38.VPDKDD", "38.CCKL", "38.CCTL"}
    _, rows = warehouse.query("select unit_code, count(*) from marts.fct_dossiers group by 1")
    counts = dict(rows)
    with warehouse.connect() as conn:
        conn.execute("set role kho_unit_38_snnmt")
        seen = dict(conn.execute("select unit_code, count(*) from marts.fct_dossiers group by 1").fetchall())
        tasks = conn.execute("select count(*) from marts.plan02_tasks").fetchone()[0]
        conn.execute("set role kho_unit_38_vpub")
        owned = conn.execute("select array_agg(distinct owner_unit_code) from marts.plan02_tasks").fetchone()[0]
    assert seen == {u: n for u, n in counts.items() if u in family} and len(seen) >= 3
    assert tasks == 0 and owned == ["38.VPUB"]  # the Office of the People's Committee leads tasks; Agriculture none


def _columns(warehouse, table: str) -> list[str]:
    return [r[0] for r in warehouse.query("select column_name from information_schema.columns "
                                          "where table_schema = 'marts' and table_name = %s", (table,))[1]]


def test_no_reader_role_can_bypass_row_level_security(logins, warehouse):
    from kho.roles import READER_GROUPS, READER_MEMBERS

    _, members = warehouse.query(READER_MEMBERS, (list(READER_GROUPS),))
    assert {"t_analyst", "t_engineer", "t_dept"} <= {m[0] for m in members}
    assert [m for m in members if m[1] or m[2]] == []
    _, groups = warehouse.query("select rolname from pg_roles where rolname = any(%s) and (rolsuper or rolbypassrls)",
                                (list(READER_GROUPS),))
    assert groups == []
    from kho.roles import UnsafeReaderRole, harden_readers

    with warehouse.connect(autocommit=True) as conn:  # kho roles takes BYPASSRLS away, and refuses a superuser
        conn.execute("drop role if exists t_bypass")
        conn.execute("create role t_bypass login bypassrls in role kho_department")
        harden_readers(conn)
        assert not conn.execute("select rolbypassrls from pg_roles where rolname = 't_bypass'").fetchone()[0]
        conn.execute("alter role t_bypass superuser")
        with pytest.raises(UnsafeReaderRole, match="t_bypass"):
            harden_readers(conn)
        conn.execute("drop role t_bypass")
    # a reader owning a mart would skip its policies unless forced: protect_mart forces them then
    with warehouse.connect(autocommit=True) as conn:
        conn.execute("create table marts.t_owned_by_analyst as select unit_code from marts.dim_units limit 5")
        conn.execute("alter table marts.t_owned_by_analyst owner to t_analyst")
        conn.execute("select security.protect_mart('marts.t_owned_by_analyst'::regclass, 'unit_code')")
        forced = conn.execute("select relforcerowsecurity from pg_class "
                              "where oid = 'marts.t_owned_by_analyst'::regclass").fetchone()[0]
        conn.execute("drop table marts.t_owned_by_analyst")
    assert forced


def test_protecting_a_protected_mart_again_waits_for_no_reader(logins, warehouse):
    """Every build of an incremental mart runs protect_mart again: while a reader holds the mart (another dbt thread,
    an analyst, a report), that post-hook takes no lock that would queue behind it. A new row filter still replaces
    the department policy."""
    own_units = ("select pg_get_expr(polqual, polrelid) from pg_policy "
                 "where polrelid = 'marts.t_reread'::regclass and polname = 'kho_own_units'")
    with warehouse.connect(autocommit=True) as setup:
        setup.execute("drop table if exists marts.t_reread")
        setup.execute("create table marts.t_reread as select unit_code, unit_code as owner_unit_code "
                      "from marts.dim_units limit 5")
        setup.execute("select security.protect_mart('marts.t_reread'::regclass, 'unit_code')")
    try:
        with warehouse.connect() as reader, warehouse.connect(autocommit=True) as hook:
            reader.execute("select count(*) from marts.t_reread")  # its transaction holds the table until it ends
            hook.execute("set lock_timeout = '2s'")
            hook.execute("select security.protect_mart('marts.t_reread'::regclass, 'unit_code')")
            reader.rollback()
            assert "unit_code IN" in hook.execute(own_units).fetchone()[0]
            hook.execute("select security.protect_mart('marts.t_reread'::regclass, 'owner_unit_code')")
            assert "owner_unit_code IN" in hook.execute(own_units).fetchone()[0]
            with pytest.raises(psycopg.errors.LockNotAvailable):  # the old function: alter table waits for the reader
                reader.execute("select count(*) from marts.t_reread")
                hook.execute("set lock_timeout = '200ms'")
                hook.execute("alter table marts.t_reread enable row level security")
    finally:
        with warehouse.connect(autocommit=True) as conn:
            conn.execute("drop table if exists marts.t_reread")


def _needles(settings: KhoSettings) -> dict[str, bytes]:
    key = settings.pseudonym_key.get_secret_value()
    ipad, opad = key_pads(settings)
    out = {"key": key.encode(), "key hex": key.encode().hex().encode(), "inner pad": ipad, "outer pad": opad}
    for name, pad in (("inner pad", ipad), ("outer pad", opad)):
        out[f"{name} hex"] = pad.hex().encode()
        out[f"{name} HEX"] = pad.hex().upper().encode()
    return out


def _catalog_texts(conn) -> list[tuple[str, str]]:
    return conn.execute("""
        select 'view ' || schemaname || '.' || viewname, definition from pg_views
        union all select 'matview ' || schemaname || '.' || matviewname, definition from pg_matviews
        union all select 'function ' || p.oid::regprocedure::text, coalesce(p.prosrc, '') || ' '
                         || coalesce(array_to_string(p.proconfig, ' '), '') from pg_proc p
        union all select 'policy ' || schemaname || '.' || tablename || '.' || policyname,
                         coalesce(qual, '') || ' ' || coalesce(with_check, '') from pg_policies
        union all select 'rule ' || schemaname || '.' || rulename, definition from pg_rules
        union all select 'trigger ' || tgname, pg_get_triggerdef(oid) from pg_trigger
        union all select 'default ' || adrelid::regclass::text, pg_get_expr(adbin, adrelid) from pg_attrdef
        union all select 'comment ' || objoid::text, description from pg_description
        union all select 'role setting', array_to_string(setconfig, ' ') from pg_db_role_setting
        union all select 'statement ' || pid::text, coalesce(query, '') from pg_stat_activity""").fetchall()


def test_no_key_material_in_the_catalog_artifacts_logs_or_files(logins, warehouse, settings):
    """The catalog as every role reads it, dbt's artifacts, Airflow's logs and metadata database (rendered fields,
    XCom), the landing zone, reports, Data Docs and the server's own log: none holds the key or either pad."""
    from kho.dbt import build_docs

    needles = _needles(settings)
    docs = build_docs(warehouse, settings)  # `kho docs`: the dbt docs site, scanned with the rest
    assert "fct_dossiers" in docs.read_text(encoding="utf-8")
    with logins("t_analyst") as analyst:
        texts = _catalog_texts(analyst)
    assert any("kho_secure.pseudonymize" in t for _, t in texts)  # the staging views call the key holder
    found = [(where, name) for where, text in texts for name, n in needles.items() if n.decode("latin-1") in text]
    roots = {"dbt artifacts": settings.dbt_target_dir, "dbt log": settings.dbt_log_dir,
             "dbt in the checkout": PROJECT_ROOT / "dbt_project" / "target", "airflow": settings.airflow_home,
             "landing": settings.landing, "reports": settings.reports_dir, "data docs": settings.gx_docs_dir,
             "server log": settings.pgdata / "pg_log", "docs site": docs.parent}
    scanned = {}
    for label, root in roots.items():
        files = [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []
        scanned[label] = len(files)
        for path in files:
            data = path.read_bytes()
            found += [(str(path), name) for name, n in needles.items() if n in data]
    server_log = settings.pgdata / "log"
    found += [(str(server_log), name) for name, n in needles.items() if n in server_log.read_bytes()]
    assert not found, found[:10]
    assert (settings.dbt_target_dir / "manifest.json").exists()
    assert (settings.airflow_home / "airflow.db").exists()
    assert min(scanned["dbt artifacts"], scanned["dbt log"], scanned["airflow"], scanned["landing"],
               scanned["server log"], scanned["docs site"]) > 0, scanned
    import sqlite3

    with sqlite3.connect(settings.airflow_home / "airflow.db") as db:  # rendered fields were there to be scanned
        assert db.execute("select count(*) from rendered_task_instance_fields").fetchone()[0] > 0


def test_an_analyst_cannot_find_a_citizen_by_id(logins, warehouse):
    """Given citizen IDs as they were entered, an analyst tries what can be computed without the key (plain hashes,
    the development key, an empty key, with and without the version prefix) against every pseudonym column."""
    raw_ids, _ = raw_personal_data(warehouse)
    ids = sorted(i for i in raw_ids if len(i) == 12)[:300]
    guesses = set()
    for i in ids:
        for key in (b"", b"kho-dev-only-pseudonym-key"):
            guesses.add(hmac.new(key, i.encode(), hashlib.sha256).hexdigest())
        guesses |= {hashlib.sha256(i.encode()).hexdigest(), hashlib.md5(i.encode()).hexdigest(), i}
    guesses |= {f"{v}:{g}" for g in list(guesses) for v in (1, 2)}
    _, cols = warehouse.query("select table_name, column_name from information_schema.columns "
                              "where table_schema = 'marts' and column_name like '%%pseudonym%%'")
    assert cols  # fct_dossiers.owner_id_pseudonym: the marts keep the ID pseudonym, never a name
    with logins("t_analyst") as analyst:
        values = set()
        for table, column in cols:
            values |= {r[0] for r in analyst.execute(f"select distinct {column}::text from marts.{table}")}
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            analyst.execute("select kho_secure.pseudonymize(%s)", (ids[0],))
    assert not values & guesses
    # the control: with the key holder's function the same IDs are found, so the attempt above could have succeeded
    _, rows = warehouse.query("select kho_secure.pseudonymize(x) from unnest(%s::text[]) x", (ids,))
    assert {r[0] for r in rows} & values


def test_what_analysts_and_departments_read_is_logged_per_role(logins, settings):
    probe = secrets.token_hex(6)
    for role in ("t_analyst", "t_dept"):
        with logins(role) as conn:
            conn.execute(f"select count(*) from marts.fct_dossiers /* audit {probe} */")
    with logins("t_engineer") as conn:
        conn.execute(f"select 1 /* engineer {probe} */")
    deadline, lines = time.monotonic() + 10, []
    while time.monotonic() < deadline:
        lines = [ln for p in (settings.pgdata / "pg_log").glob("postgresql-*.log")
                 for ln in p.read_text(errors="replace").splitlines() if probe in ln]
        if len(lines) >= 2:
            break
        time.sleep(0.2)
    assert any("t_analyst@kho" in ln and "fct_dossiers" in ln for ln in lines), lines
    assert any("t_dept@kho" in ln and "fct_dossiers" in ln for ln in lines), lines
    assert not any("t_engineer@" in ln for ln in lines)  # engineers are not statement-logged (README, Security)


FIGURES = (
    "select match_status, match_method, count(*) from marts.civil_registration_dossier_links group by 1, 2 "
    "order by 1, 2",
    "select verified_status, count(*) from marts.fct_civil_registrations group by 1 order by 1",
    "select match_method, count(*) from marts.dossier_document_links group by 1 order by 1",
    "select count(*), count(distinct owner_id_pseudonym) from marts.fct_dossiers",
    "select status, count(*), count(distinct id_pseudonym) from raw_population.checks group by 1 order by 1",
)


def _pseudonyms(wh) -> set[str]:
    _, cols = wh.query("select table_schema, table_name, column_name from information_schema.columns "
                       "where table_schema in ('marts', 'raw_population') and column_name like '%%pseudonym%%' "
                       "or (table_schema = 'raw_population' and column_name = 'check_key')")
    return {r[0] for s, t, c in cols for r in wh.query(f"select distinct {c}::text from {s}.{t}")[1] if r[0]}


@pytest.mark.changes_pipeline_run(4)  # a new key version: every pseudonym of the shared run changes
def test_rotating_the_key_rebuilds_every_pseudonym_and_erases_the_old_key(pipeline_run, warehouse, settings,
                                                                          monkeypatch):
    """On a copy of the e2e warehouse (its own key table): rotate to a new key, rebuild, erase the old one."""
    from pydantic import SecretStr

    from kho.core.pseudonyms import PseudonymKeyMismatch
    from kho.core.warehouse import Warehouse
    from kho.dbt import build_args, run_dbt
    from kho.key_rotation import rotate

    for var in ("KHO_PG_DBNAME", "KHO_PG_HOST", "KHO_PG_PORT"):  # run_dbt points dbt at the copy: restore after
        monkeypatch.setenv(var, __import__("os").environ.get(var, ""))
    copy = Warehouse(host=warehouse.host, port=warehouse.port, user=warehouse.user, password="", dbname="kho_rotation")

    def admin(statement: str) -> None:
        with psycopg.connect(host=warehouse.host, port=warehouse.port, user=warehouse.user, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute("select pg_terminate_backend(pid) from pg_stat_activity "
                         "where datname in (%s, 'kho_rotation') and pid <> pg_backend_pid()", (warehouse.dbname,))
            conn.execute(statement)

    admin(f"create database kho_rotation template {warehouse.dbname}")
    try:
        before = [copy.query(q)[1] for q in FIGURES]
        old = _pseudonyms(copy)
        assert old and all(p.startswith("1:") for p in old)
        new = settings.model_copy(update={"pseudonym_key": SecretStr("rotated-" + secrets.token_urlsafe(24))})
        with pytest.raises(PseudonymKeyMismatch, match="kho pseudonyms rotate"):
            copy.bootstrap(new)
        r = rotate(copy, new, lambda: run_dbt(build_args(full_refresh=True), copy, new))
        assert (r.from_version, r.to_version, r.keys_destroyed, r.resumed) == (1, 2, 1, False)
        assert r.checks_rekeyed == copy.query("select count(*) from raw_population.checks")[1][0][0] > 0
        assert [copy.query(q)[1] for q in FIGURES] == before  # every link and figure holds under the new key
        fresh = _pseudonyms(copy)
        assert fresh and all(p.startswith("2:") for p in fresh) and not fresh & old
        _, rows = copy.query("select r.sogiaytochuhoso, f.owner_id_pseudonym from marts.fct_dossiers f join "
                             "raw_onestop.dossiers r on r.mahoso = f.dossier_code and r._batch_id = f.batch_id "
                             "where r.sogiaytochuhoso <> '' limit 50")
        key = new.pseudonym_key.get_secret_value().encode()
        assert rows and all(p == "2:" + hmac.new(key, i.encode(), hashlib.sha256).hexdigest() for i, p in rows)
        assert copy.query("select version, is_active, ipad is null and opad is null, destroyed_at is not null "
                          "from kho_secure.pseudonym_keys order by version")[1] == [(1, False, True, True),
                                                                                   (2, True, False, False)]
        with pytest.raises(PseudonymKeyMismatch):
            copy.bootstrap(settings)  # the old key is no longer the warehouse's
        copy.bootstrap(new)
        with pytest.raises(RuntimeError, match="already the active key"):
            rotate(copy, new, lambda: None)
    finally:
        admin("drop database if exists kho_rotation")


# what says whether a person has a criminal record: the result, the agencies' answers, and staging's typed columns
CRIMINAL_RECORD_COLUMNS = {"ketqua", "danhsachxacminh", "has_criminal_record", "checks"}
CRIMINAL_RECORD_TABLES = ("raw_judicial.requests", "staging_restricted.stg_judicial__requests")


def test_only_engineers_can_see_an_individual_criminal_record(logins, warehouse):
    """Judicial results are sensitive (Decree 13/2023): the engineer reads them where they are kept, no other role
    reads them anywhere, and nothing a reader can select carries a column derived from them."""
    _, [(with_record,)] = warehouse.query(
        "select count(*) from staging_restricted.stg_judicial__requests where has_criminal_record")
    assert with_record > 0, "the sandbox draws people with a record: the test would prove nothing"
    with logins("t_engineer") as engineer:
        for table in CRIMINAL_RECORD_TABLES:
            engineer.execute(f"select * from {table} limit 1")
    for role in ("t_analyst", "t_dept"):
        with logins(role) as reader:
            for table in CRIMINAL_RECORD_TABLES:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    reader.execute(f"select * from {table} limit 1")
            # every column of every relation this role may select from (directly, not through a function)
            visible = reader.execute("""
                select c.table_schema, c.table_name, c.column_name
                from information_schema.columns c
                where c.table_schema not in ('pg_catalog', 'information_schema')
                  and has_column_privilege(current_user,
                        format('%I.%I', c.table_schema, c.table_name), c.column_name, 'SELECT')""").fetchall()
            assert visible, role
            leaked = [v for v in visible if v[2] in CRIMINAL_RECORD_COLUMNS]
            assert not leaked, (role, leaked)
    # and no model outside the restricted schemas selects a sensitive column (comments aside): marts, reference
    # and intermediate read int_judicial__requests, which carries none
    manifest = json.loads((get_settings().dbt_target_dir / "manifest.json").read_text())
    sensitive = re.compile(r"\b(has_criminal_record|ketqua|ketquaxacminh)\b", re.IGNORECASE)
    outside = {n["name"]: (PROJECT_ROOT / "dbt_project" / n["original_file_path"]).read_text()
               for n in manifest["nodes"].values()
               if n["resource_type"] == "model" and n["schema"] in ("marts", "reference", "intermediate")}
    assert "judicial_record_unit_months" in outside
    assert not [m for m, text in outside.items()
                if sensitive.search(re.sub(r"--[^\n]*|\{#.*?#\}", "", text, flags=re.DOTALL))]
