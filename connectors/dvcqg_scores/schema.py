"""The accepted shape of a province's export of the national Decision 766 dashboard (one row per unit and period):

``ROW_STT`` (the dashboard's row number), ``MA_DON_VI`` (the unit: a statistics-office code, a department's code of
the province's register, or an agency identifier NNN.NN.NN.XNN as the dashboard's ``rootDepartmentId`` names it),
``TEN_DON_VI``, the period as the API's ``timeType`` (``LOAI_KY``: month, quarter, half_year or year; thang, quy,
nua_nam, nam accepted), ``NAM`` (yyyy) and ``KY`` (the month 1-12, quarter 1-4 or half-year 1-2; empty for a year),
``TONG_SCORE`` (the total, 0-100), the six group scores ``NHOM_1`` … ``NHOM_6``, and, optionally, one column per
indicator named by the dashboard's metric code (``DOSSIER_SYNC``, ``ORIGINAL_RESULT_AVAILABLE``, …: seed
dvcqg_metric_codes) or by Kho's indicator id (``on_time``): those land in ``_extra`` and staging reads them by name.
Title rows above the header are skipped.
"""

from __future__ import annotations

from connectors.listing import FlatContract

GROUPS = tuple(f"NHOM_{g}" for g in range(1, 7))
FIELDS = ("ROW_STT", "MA_DON_VI", "TEN_DON_VI", "LOAI_KY", "NAM", "KY", "TONG_SCORE", *GROUPS)
CONTRACT = FlatContract(FIELDS)
COLUMNS = CONTRACT.columns
records_to_arrow = CONTRACT.to_arrow
HEADER_KEYS = ("MA_DON_VI", "TONG_SCORE")
