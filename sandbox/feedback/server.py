"""The sandbox feedback system (the province's PAKN and satisfaction-rating system), a link like the others:
``GET /api/v1/pakn?updated_from=…&updated_to=…&page=…&page_size=…`` lists the feedback items by change time
(``NgayCapNhat``) and ``GET /api/v1/danh-gia?…`` the dossier ratings, through the faults of ``sandbox.faults``
(``sandbox.listing`` has the protocol)."""

from __future__ import annotations

from sandbox.faults import Faults
from sandbox.listing import ListingServer, ListingService

__all__ = ["Faults", "FeedbackServer", "FeedbackService"]
ITEMS_PATH, RATINGS_PATH = "/api/v1/pakn", "/api/v1/danh-gia"


class FeedbackService(ListingService):
    path = ITEMS_PATH

    def listings(self, clock: int) -> dict[str, list]:
        return {ITEMS_PATH: self.registry.visible(clock), RATINGS_PATH: self.registry.visible_ratings(clock)}


FeedbackServer = ListingServer
