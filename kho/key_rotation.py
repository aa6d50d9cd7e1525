"""Rotating the pseudonym key (``kho pseudonyms rotate``).

1. The new key (``KHO_PSEUDONYM_KEY``, already changed by the operator) becomes the active version N+1; the old one
   is retired. In the same transaction the stored citizen-ID checks (``raw_population``, keyed by pseudonyms) are
   re-keyed from the raw entries they were made for.
2. Every dbt model is rebuilt in full (``dbt build --full-refresh``): views compute pseudonyms on read, and every
   table and incremental model holding one is rewritten with version N+1.
3. Only then are the retired key's pads erased: from that moment nobody can recompute a version-N pseudonym, so
   copies taken out of the warehouse earlier can no longer be linked to it or to anything in it.

If the rebuild fails, the retired key is kept and the marts hold a mix of versions (each pseudonym says its
version, so nothing joins across them by accident); running the command again resumes at step 2.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import psycopg

from connectors.population.checks import checked_people_sql, keyed_people
from kho.core.pseudonyms import active_version, install_or_match, key_pads, key_versions
from kho.core.settings import KhoSettings
from kho.core.warehouse import Warehouse

log = logging.getLogger(__name__)
CHUNK = 10_000


@dataclass
class Rotation:
    from_version: int | None
    to_version: int
    checks_rekeyed: int = 0
    keys_destroyed: int = 0
    resumed: bool = False


def _retired_left(conn: psycopg.Connection) -> int:
    return sum(1 for _, active, _, _, destroyed in key_versions(conn) if not active and destroyed is None)


def rekey_population_checks(conn: psycopg.Connection) -> int:
    """Recompute every stored check's key and ID pseudonym under the active key, from the raw entry it was for."""
    rows = conn.execute(checked_people_sql()).fetchall()
    fresh = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start:start + CHUNK]
        fresh += [(r[0], *k) for r, k in zip(chunk, keyed_people(conn, [r[1:4] for r in chunk]), strict=True)]
    conn.execute("set constraints raw_population.check_requests_check_key_fkey deferred")
    conn.execute("create temp table rekeyed (old_key text primary key, new_key text, new_id text) on commit drop")
    with conn.cursor().copy("copy rekeyed from stdin") as copy:
        for row in fresh:
            copy.write_row(row)
    conn.execute("update raw_population.check_requests q set check_key = r.new_key from rekeyed r "
                 "where q.check_key = r.old_key")
    cur = conn.execute("update raw_population.checks c set check_key = r.new_key, id_pseudonym = r.new_id "
                       "from rekeyed r where c.check_key = r.old_key")
    return cur.rowcount


def rotate(wh: Warehouse, settings: KhoSettings, rebuild: Callable[[], object]) -> Rotation:
    """Move the warehouse to KHO_PSEUDONYM_KEY (see the module docstring); ``rebuild`` runs the full dbt build."""
    with wh.connect() as conn:
        previous = active_version(conn)
        if install_or_match(conn, settings):
            if not _retired_left(conn):
                raise RuntimeError(f"KHO_PSEUDONYM_KEY is already the active key (version {previous}): set the new "
                                   "key in KHO_PSEUDONYM_KEY first")
            result = Rotation(previous, previous, resumed=True)  # a rotation whose rebuild did not finish
        else:
            version = conn.execute("select kho_secure.rotate_key(%s, %s)", key_pads(settings)).fetchone()[0]
            result = Rotation(previous, version, checks_rekeyed=rekey_population_checks(conn))
        conn.commit()
    log.info("pseudonym key version %s active; rebuilding every model", result.to_version)
    rebuild()
    with wh.connect() as conn:
        result.keys_destroyed = conn.execute("select kho_secure.destroy_retired_keys()").fetchone()[0]
    return result
