import hashlib
import hmac

from kho.dbt import static_dbt_env
from kho.settings import KhoSettings
from kho.warehouse import Warehouse


def test_external_warehouse_url_becomes_dbt_connection_env_without_connecting():
    s = KhoSettings(warehouse_url="postgresql+psycopg://analyst:s3cret@db.example:6543/kho_prod")
    env = static_dbt_env(s)
    assert (env["KHO_PG_HOST"], env["KHO_PG_PORT"], env["KHO_PG_USER"], env["KHO_PG_PASSWORD"],
            env["KHO_PG_DBNAME"]) == ("db.example", "6543", "analyst", "s3cret", "kho_prod")
    assert Warehouse.from_url(s.warehouse_url).uri == "postgresql://analyst:s3cret@db.example:6543/kho_prod"
    assert static_dbt_env(KhoSettings(warehouse_url=None)) == {}  # embedded: known only once started


def test_pseudonym_pads_reproduce_hmac_sha256():
    s = KhoSettings(pseudonym_key="a-key")
    ipad, opad = (bytes.fromhex(p) for p in s.pseudonym_pads())
    msg = b"038095012345"
    inner = hashlib.sha256(ipad + msg).digest()
    assert hashlib.sha256(opad + inner).hexdigest() == hmac.new(b"a-key", msg, hashlib.sha256).hexdigest()
