"""Clients of the feedback system's two listings (by change time, keyset paging, retries; every request recorded
in the run's link log)."""

from __future__ import annotations

from connectors.feedback.schema import CURSOR
from connectors.listing import ChangeListingClient


class ItemsClient(ChangeListingClient):
    system = "feedback"
    label = "feedback system"
    path = "/api/v1/pakn"
    key = "MaPAKN"
    cursor = CURSOR


class RatingsClient(ChangeListingClient):
    system = "feedback"
    label = "feedback system"
    path = "/api/v1/danh-gia"
    key = "MaDanhGia"
    cursor = CURSOR
