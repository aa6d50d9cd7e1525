"""extract_documents: edXML documents and status messages from the document axis (and a drop folder) → landing
zone → raw → validated.

Each stream (``edocs``, ``status_events``) lists the messages that arrived since its watermark, fetches and parses
them safely, and keeps every message as received in the landing zone; hostile or unreadable messages are refused
with the rule they broke and the rest of the batch carries on. The load appends to raw and moves each stream's
watermark in one transaction; validation runs the GX suites and quarantines failing messages. Trigger with
``{"window_start": ..., "window_end": ...}`` to backfill a window (state is not moved).
"""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task

from kho.assets import RAW_DOCUMENTS, VALIDATED_DOCUMENTS, extract_dag_args, validation_summary


@dag(dag_id="extract_documents", **extract_dag_args("documents", __doc__))
def extract_documents():
    @task
    def extract_land() -> list[dict]:
        from kho.pipeline import extract_documents as extract
        from kho.windows import requested_window, source_time

        ctx = get_current_context()
        interval_end = ctx.get("data_interval_end")
        return extract(source_time(), source_time(interval_end) if interval_end else None,
                       requested_window(ctx["params"]))

    @task(outlets=[RAW_DOCUMENTS])
    def load(manifests: list[dict]) -> list[dict]:
        from kho.pipeline import load_documents

        return load_documents(manifests)

    @task(outlets=[VALIDATED_DOCUMENTS])
    def validate(loaded: list[dict]) -> list[dict]:
        from kho.pipeline import validate_documents

        return validate_documents(loaded)

    validate(load(extract_land())) >> validation_summary("documents")


extract_documents()
