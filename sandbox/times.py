"""Times as the sandbox registries keep them: epoch seconds of naive Vietnam wall time (the one-stop sandbox's
convention, written yyyyMMddHHmmss by ``fmt_ts``), and receptions drawn in office hours on weekdays."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

import numpy as np

DAY = 86400
_EPOCH = datetime(1970, 1, 1)


def wall(epoch: int) -> datetime:
    """An epoch of the sandbox as a naive datetime."""
    return _EPOCH + timedelta(seconds=epoch)


def epoch_of(value: datetime | date | str) -> int:
    """A naive datetime, a date (its midnight) or a yyyyMMddHHmmss string as an epoch of the sandbox."""
    if isinstance(value, str):
        value = datetime.strptime(value, "%Y%m%d%H%M%S")
    elif not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    return int((value - _EPOCH).total_seconds())


def office_reception(start: date, end: date, rng: random.Random) -> int:
    """A reception time between ``start`` and ``end``: a weekday (a weekend rolls to Monday), 07:30-17:00."""
    day = start + timedelta(days=rng.randrange((end - start).days))
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return epoch_of(day) + rng.randrange(7 * 3600 + 1800, 17 * 3600)


def after_working_days(start: int, days: int, holidays: np.ndarray) -> int:
    """``start`` moved ``days`` working days on (weekends and ``holidays`` skipped), at the same time of day."""
    day = np.datetime64(start // DAY, "D")
    moved = np.busday_offset(day, days, roll="forward", holidays=holidays)
    return int(moved.astype("datetime64[s]").astype(np.int64)) + start % DAY
