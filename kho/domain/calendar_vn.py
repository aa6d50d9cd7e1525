"""The Vietnamese working-day calendar, from the maintained ``holidays`` package.

Public holidays (Tết by the lunar calendar, Hùng Kings, 30/4, 1/5, 2/9 and the days the government adds around
them), days off moved onto weekdays, and the weekend days worked to make up for them (``weekend_workdays``).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays

FIRST_YEAR, LAST_YEAR = 2020, 2030  # the span of dim_dates


def calendar_exceptions(first_year: int = FIRST_YEAR, last_year: int = LAST_YEAR) -> list[dict]:
    """Days that differ from "Monday–Friday work, weekend off": holidays and make-up working weekend days."""
    years = range(first_year, last_year + 1)
    vi = holidays.country_holidays("VN", years=years, language="vi")
    en = holidays.country_holidays("VN", years=years, language="en_US")
    rows = [{"calendar_date": d.isoformat(), "day_kind": "holiday", "name_vi": name, "name_en": en[d]}
            for d, name in sorted(vi.items())]
    rows += [{"calendar_date": d.isoformat(), "day_kind": "makeup_workday", "name_vi": "Ngày làm việc bù",
              "name_en": "Make-up working day"}
             for d in sorted(vi.weekend_workdays) if first_year <= d.year <= last_year]
    return sorted(rows, key=lambda r: r["calendar_date"])


@lru_cache(maxsize=16)
def _year_calendar(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def is_working_day(day: date) -> bool:
    return _year_calendar(day.year).is_working_day(day)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``)."""
    return sum(is_working_day(start + timedelta(days=i)) for i in range(1, (end - start).days + 1))
