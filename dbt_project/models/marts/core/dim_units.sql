-- Administrative units across the 2025 reform, one row per (unit_code, valid_from). Current units have
-- is_current = true and no valid_to; pre-2025 units carry the current unit their records now belong to.
select
    unit_code || '@' || valid_from::text as unit_key,
    *
from {{ ref('int_units__history') }}
