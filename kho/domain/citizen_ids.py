"""The 12-digit personal identification number (domain.md §4), as rules the validation suites share.

Digits 1-3: the pre-2025 province where the birth was registered; digit 4: century and sex (1900s: male 0, female 1;
2000s: male 2, female 3; each later century +2); digits 5-6: the birth year's last two digits; 6 random digits.
There is no check digit. A legacy 9-digit CMND is accepted where a record may still carry one.
"""

from __future__ import annotations

from kho.domain.legacy_units import citizen_id_prefixes


def citizen_id_regex() -> str:
    return rf"^(({'|'.join(citizen_id_prefixes())})[0-9]{{9}}|[0-9]{{9}})$"


def inconsistency_sql(id_sql: str, birth_date_sql: str, female_sql: str) -> str:
    """SQL text naming how a 12-digit ID contradicts the person's sex and birth date, or null (also when either is
    unknown). ``female_sql`` is a boolean expression, ``birth_date_sql`` a date. Braces are doubled: the text is
    meant for a suite's batch query, which goes through ``str.format``."""
    expected = f"((extract(year from {birth_date_sql})::int / 100 - 19) * 2 + case when {female_sql} then 1 else 0 end)"
    return (
        f"case when {id_sql} ~ '^[0-9]{{{{12}}}}$' and {birth_date_sql} is not null and {female_sql} is not null then "
        f"nullif(concat_ws('; ', "
        f"case when substr({id_sql}, 4, 1)::int <> {expected} then 'digit 4 is ' || substr({id_sql}, 4, 1) "
        f"|| ', sex and century give ' || {expected} end, "
        f"case when substr({id_sql}, 5, 2) <> to_char({birth_date_sql}, 'YY') then 'digits 5-6 are ' "
        f"|| substr({id_sql}, 5, 2) || ', birth year gives ' || to_char({birth_date_sql}, 'YY') end), '') end"
    )
