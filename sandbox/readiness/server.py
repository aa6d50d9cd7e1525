"""The sandbox provincial monitoring system of Plan 02 (the communes' readiness returns): ``GET
/api/v1/ke-hoach-02/bao-cao?updated_from=…&updated_to=…&page=…&page_size=…`` lists the returns by the time they
were sent (``NgayCapNhat``), through the faults of ``sandbox.faults`` (``sandbox.listing`` has the protocol)."""

from __future__ import annotations

from sandbox.faults import Faults
from sandbox.listing import ListingServer, ListingService

__all__ = ["Faults", "ReadinessServer", "ReadinessService"]


class ReadinessService(ListingService):
    path = "/api/v1/ke-hoach-02/bao-cao"


ReadinessServer = ListingServer
