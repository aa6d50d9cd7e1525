"""Incremental extraction windows: half-open ``[watermark - lag, end)``.

``end`` is the run start (or the scheduled data interval's end, whichever is earlier), never later: the watermark
then never runs ahead of rows that were still being written when the run began. Backfills pass explicit bounds
and do not move the watermark.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# One-stop systems store Vietnam wall time without a zone; windows are expressed the same way.
SOURCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"empty extraction window [{self.start}, {self.end})")

    def __contains__(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def source_time(moment: datetime | None = None) -> datetime:
    """``moment`` (aware; default now) as naive Vietnam wall time, the way source systems write timestamps."""
    moment = moment or datetime.now(SOURCE_TZ)
    return moment.astimezone(SOURCE_TZ).replace(tzinfo=None, microsecond=0)


def incremental_window(
    watermark: datetime | None,
    *,
    lag: timedelta,
    run_start: datetime,
    initial: datetime,
    interval_end: datetime | None = None,
) -> Window:
    """The next window to extract for a stream whose last loaded window ended at ``watermark``."""
    start = (watermark - lag) if watermark is not None else initial
    end = min(run_start, interval_end) if interval_end is not None else run_start
    return Window(start=start, end=end)


def requested_window(params: dict) -> Window | None:
    """The backfill window a manual DAG run asks for (``window_start``/``window_end``, ISO), or None."""
    if params.get("window_start") and params.get("window_end"):
        return Window(datetime.fromisoformat(params["window_start"]), datetime.fromisoformat(params["window_end"]))
    return None


def run_window(context) -> Window | None:
    """The backfill window of an Airflow run, or None for an incremental one: the window a manual run's params
    ask for, else, for a run of ``airflow backfill create``, its data interval (in source wall time). A backfill
    re-reads what it covers and never moves state; staging keeps each record's latest version."""
    asked = requested_window(context.get("params") or {})
    if asked is not None:
        return asked
    run = context.get("dag_run")
    start, end = context.get("data_interval_start"), context.get("data_interval_end")
    run_type = getattr(run, "run_type", None)
    if getattr(run_type, "value", run_type) == "backfill" and start and end:  # the SDK's enum or the core's
        return Window(source_time(start), source_time(end))
    return None
