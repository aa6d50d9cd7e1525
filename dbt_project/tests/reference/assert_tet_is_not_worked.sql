-- Tết Nguyên Đán 2026 (16-20 February, by the lunar calendar) is not a working day, and the
-- make-up Saturday of 2025-04-26 is.
select date_day, is_working_day
from {{ ref('dim_dates') }}
where (date_day between date '2026-02-16' and date '2026-02-20' and is_working_day)
    or (date_day = date '2025-04-26' and not is_working_day)
