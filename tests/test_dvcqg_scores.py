"""The national dashboard's exports: read below their title rows, a file without the header refused whole, and
crafted rows breaking exactly the rules they should."""

from __future__ import annotations

import pytest
from registry_truth import check_crafted

from connectors.dvcqg_scores.streams import read_scores
from connectors.spreadsheets import FileRejected


def test_an_export_is_read_below_its_title_and_a_file_without_the_header_refused(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["BẢNG XẾP HẠNG CHỈ SỐ 766"])
    ws.append(["row_stt", "ma_don_vi", "TEN_DON_VI", "LOAI_KY", "NAM", "KY", "tong_score", "NHOM_2", "on_time"])
    ws.append([1, "16279", "Xã Nông Cống", "month", 2026, 3, 71.25, 18.5, 18.5])
    path = tmp_path / "766.xlsx"
    wb.save(path)
    [row] = read_scores(path, path.read_bytes())
    assert (row["MA_DON_VI"], row["NAM"], row["KY"], row["TONG_SCORE"], row["on_time"]) == \
        ("16279", "2026", "3", "71.25", "18.5")
    other = tmp_path / "other.csv"
    other.write_text("MaXa,KyBaoCao\n16279,2026-03\n", encoding="utf-8")
    with pytest.raises(FileRejected) as exc:
        read_scores(other, other.read_bytes())
    assert exc.value.rule == "not_a_dashboard_export"


@pytest.mark.integration
def test_crafted_dashboard_rows_break_exactly_their_rules(fresh_schema, settings):
    base = {"ROW_STT": "1", "MA_DON_VI": "16279", "TEN_DON_VI": "Xã Nông Cống", "LOAI_KY": "month", "NAM": "2026",
            "KY": "3", "TONG_SCORE": "71.25", "NHOM_1": "12", "NHOM_2": "18.5", "NHOM_3": "9", "NHOM_4": "15",
            "NHOM_5": "12", "NHOM_6": "4.75"}
    from kho.domain.units import communes_of

    communes = iter(c.code for c in communes_of("38"))

    def case(change=lambda r: None):  # each case its own commune: the rows are told apart by their key
        code = next(communes)
        return lambda r: (r.update(MA_DON_VI=code), change(r))

    cases = {
        "ok": (case(), set()),
        "department": ((lambda r: r.update(MA_DON_VI="38.STP")), set()),
        "agency": ((lambda r: r.update(MA_DON_VI="000.00.04.H56")), set()),
        "vietnamese_type": (case(lambda r: r.update(LOAI_KY="Quy", KY="1")), set()),
        "year": (case(lambda r: r.update(LOAI_KY="nam", KY=None)), set()),
        "comma": (case(lambda r: r.update(TONG_SCORE="71,25")), set()),
        "unknown_unit": ((lambda r: r.update(MA_DON_VI="99999")), {"unit_code_known"}),
        "type": (case(lambda r: r.update(LOAI_KY="week")), {"period_type_code_list"}),
        "month_13": (case(lambda r: r.update(KY="13")), {"period_number_fits_type"}),
        "quarter_5": (case(lambda r: r.update(LOAI_KY="quarter", KY="5")), {"period_number_fits_type"}),
        "year_with_number": (case(lambda r: r.update(LOAI_KY="year", KY="3")), {"period_number_fits_type"}),
        "no_month": (case(lambda r: r.update(KY=None)), {"period_number_fits_type"}),
        "total_over": (case(lambda r: r.update(TONG_SCORE="101")), {"total_is_a_score"}),
        "total_text": (case(lambda r: r.update(TONG_SCORE="n/a")), {"total_is_a_score"}),
        "group_over": (case(lambda r: r.update(NHOM_6="12")), {"group_6_is_a_score"}),
        "year_format": (case(lambda r: r.update(NAM="26")), {"year_format"}),
        "no_total": (case(lambda r: r.update(TONG_SCORE=None)), {"tong_score_required"}),
    }
    check_crafted(fresh_schema, settings, "dvcqg_scores", None, base, cases, set(),
                  key_of=lambda r: f"{r['MA_DON_VI']}/{r['LOAI_KY']}/{r['NAM']}/{r['KY'] or ''}")
