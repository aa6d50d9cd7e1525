from datetime import datetime, timedelta, timezone

import pytest

from kho.core.windows import Window, incremental_window, run_window, source_time

RUN = datetime(2026, 7, 1, 12, 0, 0)
INITIAL = datetime(2025, 1, 1)


def test_first_window_starts_at_the_initial_watermark_and_ends_at_run_start():
    w = incremental_window(None, lag=timedelta(hours=1), run_start=RUN, initial=INITIAL)
    assert (w.start, w.end) == (INITIAL, RUN)


def test_next_window_rereads_the_lag_before_the_watermark():
    wm = datetime(2026, 7, 1, 10, 0)
    w = incremental_window(wm, lag=timedelta(minutes=30), run_start=RUN, initial=INITIAL)
    assert w.start == datetime(2026, 7, 1, 9, 30)


def test_window_end_never_passes_the_scheduled_interval_end():
    end = datetime(2026, 7, 1, 11, 0)
    w = incremental_window(None, lag=timedelta(0), run_start=RUN, initial=INITIAL, interval_end=end)
    assert w.end == end
    later = datetime(2026, 7, 2)
    assert incremental_window(None, lag=timedelta(0), run_start=RUN, initial=INITIAL, interval_end=later).end == RUN


def test_window_is_half_open():
    w = Window(datetime(2026, 1, 1), datetime(2026, 1, 2))
    assert datetime(2026, 1, 1) in w
    assert datetime(2026, 1, 2) not in w


def test_empty_window_is_refused():
    with pytest.raises(ValueError, match="empty extraction window"):
        incremental_window(RUN, lag=timedelta(0), run_start=RUN, initial=INITIAL)


def test_source_time_is_vietnam_wall_time():
    assert source_time(datetime(2026, 7, 1, 0, 0, tzinfo=timezone.utc)) == datetime(2026, 7, 1, 7, 0)


class _Run:
    def __init__(self, run_type):
        from airflow.sdk.api.datamodels._generated import DagRunType  # what a task's context carries

        self.run_type = DagRunType(run_type)


UTC_START = datetime(2026, 3, 1, 1, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("run_type", ["scheduled", "manual", "asset_triggered"])
def test_a_scheduled_or_manual_run_without_params_is_incremental(run_type):
    ctx = {"dag_run": _Run(run_type), "params": {}, "data_interval_start": UTC_START,
           "data_interval_end": UTC_START + timedelta(hours=1)}
    assert run_window(ctx) is None


def test_a_backfill_run_reads_its_data_interval_in_source_wall_time():
    ctx = {"dag_run": _Run("backfill"), "params": {"window_start": None, "window_end": None},
           "data_interval_start": UTC_START, "data_interval_end": UTC_START + timedelta(hours=1)}
    assert run_window(ctx) == Window(datetime(2026, 3, 1, 8, 0), datetime(2026, 3, 1, 9, 0))  # UTC+7


def test_params_asking_for_a_window_win_over_the_interval():
    ctx = {"dag_run": _Run("backfill"), "params": {"window_start": "2026-02-01T00:00:00",
                                                    "window_end": "2026-02-02T00:00:00"},
           "data_interval_start": UTC_START, "data_interval_end": UTC_START + timedelta(hours=1)}
    assert run_window(ctx) == Window(datetime(2026, 2, 1), datetime(2026, 2, 2))
