"""The warehouse: an external PostgreSQL when ``KHO_WAREHOUSE_URL`` is set, else the embedded one.

The embedded server is pgserver (PostgreSQL 16) on a project-local data directory, reached over a unix socket.
Running as root, pgserver creates a ``pgserver`` system user and runs PostgreSQL as that user (PostgreSQL refuses
to run as root), so CI and root shells work unchanged.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg.conninfo import conninfo_to_dict

from kho.core.embedded_pg import configure_server
from kho.core.settings import KhoSettings, get_settings

log = logging.getLogger(__name__)
EMBEDDED_DB = "kho"


class WarehouseUnavailable(RuntimeError):
    """No warehouse can be reached with the settings given."""


@dataclass
class Warehouse:
    """Connection facts for one PostgreSQL warehouse, whatever runs it."""

    host: str
    port: int
    user: str
    password: str
    dbname: str
    embedded: bool = False
    _server: Any = field(default=None, repr=False)

    # -- construction ------------------------------------------------------------------------------------
    @classmethod
    def open(cls, settings: KhoSettings | None = None, *, check_key: bool = True) -> Warehouse:
        """Reach (or start) the warehouse and check that its schema is current (migrating it when it is not and
        KHO_AUTO_MIGRATE is on); ``check_key=False`` only for a key rotation."""
        settings = settings or get_settings()
        wh = cls.reach(settings)
        wh.ensure_current(settings, check_key=check_key)
        return wh

    @classmethod
    def reach(cls, settings: KhoSettings | None = None) -> Warehouse:
        """Reach (or start) the warehouse without looking at its schema (``kho migrate``)."""
        settings = settings or get_settings()
        if settings.warehouse_url:
            return cls.from_url(settings.warehouse_url)
        if settings.embedded_mode == "served":
            return cls.served(settings)
        return cls._start_embedded(settings)

    @classmethod
    def served(cls, settings: KhoSettings) -> Warehouse:
        """The embedded warehouse another process serves (`kho warehouse serve`), reached without starting or ever
        stopping it: how tasks that each run in their own process share one server. A clear error when none runs."""
        from pgserver.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(settings.pgdata) if settings.pgdata.exists() else None
        if info is None or not info.is_running() or info.socket_dir is None:
            raise WarehouseUnavailable(
                f"no embedded warehouse is running on {settings.pgdata}: start it once with `kho warehouse serve` "
                "(KHO_EMBEDDED_MODE=served makes every task use it), or set KHO_WAREHOUSE_URL")
        return cls._embedded(info)

    @classmethod
    def _embedded(cls, info: Any, server: Any = None) -> Warehouse:
        """The embedded warehouse at the socket and port a postmaster.pid names."""
        return cls(host=str(info.socket_dir), port=info.port or 5432, user="postgres", password="",
                   dbname=EMBEDDED_DB, embedded=True, _server=server)

    @classmethod
    def from_url(cls, url: str) -> Warehouse:
        """Connection facts of an external warehouse, without connecting."""
        p = conninfo_to_dict(url.replace("postgresql+psycopg://", "postgresql://"))
        return cls(host=p.get("host", "127.0.0.1"), port=int(p.get("port", 5432)), user=p.get("user", "postgres"),
                   password=p.get("password", ""), dbname=p.get("dbname", "postgres"))

    @classmethod
    def _start_embedded(cls, settings: KhoSettings) -> Warehouse:
        import warnings

        with warnings.catch_warnings():  # platformdirs warns that XDG_RUNTIME_DIR is unset; /tmp is what we want
            warnings.simplefilter("ignore")
            import pgserver

        runtime = os.environ.get("XDG_RUNTIME_DIR")
        if runtime and os.path.isdir(runtime) and (os.stat(runtime).st_mode & 0o777) != 0o700:
            os.environ.pop("XDG_RUNTIME_DIR")  # pgserver needs a private runtime dir; it falls back to /tmp
        settings.pgdata.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(settings.pgdata, cleanup_mode="stop")
        wh = cls._embedded(configure_server(server, settings), server)
        with psycopg.connect(host=wh.host, port=wh.port, user=wh.user, dbname="postgres", autocommit=True) as conn:
            if not conn.execute("select 1 from pg_database where datname = %s", (EMBEDDED_DB,)).fetchone():
                conn.execute(f"create database {EMBEDDED_DB}")
        return wh

    def close(self) -> None:
        """Stop the embedded server if this process started the last handle on it."""
        if self._server is not None:
            import atexit

            from kho.core.embedded_pg import forget_dead_handles

            forget_dead_handles(self._server)
            self._server.cleanup()
            atexit.unregister(self._server._cleanup)  # already done; its exit-time log would hit a closed stream
            self._server = None

    # -- ways to reach it -----------------------------------------------------------------------------------
    @property
    def uri(self) -> str:
        """libpq URI (psql, psycopg, ADBC). Unix-socket hosts go in the ``host`` query parameter."""
        auth = quote(self.user) + (":" + quote(self.password) if self.password else "")
        if self.host.startswith("/"):
            return f"postgresql://{auth}@/{self.dbname}?host={quote(self.host)}&port={self.port}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{self.dbname}"

    @property
    def sqlalchemy_url(self) -> str:
        return self.uri.replace("postgresql://", "postgresql+psycopg://", 1)

    def connect(self, **kwargs: Any) -> psycopg.Connection:
        return psycopg.connect(self.uri, **kwargs)

    def dbt_env(self) -> dict[str, str]:
        """Environment variables read by ``dbt_project/profiles.yml``."""
        return {
            "KHO_PG_HOST": self.host, "KHO_PG_PORT": str(self.port), "KHO_PG_USER": self.user,
            "KHO_PG_PASSWORD": self.password, "KHO_PG_DBNAME": self.dbname,
        }

    def export_env(self) -> None:
        os.environ.update(self.dbt_env())

    # -- schema ------------------------------------------------------------------------------------------
    def bootstrap(self, settings: KhoSettings | None = None, *, check_key: bool = True) -> list[str]:
        """Apply every pending migration (``kho migrate``); install KHO_PSEUDONYM_KEY as the first key, or refuse a
        key that is not the warehouse's. Returns the steps applied. dbt owns everything past the raw layer."""
        from kho.core.migrations import migrate
        from kho.core.pseudonyms import ensure_key

        with self.connect(autocommit=True) as conn:
            ran = migrate(conn)
            if check_key:
                ensure_key(conn, settings or get_settings())
        return ran

    def ensure_current(self, settings: KhoSettings | None = None, *, check_key: bool = True) -> None:
        """What every open does: one look at the migrations ledger (and the key), migrating only when behind."""
        from kho.core.migrations import SchemaBehind, pending
        from kho.core.pseudonyms import ensure_key

        settings = settings or get_settings()
        with self.connect(autocommit=True) as conn:
            todo = pending(conn)
            if not todo:
                if check_key:
                    ensure_key(conn, settings)
                return
        if not settings.auto_migrate:
            raise SchemaBehind(f"the warehouse lacks migrations {', '.join(todo)}: run `kho migrate` "
                               "(KHO_AUTO_MIGRATE is off)")
        self.bootstrap(settings, check_key=check_key)

    def query(self, sql: str, params: Any = None) -> tuple[list[str], list[tuple]]:
        with self.connect() as conn, conn.cursor() as cur:
            cur.execute(sql, params)
            if cur.description is None:
                return [], []
            return [d.name for d in cur.description], cur.fetchall()
