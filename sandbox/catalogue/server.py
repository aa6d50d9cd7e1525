"""The sandbox procedure catalogue (the national procedure database as the province sees it), a link like the
others: ``GET /api/v1/formalities?updated_from=…&updated_to=…&page=…&page_size=…`` lists the procedures by change
time (``updatedAt``), through the faults of ``sandbox.faults`` (``sandbox.listing`` has the protocol)."""

from __future__ import annotations

from sandbox.faults import Faults
from sandbox.listing import ListingServer, ListingService

__all__ = ["CatalogueServer", "CatalogueService", "Faults"]


class CatalogueService(ListingService):
    path = "/api/v1/formalities"


CatalogueServer = ListingServer
