"""Schema management: numbered migrations recorded in the warehouse, applied once, by an explicit step.

``kho/core/sql/migrations/NNNN_name.sql`` are applied in order, each in its own transaction with its row in
``kho.schema_migrations`` (name and SHA-256), under an advisory lock so that two task processes starting at once
apply a step once. The raw tables are generated from the registered sources' contracts (``kho.core.raw_tables``):
that step is recorded with the checksum of the DDL it ran, and runs again when a contract changes (a new source, a
new column). A recorded migration whose file changed afterwards is an error: write a new migration instead.

``kho migrate`` (and the bootstrap of ``kho demo``) runs them; ``Warehouse.open()`` only checks, with one query,
that the warehouse is current, and migrates when it is not and ``KHO_AUTO_MIGRATE`` is on (the default, so a
first DAG run on a new warehouse prepares it); with it off, it refuses to go on and says to run ``kho migrate``.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from importlib import resources

import psycopg

log = logging.getLogger(__name__)
CONTRACTS = "contracts"  # the schema_migrations row of the raw tables generated from the contracts
LOCK_ID = 0x6B686F  # pg_advisory_xact_lock key: "kho"

LEDGER_DDL = """
create schema if not exists kho;
create table if not exists kho.schema_migrations (
    version     text primary key,          -- NNNN_name of a numbered migration, or 'contracts'
    checksum    text not null,             -- SHA-256 of the SQL that was applied
    applied_at  timestamptz not null default now()
);"""


class SchemaBehind(RuntimeError):
    """The warehouse lacks migrations this code needs, and automatic migration is off."""


class MigrationChanged(RuntimeError):
    """A migration already applied to this warehouse has since been edited."""


@dataclass(frozen=True)
class Migration:
    version: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def numbered() -> list[Migration]:
    folder = resources.files("kho.core").joinpath("sql", "migrations")
    files = sorted(f for f in folder.iterdir() if f.name.endswith(".sql") and f.name[:4].isdigit())
    return [Migration(f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in files]


def contracts() -> Migration:
    from kho.core.raw_tables import contract_ddl

    return Migration(CONTRACTS, contract_ddl())


def expected() -> dict[str, str]:
    """version -> checksum of every step this code needs."""
    return {m.version: m.checksum for m in [*numbered(), contracts()]}


def applied(conn: psycopg.Connection) -> dict[str, str] | None:
    """version -> checksum recorded in the warehouse (None: never migrated)."""
    if conn.execute("select to_regclass('kho.schema_migrations')").fetchone()[0] is None:
        return None
    return dict(conn.execute("select version, checksum from kho.schema_migrations").fetchall())


def _is_due(version: str, checksum: str, recorded: str | None) -> bool:
    """Whether a step must run: never applied, or the contracts' DDL changed. An edited numbered migration is
    refused."""
    if recorded == checksum:
        return False
    if recorded is not None and version != CONTRACTS:
        raise MigrationChanged(f"migration {version} was applied to this warehouse and has since been edited: "
                               "restore it and write the change as a new numbered migration")
    return True


def pending(conn: psycopg.Connection) -> list[str]:
    """The steps not applied, or (for the contracts) applied from other DDL; refuses edited migrations."""
    done = applied(conn) or {}
    return [version for version, checksum in expected().items() if _is_due(version, checksum, done.get(version))]


def migrate(conn: psycopg.Connection) -> list[str]:
    """Apply every pending step (autocommit connection: one transaction per step); returns what was applied."""
    with conn.transaction():  # `create … if not exists` races between processes: under the lock too
        conn.execute("select pg_advisory_xact_lock(%s)", (LOCK_ID,))
        conn.execute(LEDGER_DDL)
    ran = []
    for step in [*numbered(), contracts()]:
        with conn.transaction():
            conn.execute("select pg_advisory_xact_lock(%s)", (LOCK_ID,))
            done = conn.execute("select checksum from kho.schema_migrations where version = %s",
                                (step.version,)).fetchone()
            if not _is_due(step.version, step.checksum, done[0] if done else None):
                continue  # applied before, or meanwhile by another process
            conn.execute(step.sql)
            conn.execute("insert into kho.schema_migrations (version, checksum) values (%s, %s) "
                         "on conflict (version) do update set checksum = excluded.checksum, applied_at = now()",
                         (step.version, step.checksum))
            ran.append(step.version)
            log.info("migration %s applied", step.version)
    return ran
