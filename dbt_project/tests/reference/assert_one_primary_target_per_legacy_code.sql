-- Each pre-2025 commune code in the conversion table sends its records to exactly one current commune.
select legacy_unit_code, count(*) filter (where is_primary) as primaries
from {{ ref('unit_code_map') }}
group by legacy_unit_code
having count(*) filter (where is_primary) <> 1
