import re
from collections import Counter
from datetime import datetime

import httpx
import pytest

from kho.domain.legacy_units import commune_code_map
from kho.domain.units import communes_of, unit_codes
from sandbox.onestop.generator import Dossiers, SandboxConfig, fmt_ts, to_epoch
from sandbox.onestop.records import render

TS14 = re.compile(r"^\d{14}$")


def test_same_seed_same_records_other_seed_other_records():
    a, b = Dossiers(SandboxConfig(dossiers=300)), Dossiers(SandboxConfig(dossiers=300))
    c = Dossiers(SandboxConfig(dossiers=300, seed=7))
    ra = [render(a, i, a.default_clock) for i in range(300)]
    assert ra == [render(b, i, b.default_clock) for i in range(300)]
    assert ra != [render(c, i, c.default_clock) for i in range(300)]


def test_clean_records_follow_the_dvcqg_shape_and_real_units():
    d = Dossiers(SandboxConfig(dossiers=2000, dirty_share=0, legacy_code_share=0))
    recs = [render(d, i, d.default_clock) for i in range(d.n)]
    province_units = {u.code for u in communes_of("38")} | {"38"}
    for r in recs:
        assert TS14.match(r["NgayTiepNhan"]) and r["KenhThucHien"] in {"1", "2", "3"}
        assert r["TrangThaiHoSo"] in {str(i) for i in range(1, 11)}
        assert r["MaDonViXuLy"] in province_units and r["MaDonViXuLy"] in unit_codes()
        if r["NgayKetThucXuLy"]:
            assert r["NgayKetThucXuLy"] >= r["NgayTiepNhan"]
    assert len({r["MaHoSo"] for r in recs}) == len(recs)
    # realistic spread: some online, some late, some refused, many units
    assert 0.3 < Counter(r["KenhThucHien"] for r in recs)["2"] / len(recs) < 0.7
    assert any(r["TrangThaiHoSo"] == "3" for r in recs) and any(r["DanhSachHoSoBoSung"] for r in recs)
    assert any(r["NgayKetThucXuLy"][:8] > r["NgayHenTra"][:8] for r in recs if r["NgayKetThucXuLy"])
    assert len({r["MaDonViXuLy"] for r in recs}) > 50


def test_some_systems_still_send_pre_2025_codes_of_the_right_commune():
    d = Dossiers(SandboxConfig(dossiers=3000, dirty_share=0, legacy_code_share=0.2))
    current = unit_codes()
    receiving = {m.old_code: m.new_code for m in commune_code_map() if m.is_primary}
    legacy = 0
    for i in range(d.n):
        sent = render(d, i, d.default_clock)["MaDonViXuLy"]
        if sent not in current:
            legacy += 1
            assert receiving[sent] == d.unit_code(int(d.unit_idx[i]))
    commune_dossiers = int((d.unit_idx >= 0).sum())
    assert 0.1 * commune_dossiers < legacy < 0.25 * commune_dossiers  # 20% of those with an absorbed commune


def test_dirty_share_is_configurable():
    d = Dossiers(SandboxConfig(dossiers=5000, dirty_share=0.1))
    assert 450 <= (d.dirty_kind >= 0).sum() <= 550
    assert (Dossiers(SandboxConfig(dossiers=5000, dirty_share=0)).dirty_kind >= 0).sum() == 0


def test_dossiers_change_as_the_clock_moves():
    d = Dossiers(SandboxConfig(dossiers=500))
    early = to_epoch(datetime(2026, 3, 1))
    changed = [i for i in range(d.n) if d.events[i][1] < early
               and render(d, i, early)["TrangThaiHoSo"] != render(d, i, d.default_clock)["TrangThaiHoSo"]]
    assert changed, "some dossiers open on 1 March must have moved on by the end of the period"
    i = changed[0]
    assert render(d, i, early)["NgayCapNhat"] < render(d, i, d.default_clock)["NgayCapNhat"]


def test_api_needs_the_token_and_pages_a_half_open_window(make_sandbox):
    srv = make_sandbox(dossiers=700)
    assert httpx.get(f"{srv.url}/api/v1/dossiers").status_code == 401
    h = {"Authorization": "Bearer sandbox-token"}
    app = srv.app
    frm, to = "20260201000000", "20260301000000"
    got, page = [], 1
    while True:
        body = httpx.get(f"{srv.url}/api/v1/dossiers", headers=h,
                         params={"updated_from": frm, "updated_to": to, "page": page, "page_size": 50}).json()
        got += body["data"]
        if not body["has_more"]:
            break
        page += 1
    expected = [r for r in app.all_records() if frm <= r["NgayCapNhat"] < to]
    assert sorted(r["MaHoSo"] + r["NgayCapNhat"] for r in got) == \
        sorted(r["MaHoSo"] + r["NgayCapNhat"] for r in expected)
    assert fmt_ts(to_epoch(datetime(2026, 1, 2, 3, 4, 5))) == "20260102030405"


def test_histories_are_realistic_and_sync_lags_vary():
    d = Dossiers(SandboxConfig.clean(dossiers=4000, legacy_code_share=0))
    recs = [render(d, i, d.default_clock) for i in range(d.n)]
    statuses = Counter(r["TrangThaiHoSo"] for r in recs)
    for status in ("3", "7", "8", "9", "10"):  # refused, withdrawn, stopped, processed, returned
        assert statuses[status] > 10, status
    rounds = Counter(len(r["DanhSachHoSoBoSung"]) for r in recs)
    assert rounds[1] > 100 and rounds[2] > 20  # several supplement rounds
    for r in recs:
        steps = [s["ThoiDiemXuLy"] for s in r["QuaTrinhXuLy"]]
        assert steps == sorted(steps) and r["QuaTrinhXuLy"][-1]["TrangThai"] == r["TrangThaiHoSo"]
        for s in r["DanhSachHoSoBoSung"]:
            assert not s["NgayTiepNhanBoSung"] or s["NgayTiepNhanBoSung"] > s["NgayBoSung"]
        if r["NgayDongBoDVC"]:
            assert r["TrangThaiDongBoDVC"] == "1" and r["NgayDongBoDVC"] >= r["NgayTiepNhan"]
            assert r["NgayCapNhat"] >= r["NgayDongBoDVC"]
    # boundary-free reception: some dossiers are received by another commune than the one that decides
    assert 0 < sum(r["MaDonViTiepNhan"] != r["MaDonViXuLy"] for r in recs) < 0.1 * len(recs)
    # most sync within the hour, some days later, some never; a few communes' links are broken
    never = [r for r in recs if not r["NgayDongBoDVC"]]
    assert 0.02 * len(recs) < len(never) < 0.2 * len(recs)
    lags = [(datetime.strptime(r["NgayDongBoDVC"], "%Y%m%d%H%M%S")
             - datetime.strptime(r["NgayTiepNhan"], "%Y%m%d%H%M%S")).total_seconds() for r in recs if r not in never]
    assert sum(lag < 3600 for lag in lags) > 0.8 * len(lags) and max(lags) > 86400
    assert any(r["DSKetNoiCSDL"] for r in recs) and any(r["TaiKhoanDuocXacThucVoiVNeID"] == "1" for r in recs)


def test_a_dossier_syncs_after_it_was_first_extracted():
    d = Dossiers(SandboxConfig(dossiers=500))
    from sandbox.onestop.generator import EV_RECEIVE, EV_SYNC, NEVER

    i = next(i for i in range(d.n) if d.events[i][EV_SYNC] != NEVER
             and d.events[i][EV_SYNC] - d.events[i][EV_RECEIVE] > 3600)
    before = render(d, i, int(d.events[i][EV_SYNC]))  # the clock just before the sync
    after = render(d, i, int(d.events[i][EV_SYNC]) + 1)
    assert before["TrangThaiDongBoDVC"] == "0" and after["TrangThaiDongBoDVC"] == "1"
    assert after["NgayCapNhat"] > before["NgayCapNhat"]  # the cursor moves, so the next window picks it up


def test_some_histories_arrive_never_late_or_stale_and_the_answer_key_has_them_whole():
    from sandbox.onestop.generator import EV_END, HIST_FULL, HIST_LATE, HIST_NEVER, HIST_STALE

    d = Dossiers(SandboxConfig(dossiers=4000))
    modes = Counter(d.history_mode.tolist())
    assert 0.04 * d.n < modes[HIST_NEVER] < 0.08 * d.n and modes[HIST_LATE] > 0.02 * d.n and modes[HIST_STALE] > 20
    clock = d.default_clock
    for i in range(d.n):
        served, key = render(d, i, clock), render(d, i, clock, full_history=True)
        assert key["QuaTrinhXuLy"] and key["TrangThaiHoSo"] == served["TrangThaiHoSo"]
        mode = int(d.history_mode[i])
        if mode == HIST_FULL:
            assert served["QuaTrinhXuLy"] == key["QuaTrinhXuLy"]
        elif mode == HIST_NEVER:
            assert served["QuaTrinhXuLy"] == []
        elif mode == HIST_STALE:
            assert not {s["TrangThai"] for s in served["QuaTrinhXuLy"]} & {"3", "7", "8", "9", "10"}
    late = next(i for i in range(d.n) if d.history_mode[i] == HIST_LATE and d.events[i][EV_END] < clock - 40 * 86400)
    at = int(d.history_at[late])
    before, after = render(d, late, at), render(d, late, at + 1)
    assert before["QuaTrinhXuLy"] == [] and after["QuaTrinhXuLy"]
    assert after["NgayCapNhat"] > before["NgayCapNhat"]  # the next window re-extracts it with its history
    assert int(d.updated_at(at + 1)[late]) == at


def test_some_processed_dossiers_are_digitized_later_without_a_new_sync():
    from sandbox.onestop.generator import EV_END

    d = Dossiers(SandboxConfig(dossiers=4000))
    later = [i for i in range(d.n) if d.digitized_at[i]]
    assert 0.01 * d.n < len(later) < 0.05 * d.n
    assert not d.digitized[later].any() and (d.digitized_at[later] > d.events[later, EV_END]).all()
    i = later[0]
    at = int(d.digitized_at[i])
    before, after = render(d, i, at), render(d, i, at + 1)
    assert (before["HoSoCoThanhPhanSoHoa"], after["HoSoCoThanhPhanSoHoa"]) == ("0", "1")
    assert {c["DuocSoHoa"] for c in before["TaiLieuNop"]} == {"0"}
    assert {c["DuocSoHoa"] for c in after["TaiLieuNop"]} == {"1"}
    assert after["NgayCapNhat"] == fmt_ts(at) > before["NgayCapNhat"]  # the next window re-extracts it
    assert int(d.updated_at(at + 1)[i]) == at
    assert (after["TrangThaiHoSo"], after["NgayDongBoDVC"]) == (before["TrangThaiHoSo"], before["NgayDongBoDVC"])


@pytest.mark.parametrize("compressed", [False, True], ids=["in-memory", "compressed"])
def test_held_back_changes_come_when_released_and_prerendered_pages_match_rendered_ones(compressed, monkeypatch):
    """What `kho bench` relies on: holding the clock back leaves exactly K dossiers short of their final version
    (new or updated), releasing it brings exactly those; pre-rendered pages are the same JSON as rendered ones,
    including after the clock moved past the cache, and when the cache is compressed (a source too large for the
    machine's memory as JSON: --dossiers 5000000)."""
    import msgspec

    from sandbox.onestop import server
    from sandbox.onestop.server import SandboxOneStop

    if compressed:
        monkeypatch.setattr(server, "PRERENDER_MEMORY_SHARE", 0.0)
    app = SandboxOneStop(SandboxConfig(dossiers=1500), prerendered_pages=True)
    end = app.clock
    final = {int(i): render(app.dossiers, int(i), end) for i in app.select(0, end + 1)}
    held = app.hold_back(40)
    before = {int(i): render(app.dossiers, int(i), held) for i in app.select(0, held + 1)}
    changed = {i for i, r in final.items() if before.get(i) != r}
    assert len(changed) == 40 and any(i not in before for i in changed) and any(i in before for i in changed)
    assert app.prerender(workers=2) == len(before)
    assert app.prerender_compressed is compressed

    def pages(updated_from: int, updated_to: int, size: int) -> list[dict]:
        out, page = [], 1
        while True:
            raw = msgspec.json.decode(app.page_bytes(updated_from, updated_to, page, size))
            assert raw == app.page(updated_from, updated_to, page, size)
            out.append(raw)
            if not raw["has_more"]:
                return out
            page += 1

    assert sum(len(p["data"]) for p in pages(0, held + 1, 400)) == len(before)
    app.release()  # the cache holds the held-back clock's versions: pages are rendered anew
    after = [r for p in pages(held, app.clock + 1, 400) for r in p["data"]]
    assert sorted(map(msgspec.json.encode, after)) == sorted(msgspec.json.encode(final[i]) for i in changed)
