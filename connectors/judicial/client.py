"""Client of the judicial-record system's request listing (by change time, keyset paging, retries; every request
recorded in the run's link log)."""

from __future__ import annotations

from connectors.judicial.schema import CURSOR, PRIMARY_KEY
from connectors.listing import ChangeListingClient

PATH = "/api/v1/lltp/yeu-cau"


class JudicialClient(ChangeListingClient):
    system = "judicial"
    label = "judicial-record system"
    path = PATH
    key = PRIMARY_KEY
    cursor = CURSOR
