"""The embedded PostgreSQL's own configuration, on top of what pgserver sets up (a unix socket, trust).

- **Password logins over TCP** on loopback when ``KHO_EMBEDDED_PORT`` is set: ``host`` lines of ``pg_hba.conf``
  require SCRAM-SHA-256, so analysts' and departments' roles log in as they would on a production server. The unix
  socket stays ``trust`` for the OS user that owns the data directory (the pipeline, as pgserver sets it up).
- **A statement log that an auditor can read**: the logging collector writes ``pgdata/pg_log/postgresql-<Mon..Sun>.log``
  with the role and database on every line, one file per weekday, each overwritten a week later (seven days
  retained). What is logged per role is set on the roles (``kho/roles.py``: every statement of analysts and
  departments).
- **A warehouse's settings, not a transaction server's**: PostgreSQL's defaults (128 MB of shared buffers, 4 MB of
  work memory, a checkpoint every 1 GB of WAL) made the transform's million-row tables spill their sorts and hashes
  to disk and set off a checkpoint every few seconds ("checkpoints are occurring too frequently") on a 70 MB/s disk,
  so two models running side by side each took 50-60 s where alone they take 5-15 s. ``wal_level = minimal`` lets a
  table created and filled in one transaction (every dbt table) skip the WAL: the embedded server has no replica
  and no WAL archive to feed. JIT is off: compiling the transform's long expressions cost more than it saved.

pgserver starts the server with ``-h ""`` on its command line, which no configuration file can override, so
listening on TCP (and starting the logging collector) needs one restart with other options; it happens once, when
the running server's settings differ from these.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from psycopg import sql

from kho.core.settings import KhoSettings

log = logging.getLogger(__name__)

SERVER_SETTINGS = {
    "password_encryption": "scram-sha-256",
    "logging_collector": "on",
    "log_directory": "pg_log",
    "log_filename": "postgresql-%a.log",
    "log_truncate_on_rotation": "on",
    "log_rotation_age": "1440",  # minutes: a new file each day, the weekday's file of last week overwritten
    "log_rotation_size": "0",
    "log_line_prefix": "%m [%p] %q%u@%d ",
    # a warehouse, not a transaction server (the module's docstring)
    "shared_buffers": "131072",  # 8 kB pages: 1 GiB
    "work_mem": "65536",  # kB
    "maintenance_work_mem": "524288",  # kB
    "max_wal_size": "8192",  # MB
    "checkpoint_timeout": "900",  # s
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "jit": "off",
    "random_page_cost": "1.1",
}
RESTART_SETTINGS = {"logging_collector", "shared_buffers", "wal_level", "max_wal_senders"}
HBA = """# Kho's embedded warehouse (kho/core/embedded_pg.py): trust on the unix socket, passwords over TCP.
local   all   all                  trust
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
"""


def configure_server(server: Any, settings: KhoSettings) -> Any:
    """Bring a running pgserver instance to Kho's settings; returns its (possibly new) postmaster info."""
    from pgserver.utils import PostmasterInfo

    with type(server)._lock:  # pgserver's inter-process lock: one process reconfigures, the others see the result
        info = PostmasterInfo.read_from_pgdata(server.pgdata)
        listen = "127.0.0.1" if settings.embedded_port else ""
        port = settings.embedded_port or info.port or 5432
        with psycopg.connect(host=str(info.socket_dir), port=info.port, user="postgres", dbname="postgres",
                             autocommit=True) as conn:
            current = dict(conn.execute("select name, setting from pg_settings where name = any(%s)",
                                        (["listen_addresses", "port", *SERVER_SETTINGS],)).fetchall())
            restart = current.get("listen_addresses") != listen or int(current.get("port", 0)) != port
            changed = {name: value for name, value in SERVER_SETTINGS.items() if current.get(name) != value}
            for name, value in changed.items():
                conn.execute(sql.SQL("alter system set {} = {}").format(sql.SQL(name), sql.Literal(value)))
            restart |= bool(RESTART_SETTINGS & set(changed))
            hba = server.pgdata / "pg_hba.conf"
            if hba.read_text() != HBA:
                hba.write_text(HBA)  # written in place: the file keeps its owner (the pgserver user under root)
                changed["pg_hba.conf"] = HBA
            if changed and not restart:  # an already configured server (every later open) is left alone
                conn.execute("select pg_reload_conf()")
        if restart:
            log.info("restarting the embedded PostgreSQL (listen %r, port %d, logging collector)", listen, port)
            info = restart_server(server, listen, port, info.socket_dir)
        return info


def restart_server(server: Any, listen: str, port: int, socket_dir: Any) -> Any:
    """Restart the server with these options (fast: open sessions are ended); returns the new postmaster info."""
    from pgserver import pg_ctl
    from pgserver.utils import PostmasterInfo

    pg_ctl(["-w", "-m", "fast", "-l", str(server.log), "-o", f'-h "{listen}" -p {port} -k {socket_dir}', "restart"],
           pgdata=server.pgdata, user=server.system_user, timeout=60)
    info = PostmasterInfo.read_from_pgdata(server.pgdata)
    server._postmaster_info = info  # pgserver stops the server it knows of at exit: tell it the new one
    return info


def forget_dead_handles(server: Any) -> None:
    """Drop the handles of processes that died without closing theirs (``kill -9`` of a task), so that the last
    live process still stops the server."""
    import psutil

    with type(server)._lock:
        pids = server.global_process_id_list.get()
        alive = [p for p in pids if psutil.pid_exists(p)]
        if alive != pids:
            server.global_process_id_list.put(alive)
