"""Client of the land system's transaction listing (by change time, keyset paging, retries; every request
recorded in the run's link log)."""

from __future__ import annotations

from connectors.land.schema import CURSOR, PRIMARY_KEY
from connectors.listing import ChangeListingClient

PATH = "/api/v1/dat-dai/giao-dich"


class LandClient(ChangeListingClient):
    system = "land"
    label = "land-registration system"
    path = PATH
    key = PRIMARY_KEY
    cursor = CURSOR
