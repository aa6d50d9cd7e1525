from kho.core.pseudonyms import hmac_hex, key_pads
from kho.core.settings import KhoSettings
from kho.core.warehouse import Warehouse
from kho.dbt import export_dbt_secrets, static_dbt_env


def test_external_warehouse_url_becomes_dbt_connection_env_without_connecting(monkeypatch):
    s = KhoSettings(warehouse_url="postgresql+psycopg://analyst:s3cret@db.example:6543/kho_prod")
    env = static_dbt_env(s)
    assert (env["KHO_PG_HOST"], env["KHO_PG_PORT"], env["KHO_PG_USER"], env["KHO_PG_DBNAME"]) == (
        "db.example", "6543", "analyst", "kho_prod")
    assert "s3cret" not in str(env)  # Cosmos renders and stores env_vars: no password there
    monkeypatch.delenv("KHO_PG_PASSWORD", raising=False)
    export_dbt_secrets(s)
    import os

    assert os.environ["KHO_PG_PASSWORD"] == "s3cret"
    assert Warehouse.from_url(s.warehouse_url).uri == "postgresql://analyst:s3cret@db.example:6543/kho_prod"
    assert static_dbt_env(KhoSettings(warehouse_url=None)) == {}  # embedded: known only once started


def test_pseudonym_pads_reproduce_hmac_sha256():
    import hashlib

    s = KhoSettings(pseudonym_key="a-key")
    ipad, opad = key_pads(s)
    msg = "038095012345"
    inner = hashlib.sha256(ipad + msg.encode()).digest()
    assert hashlib.sha256(opad + inner).hexdigest() == hmac_hex(msg, s)
    long = KhoSettings(pseudonym_key="k" * 100)  # keys longer than a SHA-256 block are hashed first (RFC 2104)
    ipad, opad = key_pads(long)
    assert hashlib.sha256(opad + hashlib.sha256(ipad + msg.encode()).digest()).hexdigest() == hmac_hex(msg, long)


def test_the_public_development_key_is_refused_on_an_external_warehouse():
    import pytest

    from kho.core.pseudonyms import DEVELOPMENT_KEY, PseudonymKeyMismatch, ensure_key

    assert DEVELOPMENT_KEY == "kho-dev-only-pseudonym-key"
    external = KhoSettings(warehouse_url="postgresql://kho:pw@db.example:5432/kho", pseudonym_key=DEVELOPMENT_KEY)
    with pytest.raises(PseudonymKeyMismatch, match="development key"):
        ensure_key(None, external)  # refused before any connection is used


def test_none_turns_a_drop_folder_sources_api_off_and_an_empty_variable_keeps_the_default(monkeypatch):
    monkeypatch.setenv("KHO_CATALOGUE_URL", "none")
    monkeypatch.setenv("KHO_LAND_URL", "")
    s = KhoSettings()
    assert s.catalogue_url is None and s.land_url == "http://127.0.0.1:8769"
    assert KhoSettings(readiness_url="None").readiness_url is None
