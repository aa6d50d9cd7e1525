"""The sandbox judicial-record system (the Department of Justice's), a national link as unstable as the others:
``GET /api/v1/lltp/yeu-cau?updated_from=…&updated_to=…&page=…&page_size=…`` lists the requests by change time
(``NgayCapNhat``), through the faults of ``sandbox.faults`` (``sandbox.listing`` has the protocol)."""

from __future__ import annotations

from sandbox.faults import Faults
from sandbox.listing import ListingServer, ListingService

__all__ = ["Faults", "JudicialServer", "JudicialService"]


class JudicialService(ListingService):
    path = "/api/v1/lltp/yeu-cau"


JudicialServer = ListingServer
