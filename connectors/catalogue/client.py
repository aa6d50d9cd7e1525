"""Client of the catalogue's listing of procedures by change time (keyset paging, retries; every request recorded
in the run's link log)."""

from __future__ import annotations

from connectors.catalogue.schema import CURSOR, KEY
from connectors.listing import ChangeListingClient


class CatalogueClient(ChangeListingClient):
    system = "catalogue"
    label = "procedure catalogue"
    path = "/api/v1/formalities"
    key = KEY
    cursor = CURSOR
