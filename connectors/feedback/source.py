"""The province's feedback system: citizens' feedback (PAKN) and dossier ratings, from its API by change time."""

from __future__ import annotations

from connectors.feedback.client import ItemsClient, RatingsClient
from connectors.feedback.schema import ITEMS, RATINGS
from connectors.feedback.suites import items_suite, ratings_suite
from connectors.listing import land_listing, listing_client
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.sources import Source, Stream

STREAMS = (("items", ItemsClient, ITEMS), ("ratings", RatingsClient, RATINGS))


def extract(run: ExtractRun) -> list[BatchManifest]:
    """Each listing's window, one batch each."""
    manifests, links = [], run.link_log("feedback")
    for stream, cls, contract in STREAMS:
        with listing_client(cls, run.settings, "feedback", links) as api:
            manifests.append(land_listing(api, run, stream, run.window(stream), contract.to_arrow))
    return manifests


SOURCE = Source(
    name="feedback",
    description="citizens' feedback (PAKN) and dossier satisfaction ratings changed since the last run",
    streams=(Stream("items", ITEMS.columns, items_suite, json_columns=("_extra",), primary_key=("mapakn",)),
             Stream("ratings", RATINGS.columns, ratings_suite, json_columns=("_extra",), primary_key=("madanhgia",))),
    extract=extract,
    settings_prefix="feedback",
    doc="The feedback system's two listings (`/api/v1/pakn`, `/api/v1/danh-gia`) are read by change time with "
        "retries (every request recorded in kho.link_calls); an item or rating changed again is a new version, the "
        "warehouse keeps the latest one validation lets through. The senders' names and phone numbers land in the "
        "restricted raw schema and reach analysts only as pseudonyms.",
    tags=("766",),
)
