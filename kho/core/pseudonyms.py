"""Keyed pseudonyms of personal data: HMAC-SHA256 under ``KHO_PSEUDONYM_KEY``, computed in the warehouse by the key
holder's function ``kho_secure.pseudonymize`` (migrations 0003 and 0014), so the key never appears in SQL text,
a view or function definition, a dbt artifact, an Airflow field or a log.

A pseudonym is ``<key version>:<64 hex digits>``. The same value gets the same pseudonym in every source and in
Python (population checks call the same function), as long as the key does not change. Rotating the key
(``kho pseudonyms rotate``) installs a new version, rebuilds every model that holds pseudonyms, re-keys the stored
citizen-ID checks and then erases the old key's pads: pseudonyms taken out of the warehouse before the rotation can
no longer be linked to anything in it.
"""

from __future__ import annotations

import hashlib
import hmac

import psycopg

from kho.core.settings import KhoSettings


class PseudonymKeyMismatch(RuntimeError):
    """KHO_PSEUDONYM_KEY is not the warehouse's active key."""


def key_pads(settings: KhoSettings) -> tuple[bytes, bytes]:
    """HMAC-SHA256 inner and outer pads of the key (RFC 2104): what the warehouse stores instead of the key."""
    key = settings.pseudonym_key.get_secret_value().encode()
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def hmac_hex(value: str, settings: KhoSettings) -> str:
    """The hex part of a pseudonym, computed in Python (for tests and tools that hold the key)."""
    return hmac.new(settings.pseudonym_key.get_secret_value().encode(), value.encode(), hashlib.sha256).hexdigest()


DEVELOPMENT_KEY = KhoSettings.model_fields["pseudonym_key"].default.get_secret_value()


def ensure_key(conn: psycopg.Connection, settings: KhoSettings) -> None:
    """Install KHO_PSEUDONYM_KEY as version 1 in a warehouse that has no key; refuse to go on with another key, and
    refuse the public development key on any warehouse but the embedded one."""
    if settings.warehouse_url and settings.pseudonym_key.get_secret_value() == DEVELOPMENT_KEY:
        raise PseudonymKeyMismatch("KHO_PSEUDONYM_KEY is the development key, which is public: set a secret key "
                                   "before using an external warehouse (KHO_WAREHOUSE_URL)")
    if not install_or_match(conn, settings):
        version = active_version(conn)
        raise PseudonymKeyMismatch(
            f"KHO_PSEUDONYM_KEY is not the warehouse's pseudonym key (version {version}): set the key the warehouse "
            "was built with, or run `kho pseudonyms rotate` to move the warehouse to this one")


def install_or_match(conn: psycopg.Connection, settings: KhoSettings) -> bool:
    """Install KHO_PSEUDONYM_KEY when the warehouse has no key; whether it is the warehouse's active key."""
    return conn.execute("select kho_secure.ensure_key(%s, %s)", key_pads(settings)).fetchone()[0]


def active_version(conn: psycopg.Connection) -> int | None:
    return conn.execute("select kho_secure.active_key_version()").fetchone()[0]


def pseudonymize_many(conn: psycopg.Connection, values: list[str]) -> list[str | None]:
    """Pseudonyms of ``values`` in order, by the warehouse's key holder (one round trip)."""
    if not values:
        return []
    rows = conn.execute("select kho_secure.pseudonymize(v) from unnest(%s::text[]) with ordinality as t(v, n) "
                        "order by n", (values,)).fetchall()
    return [r[0] for r in rows]


def name_key(name: str) -> str:
    """A person's name as a matching key: trimmed, inner whitespace collapsed (as the dbt macro person_name_key)."""
    return " ".join(name.split())


def key_versions(conn: psycopg.Connection) -> list[tuple]:
    """(version, active, created, retired, destroyed) of every key the warehouse has had; no key material."""
    return conn.execute("select * from kho_secure.key_versions()").fetchall()
