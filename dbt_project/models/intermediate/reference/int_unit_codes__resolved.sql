-- How a unit code found in a record resolves to a unit in force today, by the era of the record's date.
-- era 'pre_reform' (dated before 2025-07-01): the code is read against the pre-2025 register and converted;
-- era 'post_reform': a code in force is itself; a pre-2025 code (a system not yet updated) is converted.
-- Splits go to the unit that kept the old code, else the first listed in the conversion table (is_ambiguous).
-- A department's or agency's code from the province's register (int_units__departments) is itself in both eras.
-- Codes absent from the registers, or pre-2025 codes the conversion table does not list, have no row here:
-- validation quarantines them.
with current_units as (
    select unit_code from {{ ref('admin_units') }}
),

commune_conversion as (
    select legacy_unit_code as source_unit_code, unit_code, is_split
    from {{ ref('unit_code_conversions') }}
    where is_primary
),

province_conversion as (
    select legacy_province_code as source_unit_code, province_code as unit_code,
        exists (
            select 1 from {{ ref('province_code_conversions') }} as o
            where o.legacy_province_code = pc.legacy_province_code and not o.is_primary
        ) as is_split
    from {{ ref('province_code_conversions') }} as pc
    where is_primary
),

legacy_codes as (
    select source_unit_code, unit_code, is_split, 'converted_commune' as resolution from commune_conversion
    union all
    select source_unit_code, unit_code, is_split, 'converted_province' as resolution from province_conversion
),

pre_reform as (
    select source_unit_code, 'pre_reform' as era, unit_code, resolution, is_split as is_ambiguous
    from legacy_codes
    union all
    -- a current code in a record dated before the reform that the old register does not know
    select c.unit_code, 'pre_reform', c.unit_code, 'current_code_before_reform', false
    from current_units as c
    where not exists (select 1 from legacy_codes as l where l.source_unit_code = c.unit_code)
),

post_reform as (
    select unit_code as source_unit_code, 'post_reform' as era, unit_code, 'current' as resolution,
        false as is_ambiguous
    from current_units
    union all
    select l.source_unit_code, 'post_reform', l.unit_code, l.resolution || '_after_reform', l.is_split
    from legacy_codes as l
    where not exists (select 1 from current_units as c where c.unit_code = l.source_unit_code)
),

departments as (
    select unit_code from {{ ref('int_units__departments') }}
)

select * from pre_reform
union all
select * from post_reform
union all
select d.unit_code, e.era, d.unit_code, 'department_register', false
from departments as d
cross join (values ('pre_reform'), ('post_reform')) as e (era)
