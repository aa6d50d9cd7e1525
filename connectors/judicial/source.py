"""The judicial-record system: requests for record extracts, from its API by change time."""

from __future__ import annotations

from connectors.judicial.client import JudicialClient
from connectors.judicial.schema import COLUMNS, NESTED_FIELDS
from connectors.judicial.streams import STREAM, extract_window
from connectors.judicial.suite import suite
from connectors.listing import listing_client
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.sources import Source, Stream


def extract(run: ExtractRun) -> list[BatchManifest]:
    with listing_client(JudicialClient, run.settings, "judicial", run.link_log("judicial")) as api:
        return [extract_window(api, run, run.window(STREAM))]


SOURCE = Source(
    name="judicial",
    description="judicial-record requests changed since the last run (the Department of Justice's system)",
    streams=(Stream(STREAM, COLUMNS, suite, json_columns=tuple(f.lower() for f in NESTED_FIELDS) + ("_extra",),
                    primary_key=("mayeucau",)),),
    extract=extract,
    settings_prefix="judicial",
    doc="A national link the provinces call unstable: pages are retried with backoff (Retry-After honoured) and "
        "every request is recorded in kho.link_calls; an outage longer than the retries fails the task, which "
        "Airflow retries, and the window is read again from the same watermark. Whether a person has a criminal "
        "record is sensitive (Decree 13/2023): it stays in raw_judicial and staging_restricted.",
    tags=("registry", "sensitive"),
)
