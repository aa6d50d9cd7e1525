"""extract_onestop: one-stop dossiers changed since the last run → landing zone → raw → validated.

Extraction streams into the landing zone batch by batch (extract and land are one step, so no batch is held in
memory); the load appends to raw and moves the watermark in one transaction; validation runs the GX suite and
quarantines failing rows. Trigger with ``{"window_start": ..., "window_end": ...}`` to backfill a window (state
is not moved).
"""

from __future__ import annotations

from airflow.sdk import dag, get_current_context, task

from kho.assets import RAW_ONESTOP_DOSSIERS, VALIDATED_ONESTOP_DOSSIERS, extract_dag_args, validation_summary


@dag(dag_id="extract_onestop", **extract_dag_args("onestop", __doc__))
def extract_onestop():
    @task
    def extract_land() -> dict:
        from kho.pipeline import extract_onestop as extract
        from kho.windows import requested_window, source_time

        ctx = get_current_context()
        interval_end = ctx.get("data_interval_end")
        return extract(source_time(), source_time(interval_end) if interval_end else None,
                       requested_window(ctx["params"]))

    @task(outlets=[RAW_ONESTOP_DOSSIERS])
    def load(manifest: dict) -> dict:
        from kho.pipeline import load_onestop

        return {"batch_id": manifest["batch_id"], "loaded": load_onestop(manifest)}

    @task(outlets=[VALIDATED_ONESTOP_DOSSIERS])
    def validate(loaded: dict) -> dict:
        from kho.pipeline import validate_onestop

        return validate_onestop(loaded["batch_id"])

    validate(load(extract_land())) >> validation_summary("onestop")


extract_onestop()
