"""The judicial-record system: requests for record extracts, from its API by change time."""

from __future__ import annotations

from connectors.judicial.client import JudicialClient
from connectors.judicial.schema import COLUMNS, NESTED_FIELDS
from connectors.judicial.streams import STREAM, extract_window
from connectors.judicial.suite import suite
from kho.core.batches import BatchManifest
from kho.core.extract_run import ExtractRun
from kho.core.link_calls import LinkLog
from kho.core.settings import KhoSettings
from kho.core.sources import Source, Stream


def client(settings: KhoSettings, links: LinkLog | None = None) -> JudicialClient:
    return JudicialClient(settings.judicial_url, settings.judicial_token.get_secret_value(),
                          page_size=settings.judicial_page_size, timeout=settings.judicial_timeout_seconds,
                          max_attempts=settings.judicial_max_attempts,
                          backoff_seconds=settings.judicial_backoff_seconds, links=links)


def extract(run: ExtractRun) -> list[BatchManifest]:
    with client(run.settings, run.link_log("judicial")) as api:
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
