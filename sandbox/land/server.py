"""The sandbox land-registration system (the land registration office's), a national link like the others:
``GET /api/v1/dat-dai/giao-dich?updated_from=…&updated_to=…&page=…&page_size=…`` lists the transactions by change
time (``NgayCapNhat``), through the faults of ``sandbox.faults`` (``sandbox.listing`` has the protocol)."""

from __future__ import annotations

from sandbox.faults import Faults
from sandbox.listing import ListingServer, ListingService

__all__ = ["Faults", "LandServer", "LandService"]


class LandService(ListingService):
    path = "/api/v1/dat-dai/giao-dich"


LandServer = ListingServer
