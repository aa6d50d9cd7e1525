"""PostgreSQL access for Kho's users: engineers read everything, analysts read the marts and reference data,
each department (a commune's or a provincial department's login role) reads only its units' rows.

Group roles ``kho_engineer``, ``kho_analyst`` and ``kho_department`` are created by the bootstrap; this module
creates the login roles of departments, records which units each may see (``security.department_units``) and
grants the schemas. Grants and row-level security on each mart are applied by dbt after every build
(``security.protect_mart``), against the group roles, so they hold for departments added later.
Department roles: one per current commune of the province (``kho_unit_<code>``), plus those listed in the file
``KHO_DEPARTMENTS_FILE`` (TOML, kept out of the repository)::

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

from kho.settings import KhoSettings
from kho.units import communes_of
from kho.warehouse import Warehouse

ANALYST_SCHEMAS = ("marts", "reference")


@dataclass(frozen=True)
class Department:
    role: str
    units: tuple[str, ...]
    password_env: str | None = None


def departments(settings: KhoSettings) -> list[Department]:
    out = [Department(f"kho_unit_{u.code}", (u.code,)) for u in communes_of(settings.province_code)]
    path = settings.departments_file
    if path and Path(path).exists():
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        for role, spec in data.get("departments", {}).items():
            out.append(Department(role, tuple(str(u) for u in spec.get("units", [])), spec.get("password_env")))
    return out


def apply_roles(wh: Warehouse, settings: KhoSettings) -> dict:
    """Create or update department login roles, their units and the schema grants (idempotent)."""
    deps = departments(settings)
    with wh.connect() as conn:
        existing = {r[0] for r in conn.execute("select rolname from pg_roles")}
        for dep in deps:
            password = os.environ.get(dep.password_env) if dep.password_env else None
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
    return {"departments": len(deps), "units": sum(len(d.units) for d in deps)}

