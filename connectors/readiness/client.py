"""Client of the Plan 02 monitoring system's listing of readiness returns (by the time each was sent, keyset
paging, retries; every request recorded in the run's link log)."""

from __future__ import annotations

from collections.abc import Callable

from connectors.listing import ChangeListingClient
from connectors.paging import row_identity
from connectors.readiness.schema import CURSOR

PATH = "/api/v1/ke-hoach-02/bao-cao"


class ReadinessClient(ChangeListingClient):
    system = "readiness"
    label = "Plan 02 monitoring system"
    path = PATH
    key = "MaXa"
    cursor = CURSOR

    def row_key(self) -> Callable[[object], object]:
        """A commune sends a month's return again to correct it: no field is unique, the whole row is its key."""
        return row_identity
