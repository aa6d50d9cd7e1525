"""The key holder's function on a warehouse of its own (an empty database, migrated): pseudonyms as Python's HMAC
computes them, a session that pseudonymized before a rotation following the new key, and the key out of reach of
the roles that may call the function."""

from __future__ import annotations

import secrets

import psycopg
import pytest
from pydantic import SecretStr

from kho.core.pseudonyms import hmac_hex, key_pads
from kho.core.settings import KhoSettings
from kho.core.warehouse import Warehouse

pytestmark = pytest.mark.integration

IDS = ["001090000001", "079203004567", "Nguyễn Văn An", ""]


def _expected(key: KhoSettings, version: int, value: str) -> str | None:
    """The pseudonym as Python's hmac computes it under ``key``'s KHO_PSEUDONYM_KEY."""
    return f"{version}:{hmac_hex(value, key)}" if value else None


@pytest.fixture
def own_warehouse(warehouse, settings):
    """An empty database migrated as a new warehouse is, with its own first key."""
    name = "kho_pseudonyms_" + secrets.token_hex(4)
    with warehouse.connect(autocommit=True) as conn:
        conn.execute(f"create database {name}")
    wh = Warehouse(host=warehouse.host, port=warehouse.port, user=warehouse.user, password=warehouse.password,
                   dbname=name)
    first = settings.model_copy(update={"pseudonym_key": SecretStr("first-" + secrets.token_urlsafe(24))})
    wh.bootstrap(first)
    try:
        yield wh, first
    finally:
        with warehouse.connect(autocommit=True) as conn:
            conn.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", (name,))
            conn.execute(f"drop database if exists {name}")


def _pseudonyms(conn: psycopg.Connection) -> list[str | None]:
    return [r[0] for r in conn.execute("select kho_secure.pseudonymize(v) from unnest(%s::text[]) with ordinality "
                                       "as t(v, n) order by n", (IDS,)).fetchall()]


def test_a_session_follows_the_key_through_a_rotation(own_warehouse, settings):
    wh, first = own_warehouse
    with wh.connect(autocommit=True) as reader:
        assert _pseudonyms(reader) == [_expected(first, 1, v) for v in IDS]
        assert reader.execute("select kho_secure.pseudonymize(null)").fetchone()[0] is None
        # another session rotates while this one holds the function compiled with the first key
        second = settings.model_copy(update={"pseudonym_key": SecretStr("second-" + secrets.token_urlsafe(24))})
        with wh.connect(autocommit=True) as admin:
            assert admin.execute("select kho_secure.rotate_key(%s, %s)", key_pads(second)).fetchone()[0] == 2
        assert _pseudonyms(reader) == [_expected(second, 2, v) for v in IDS]
        # a rotation rolled back leaves the key as it was
        with wh.connect() as admin:
            admin.execute("select kho_secure.rotate_key(%s, %s)",
                          key_pads(settings.model_copy(update={"pseudonym_key": SecretStr("third-key")})))
            admin.rollback()
        assert _pseudonyms(reader) == [_expected(second, 2, v) for v in IDS]
        with wh.connect(autocommit=True) as admin:
            admin.execute("select kho_secure.destroy_retired_keys()")
            # no active key: no pseudonym, in a session that had one a moment ago
            admin.execute("update kho_secure.pseudonym_keys set is_active = false")
        assert _pseudonyms(reader) == [None] * len(IDS)


def test_the_key_is_out_of_reach_of_the_transform_role(own_warehouse):
    """kho_transform (dbt, the pipeline) calls pseudonymize: it cannot call what reads the key, and the setting that
    prints plans shows it neither the plan inside the function nor the key."""
    wh, first = own_warehouse
    ipad, opad = key_pads(first)
    notices: list[str] = []
    with wh.connect(autocommit=True) as conn:
        conn.add_notice_handler(lambda d: notices.append(f"{d.message_primary} {d.message_detail or ''}"))
        conn.execute("set role kho_transform")
        conn.execute("set client_min_messages = log")
        conn.execute("set debug_print_plan = on")
        conn.execute("set debug_pretty_print = off")
        assert conn.execute("select kho_secure.pseudonymize('001090000001')").fetchone()[0].startswith("1:")
        for call in ("kho_secure.active_key_material()", "(kho_secure.active_key_material())[2]"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"explain verbose select {call}")
    printed = " ".join(notices)
    assert "PLANNEDSTMT" in printed  # the caller's own plans print
    # a plan prints a bytea constant as its bytes, each a signed char in decimal: look for the pads' first 16 so
    for pad in (ipad, opad):
        assert " ".join(str(b - 256 if b > 127 else b) for b in pad[:16]) not in printed
    assert "active_key_material" not in printed
