"""Render one sandbox dossier, as seen at a clock time, as a DVCQG sync object (domain.md §1.2–1.4)."""

from __future__ import annotations

import random

from sandbox.onestop.catalog import PROCEDURES
from sandbox.onestop.generator import (
    DIRTY_KINDS,
    EV_END,
    EV_PROCESS,
    EV_RECEIVE,
    EV_RETURN,
    EV_SUBMIT,
    EV_SUP1,
    EV_SUP1_DONE,
    EV_SUP2,
    EV_SUP2_DONE,
    EV_SYNC,
    FAMILY,
    GIVEN_F,
    GIVEN_M,
    HIST_FULL,
    HIST_LATE,
    HIST_STALE,
    MIDDLE_F,
    MIDDLE_M,
    NEVER,
    OLD_PROVINCES,
    OUT_DONE,
    OUT_REFUSED,
    OUT_STOPPED,
    OUT_WITHDRAWN,
    Dossiers,
    fmt_ts,
)

POPULATION_DB_CODE = "7"  # the MaCSDL the public sync code sends (domain.md §1.2; the code list was not found)
_END_STATUS = {OUT_DONE: "9", OUT_WITHDRAWN: "7", OUT_STOPPED: "8"}
_STEP = {
    EV_SUBMIT: ("1", "Nộp hồ sơ trực tuyến"),
    EV_RECEIVE: ("2", "Tiếp nhận hồ sơ"),
    EV_PROCESS: ("4", "Chuyển xử lý"),
    EV_SUP1: ("5", "Yêu cầu bổ sung giấy tờ"),
    EV_SUP1_DONE: ("4", "Hoàn thành bổ sung"),
    EV_SUP2: ("5", "Yêu cầu bổ sung giấy tờ"),
    EV_SUP2_DONE: ("4", "Hoàn thành bổ sung"),
    EV_RETURN: ("10", "Trả kết quả"),
}
_END_TEXT = {"9": "Đã xử lý xong", "7": "Công dân rút hồ sơ", "8": "Dừng xử lý"}
_DIRTY = {k: i for i, k in enumerate(DIRTY_KINDS)}


def citizen_id(d: Dossiers, i: int) -> str:
    """12-digit personal ID: birth-registration province, century+sex digit, birth year, 6 random digits."""
    year = int(d.birth_year[i])
    century_sex = (0 if year < 2000 else 2) + int(d.female[i])
    return f"{OLD_PROVINCES[d.id_prov[i]]}{century_sex}{year % 100:02d}{int(d.id_serial[i]):06d}"


def person_name(d: Dossiers, i: int) -> str:
    r = random.Random(int(d.name_seed[i]))
    if d.female[i]:
        return f"{r.choice(FAMILY)} {r.choice(MIDDLE_F)} {r.choice(GIVEN_F)}"
    return f"{r.choice(FAMILY)} {r.choice(MIDDLE_M)} {r.choice(GIVEN_M)}"


def history_visible(d: Dossiers, i: int, clock: int) -> bool:
    """Whether the API shows dossier ``i``'s processing history at ``clock`` (never for some, late for others)."""
    mode = int(d.history_mode[i])
    return mode in (HIST_FULL, HIST_STALE) or (mode == HIST_LATE and bool(d.history_at[i] < clock))


def render(d: Dossiers, i: int, clock: int, full_history: bool = False) -> dict:
    """Dossier ``i`` as the one-stop system shows it at ``clock`` (epoch seconds, exclusive). ``full_history``: with
    the whole processing history whatever reached the API (the answer key of judging dossiers without it)."""
    ev = d.events[i]
    proc = PROCEDURES[d.proc[i]]
    kind = int(d.dirty_kind[i])
    outcome = int(d.outcome[i])
    code = d.dossier_code(i)
    unit_idx, recv_idx, dept = int(d.unit_idx[i]), int(d.recv_unit_idx[i]), int(d.dept[i])
    handler = d.unit_name(unit_idx, dept)
    visible = [(slot, int(t)) for slot, t in enumerate(ev) if t != NEVER and t < clock]
    steps = [(slot, t) for slot, t in visible if slot != EV_SYNC]

    history = []
    status = "1"
    for slot, t in steps:
        if slot == EV_END:
            if outcome == OUT_REFUSED:
                continue
            st, text = _END_STATUS[outcome], _END_TEXT[_END_STATUS[outcome]]
        elif slot == EV_RECEIVE and outcome == OUT_REFUSED:
            st, text = "3", "Không được tiếp nhận: hồ sơ không đủ điều kiện"
        else:
            st, text = _STEP[slot]
        status = st
        history.append({
            "MaHoSo": code, "NguoiXuLy": f"Cán bộ {dept:02d}", "ChucDanh": "Chuyên viên",
            "ThoiDiemXuLy": fmt_ts(t), "PhongBanXuLy": handler, "NoiDungXuLy": text, "TrangThai": st,
            "NgayBatDau": fmt_ts(ev[EV_RECEIVE]), "NgayKetThucTheoQuyDinh": fmt_ts(d.due[i]),
        })
    seen = {slot for slot, _ in visible}
    updated = max(t for _, t in visible)
    if not full_history:
        if int(d.history_mode[i]) == HIST_STALE:
            history = [h for h in history if h["TrangThai"] in ("1", "2", "4", "5")]
        elif not history_visible(d, i, clock):
            history = []
        elif int(d.history_mode[i]) == HIST_LATE:
            updated = max(updated, int(d.history_at[i]))
    if 0 < d.edited_at[i] < clock:
        updated = max(updated, int(d.edited_at[i]))
    if 0 < d.digitized_at[i] < clock:
        updated = max(updated, int(d.digitized_at[i]))
    digitized = d.is_digitized(i, clock)

    supplements = []
    for req, done in ((EV_SUP1, EV_SUP1_DONE), (EV_SUP2, EV_SUP2_DONE)):
        if req in seen:
            supplements.append({
                "HoSoBoSungId": f"{code}-BS{len(supplements) + 1}", "NguoiYeuCauBoSung": f"Cán bộ {dept:02d}",
                "NoiDungBoSung": "Bổ sung bản sao giấy tờ tùy thân", "NgayBoSung": fmt_ts(ev[req]),
                "NguoiTiepNhanBoSung": f"Cán bộ {dept:02d}" if done in seen else "",
                "ThongTinTiepNhan": "", "NgayTiepNhanBoSung": fmt_ts(ev[done]) if done in seen else "",
                "TrangThaiBoSung": done in seen, "DanhSachGiayToBoSung": [], "DanhSachLePhiBoSung": [],
                "NgayHenTraTruoc": fmt_ts(d.due[i]), "NgayHenTraMoi": fmt_ts(d.due[i]),
            })

    citizen = d.applicant_type[i] == 1
    owner_id = citizen_id(d, i) if citizen else f"28{int(d.id_serial[i]):08d}"  # tax code for organisations
    if kind == _DIRTY["bad_citizen_id"]:
        owner_id = owner_id[:-1] if i % 2 else "099" + owner_id[3:]  # 11 digits / non-existent province
    online = d.channel[i] == 2
    finished = EV_END in seen and outcome in (OUT_DONE, OUT_STOPPED)
    received = ev[EV_RECEIVE]
    end = ev[EV_END] if kind != _DIRTY["finished_before_received"] else received - 2 * 86400
    unit_code = d.unit_code_sent(unit_idx, i)
    recv_code = d.unit_code_sent(recv_idx, i)
    if kind == _DIRTY["unknown_unit"]:
        unit_code = recv_code = f"99{int(d.id_serial[i]) % 1000:03d}"
    ngay_tiep_nhan = fmt_ts(received)
    if kind == _DIRTY["wrong_date_format"]:
        ngay_tiep_nhan = f"{ngay_tiep_nhan[6:8]}/{ngay_tiep_nhan[4:6]}/{ngay_tiep_nhan[:4]} " \
                         f"{ngay_tiep_nhan[8:10]}:{ngay_tiep_nhan[10:12]}:{ngay_tiep_nhan[12:]}"
    due = "" if outcome == OUT_REFUSED or kind == _DIRTY["missing_due_date"] else fmt_ts(d.due[i])

    docs = [{
        "TepDinhKemId": f"{code}-TL{k + 1}", "TenTepDinhKem": f"Thành phần hồ sơ {k + 1}.pdf", "IsDeleted": "0",
        "MaThanhPhanHoSo": f"TP{k + 1}", "DuongDanTaiTepTin": f"https://motcua.sandbox.local/files/{code}/{k + 1}",
        "DuocSoHoa": "1" if digitized else "0", "DuocTaiSuDung": "1" if digitized and k == 0 else "0",
        "DuocLayTuKhoDMQG": "1" if d.from_store[i] and k == 0 else "0", "MaKetQuaThayThe": "",
    } for k in range(int(d.n_docs[i]))]
    fees = [{"TenPhiLePhi": f"Lệ phí {proc.name.lower()}", "MaPhiLePhi": "1", "HinhThucThu": "1",
             "Gia": str(proc.fee), "LoaiPhiLePhi": "1"}] if proc.fee else []
    results = [{"TenGiayTo": f"Kết quả: {proc.name}", "MaThanhPhanHoSo": "KQ1", "GiayToId": f"{code}-KQ",
                "DuongDanTepTinKetQua": f"https://motcua.sandbox.local/results/{code}",
                "MaGiayToKetQua": f"KQ-{code}"}] if finished and d.e_result[i] else []

    return {
        "MaHoSo": code,
        "MaTTHC": proc.code,
        "TenTTHC": proc.name,
        "MaLinhVuc": proc.field_code,
        "TenLinhVuc": proc.field_name,
        "KenhThucHien": str(int(d.channel[i])),
        "LoaiDoiTuong": str(int(d.applicant_type[i])),
        "ChuHoSo": person_name(d, i) if citizen else f"Hộ kinh doanh {person_name(d, i)}",
        "SoGiayToChuHoSo": owner_id,
        "MaDoiTuong": f"TK{int(d.name_seed[i]) % 10**8:08d}" if online else None,
        "SoDienThoai": f"09{int(d.id_serial[i]) % 10**8:08d}",
        "Email": "",
        "TrichYeuHoSo": f"{proc.name} - {handler}",
        "NgayNopHoSo": fmt_ts(ev[EV_SUBMIT]) if online else ngay_tiep_nhan,
        "NgayTiepNhan": ngay_tiep_nhan,
        "NgayHenTra": due,
        "TrangThaiHoSo": status,
        "NgayKetThucXuLy": fmt_ts(end) if finished else "",
        "NgayTra": fmt_ts(ev[EV_RETURN]) if EV_RETURN in seen else "",
        "NgayTuChoi": fmt_ts(received) if outcome == OUT_REFUSED else "",
        "DonViXuLy": handler,
        "MaDonViXuLy": unit_code,
        "MaDonViTiepNhan": recv_code,
        "NoiNopHoSo": "1" if online and i % 4 == 0 else "2",
        "HoSoCoThanhPhanSoHoa": "1" if digitized else "0",
        "TaiKhoanDuocXacThucVoiVNeID": "1" if d.vneid[i] else "0",
        "DuocThanhToanTrucTuyen": str(int(d.paid_online[i])),
        "TrangThaiDongBoDVC": "1" if EV_SYNC in seen else "0",
        "NgayDongBoDVC": fmt_ts(ev[EV_SYNC]) if EV_SYNC in seen else "",
        "NgayCapNhat": fmt_ts(updated),
        "DSKetNoiCSDL": [{"MaCSDL": POPULATION_DB_CODE}] if citizen and d.population_db[i] else [],
        "DinhDanhCHS": [{"LoaiDinhDanh": "1", "SoDinhDanh": owner_id}] if citizen else [],
        "TaiLieuNop": docs,
        "DanhSachLePhi": fees,
        "DanhSachHoSoBoSung": supplements,
        "DanhSachGiayToKetQua": results,
        "QuaTrinhXuLy": history,
    }
