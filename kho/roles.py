"""PostgreSQL access for Kho's users: engineers read everything, analysts read the marts and reference data,
each department (a commune's or a provincial department's login role) reads only its units' rows.

Group roles ``kho_engineer``, ``kho_analyst`` and ``kho_department`` are created by the bootstrap; this module
creates the login roles of departments, records which units each may see (``security.department_units``) and
grants the schemas. Grants and row-level security on each mart are applied by dbt after every build
(``security.protect_mart``), against the group roles, so they hold for departments added later.
Department roles: one per current commune of the province (``kho_unit_<code>``), one per department or agency in the
province's department register once the warehouse holds it (``kho_unit_38_stp`` for ``38.STP``: it sees its own
rows and those of the units under it), plus those listed in the file ``KHO_DEPARTMENTS_FILE`` (TOML, kept out of
the repository)::

    [departments.kho_dept_tu_phap]        # login role name
    units = ["14758", "14797"]            # unit codes it may see
    password_env = "KHO_DEPT_TU_PHAP_PW"  # optional: environment variable holding its password
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

from psycopg import sql

from kho.core.settings import KhoSettings
from kho.core.warehouse import Warehouse
from kho.domain.units import communes_of

ANALYST_SCHEMAS = ("marts", "reference")
READER_GROUPS = ("kho_engineer", "kho_analyst", "kho_department")
AUDITED_GROUPS = ("kho_analyst", "kho_department")  # every statement they run goes to the server log


# (member, superuser, bypassrls, group) for every role granted a reader group, directly or through other roles
# (pg_has_role would also call every superuser a member)
READER_MEMBERS = """
    with recursive members (member, grp) as (
        select m.member, g.rolname from pg_auth_members m join pg_roles g on g.oid = m.roleid
        where g.rolname = any(%s)
        union
        select m.member, x.grp from pg_auth_members m join members x on m.roleid = x.member
    )
    select r.rolname, r.rolsuper, r.rolbypassrls, x.grp from members x join pg_roles r on r.oid = x.member"""


class UnsafeReaderRole(RuntimeError):
    """A reader role that could skip the row-level security and grants meant for it."""


def harden_readers(conn) -> list[str]:
    """Readers never bypass row-level security: a reader login that is a superuser is refused, BYPASSRLS is taken
    away; analysts' and departments' logins get ``log_statement = all`` (who read what, for an auditor).
    Returns the audited login roles. Run again after adding people (``kho roles``)."""
    rows = conn.execute(READER_MEMBERS, (list(READER_GROUPS),)).fetchall()
    supers = sorted({r[0] for r in rows if r[1]})
    if supers:
        raise UnsafeReaderRole(f"reader roles that are superusers (they would see every row): {supers}; "
                               "take SUPERUSER away or the role out of the kho_* reader groups")
    groups = {r[0] for r in conn.execute("select rolname from pg_roles where rolname = any(%s) and rolbypassrls",
                                          (list(READER_GROUPS),))}
    for role in sorted({r[0] for r in rows if r[2]} | groups):
        conn.execute(sql.SQL("alter role {} nobypassrls").format(sql.Identifier(role)))
    audited = sorted({r[0] for r in rows if r[3] in AUDITED_GROUPS})
    for role in audited:
        conn.execute(sql.SQL("alter role {} set log_statement = 'all'").format(sql.Identifier(role)))
    return audited



@dataclass(frozen=True)
class Department:
    role: str
    units: tuple[str, ...]
    password_env: str | None = None


# the province's departments and agencies with the units under them, from the register as the warehouse models it
REGISTERED_DEPARTMENTS = """
    select d.unit_code, array_agg(distinct u.unit_code order by u.unit_code)
    from marts.dim_units as d
    join marts.dim_units as u on u.is_current and (u.unit_code = d.unit_code or u.parent_unit_code = d.unit_code)
    where d.is_current and d.unit_level in ('department', 'department_unit') and d.province_code = %s
    group by d.unit_code order by d.unit_code"""


def role_name(unit_code: str) -> str:
    """``kho_unit_<code>``, the code lower-cased with anything but letters and digits as ``_`` (38.STP → 38_stp)."""
    return "kho_unit_" + "".join(c if c.isalnum() else "_" for c in unit_code.lower())


def registered_departments(wh: Warehouse, province_code: str) -> list[Department]:
    """A role per department of the province's register; none before the warehouse models the register."""
    with wh.connect() as conn:
        if conn.execute("select to_regclass('marts.dim_units')").fetchone()[0] is None:
            return []
        rows = conn.execute(REGISTERED_DEPARTMENTS, (province_code,)).fetchall()
    return [Department(role_name(code), tuple(units)) for code, units in rows]


def departments(settings: KhoSettings, wh: Warehouse | None = None) -> list[Department]:
    out = [Department(role_name(u.code), (u.code,)) for u in communes_of(settings.province_code)]
    if wh is not None:
        out += registered_departments(wh, settings.province_code)
    path = settings.departments_file
    if path and Path(path).exists():
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        for role, spec in data.get("departments", {}).items():
            out.append(Department(role, tuple(str(u) for u in spec.get("units", [])), spec.get("password_env")))
    return out


def apply_roles(wh: Warehouse, settings: KhoSettings) -> dict:
    """Create or update department login roles, their units and the schema grants (idempotent)."""
    deps = departments(settings, wh)
    with wh.connect() as conn:
        existing = {r[0] for r in conn.execute("select rolname from pg_roles")}
        for dep in deps:
            password = os.environ.get(dep.password_env) if dep.password_env else None
            if password:  # sent as its SCRAM verifier (as psql's \password does): the password is in no SQL text
                password = conn.pgconn.encrypt_password(password.encode(), dep.role.encode(),
                                                        b"scram-sha-256").decode()
            verb = "alter" if dep.role in existing else "create"
            stmt = sql.SQL("{} role {} login" + (" password {}" if password else "")).format(
                sql.SQL(verb), sql.Identifier(dep.role), *([sql.Literal(password)] if password else []))
            conn.execute(stmt)
            conn.execute(sql.SQL("grant kho_department to {}").format(sql.Identifier(dep.role)))
        conn.execute("delete from security.department_units")
        with conn.cursor() as cur:
            cur.executemany("insert into security.department_units values (%s, %s) on conflict do nothing",
                            [(d.role, u) for d in deps for u in d.units])
        conn.execute("grant pg_read_all_data to kho_engineer")
        for schema in ANALYST_SCHEMAS:
            conn.execute(f"create schema if not exists {schema}")
            conn.execute(f"grant usage on schema {schema} to kho_analyst, kho_department")
        conn.execute("grant select on all tables in schema reference to kho_analyst, kho_department")
        conn.execute("grant usage on schema security to kho_department")
        conn.execute("grant select on security.department_units to kho_department")
        audited = harden_readers(conn)
    return {"departments": len(deps), "units": sum(len(d.units) for d in deps), "audited": len(audited)}

