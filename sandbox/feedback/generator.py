"""Deterministic citizens' feedback (phản ánh, kiến nghị: PAKN) and dossier satisfaction ratings of a simulated
province, tied to the sandbox one-stop system's dossiers (Decision 766 group 5; domain.md §2.2 rows 5.2-5.4).

Some applicants of finished dossiers send feedback about them, and some people send feedback about no dossier.
Each item is handled by the unit that decided the dossier (else a commune): processed (within 15 working days, or
late), rejected (within 2 working days, or late), answered with a request to supplement (within 5), or still open;
a processed item's answer is published (within 2 working days of it, or late). Readers like or dislike the answer;
some items repeat an earlier one. Applicants rate some finished dossiers: very satisfied (1), satisfied (2) or not
satisfied (3). The sender's name and phone number are personal data the warehouse sees only as pseudonyms.

Defects: a unit code no register knows, an answer before the item was received, a rating outside the code list.
``FeedbackRegistry.expected`` is the answer key: each item's outcome and whether the design made it late.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from sandbox.onestop.generator import EV_END, NEVER, OUT_DONE, Dossiers, fmt_ts
from sandbox.onestop.records import person_name
from sandbox.times import DAY, after_working_days, office_reception

ITEM_FIELDS = ("MaPAKN", "MaDonVi", "MaHoSo", "LoaiPAKN", "NguoiGui", "SoDienThoai", "TieuDe", "NgayTiepNhan",
               "KetQua", "NgayXuLy", "NgayCongKhai", "SoThich", "SoKhongThich", "LapLai", "NgayCapNhat")
RATING_FIELDS = ("MaDanhGia", "MaHoSo", "MaDonVi", "MucDo", "NgayDanhGia", "NgayCapNhat")
# the outcome and the working days it is due within (domain.md §2.2 row 5.2)
DUE_DAYS = {"DA_XU_LY": 15, "TU_CHOI": 2, "YEU_CAU_BO_SUNG": 5}
PUBLISH_DAYS = 2
DEFECTS = ("unknown_unit", "answered_before_received")


@dataclass
class Item:
    item_id: str
    unit: str  # the unit code as sent (current)
    dossier_code: str | None
    kind: str
    sender: tuple[str, str]  # name, phone
    received: int
    outcome: str  # DA_XU_LY | TU_CHOI | YEU_CAU_BO_SUNG | DANG_XU_LY (never answered in the period)
    answered: int  # NEVER while open
    published: int  # NEVER unless processed
    late_answer: bool  # designed late: answered after its due working days
    late_publication: bool
    likes: int
    dislikes: int
    repeated: bool
    defect: str | None = None

    def updated_at(self, clock: int) -> int:
        return max((e for e in (self.received, self.answered, self.published) if e < clock), default=-1)

    def render(self, clock: int) -> dict:
        answered = self.answered < clock
        rec = {
            "MaPAKN": self.item_id, "MaDonVi": self.unit, "MaHoSo": self.dossier_code, "LoaiPAKN": self.kind,
            "NguoiGui": self.sender[0], "SoDienThoai": self.sender[1],
            "TieuDe": (f"Phản ánh về hồ sơ {self.dossier_code}" if self.dossier_code
                       else "Kiến nghị về thủ tục hành chính"),
            "NgayTiepNhan": fmt_ts(self.received), "KetQua": self.outcome if answered else "DANG_XU_LY",
            "NgayXuLy": fmt_ts(self.answered) if answered else None,
            "NgayCongKhai": fmt_ts(self.published) if self.published < clock else None,
            "SoThich": str(self.likes if self.published < clock else 0),
            "SoKhongThich": str(self.dislikes if self.published < clock else 0),
            "LapLai": "1" if self.repeated else "0", "NgayCapNhat": fmt_ts(self.updated_at(clock)),
        }
        if self.defect == "unknown_unit":
            rec["MaDonVi"] = "99999"
        elif self.defect == "answered_before_received" and answered:
            rec["NgayXuLy"] = fmt_ts(self.received - 3 * DAY)
        return rec


@dataclass
class Rating:
    rating_id: str
    dossier_code: str
    unit: str
    level: int  # 1 very satisfied, 2 satisfied, 3 not satisfied
    rated: int
    defect: str | None = None

    def updated_at(self, clock: int) -> int:
        return self.rated if self.rated < clock else -1

    def render(self, clock: int) -> dict:
        return {"MaDanhGia": self.rating_id, "MaHoSo": self.dossier_code, "MaDonVi": self.unit,
                "MucDo": "5" if self.defect else str(self.level), "NgayDanhGia": fmt_ts(self.rated),
                "NgayCapNhat": fmt_ts(self.rated)}


class FeedbackRegistry:
    """Every feedback item and rating of one sandbox province."""

    def __init__(self, dossiers: Dossiers, feedback_share: float = 0.04, rating_share: float = 0.25,
                 late_share: float = 0.12, dirty_share: float = 0.02):
        self.dossiers = d = dossiers
        r = random.Random(d.config.seed + 29)
        self.holidays = d.holidays
        finished = [i for i in range(d.n) if int(d.outcome[i]) == OUT_DONE and int(d.events[i, EV_END]) != NEVER]
        self.items: list[Item] = []
        self.ratings: list[Rating] = []
        start, end = d.config.start_date, d.config.end_date
        about = [(i, int(d.events[i, EV_END]) + r.randrange(DAY, 20 * DAY)) for i in finished
                 if r.random() < feedback_share]
        loose = [(None, office_reception(start, end, r)) for _ in range(max(5, len(about) // 4))]
        for n, (i, received) in enumerate(sorted(about + loose, key=lambda x: x[1]), start=1):
            unit = d.unit_code(int(d.unit_idx[i])) if i is not None else d.communes[r.randrange(len(d.communes))].code
            j = i if i is not None else r.randrange(d.n)
            outcome = r.choices(("DA_XU_LY", "TU_CHOI", "YEU_CAU_BO_SUNG", "DANG_XU_LY"), (80, 8, 7, 5))[0]
            late = r.random() < late_share
            answered = published = NEVER
            late_pub = False
            if outcome != "DANG_XU_LY":
                due = DUE_DAYS[outcome]
                days = r.randint(due + 1, due + 8) if late else r.randint(max(1, due // 3), due)
                answered = self.after_working_days(received, days) + r.randrange(-2 * 3600, 2 * 3600)
                answered = max(answered, received + 3600)
                if outcome == "DA_XU_LY":
                    late_pub = r.random() < 0.1
                    published = self.after_working_days(answered, r.randint(3, 5) if late_pub else r.randint(0, 2))
                    published = max(published, answered + 600)
            likes, dislikes = r.randrange(0, 6), r.choices((0, 1, 3, 6), (60, 20, 12, 8))[0]
            item = Item(f"PAKN-{d.province.code}-{n:06d}", unit, d.dossier_code(i) if i is not None else None,
                        r.choice(("PHAN_ANH", "KIEN_NGHI")), (person_name(d, j), f"09{r.randrange(10**8):08d}"),
                        received, outcome, answered, published, late, late_pub, likes, dislikes,
                        r.random() < 0.05)
            if r.random() < dirty_share:
                item.defect = r.choice(DEFECTS)
            self.items.append(item)
        for n, i in enumerate((i for i in finished if r.random() < rating_share), start=1):
            level = r.choices((1, 2, 3), (45, 47, 8))[0]
            rated = int(d.events[i, EV_END]) + r.randrange(3600, 5 * DAY)
            rating = Rating(f"DG-{d.province.code}-{n:07d}", d.dossier_code(i), d.unit_code(int(d.unit_idx[i])),
                            level, rated, "bad_level" if r.random() < dirty_share / 2 else None)
            self.ratings.append(rating)

    def after_working_days(self, start: int, days: int) -> int:
        return after_working_days(start, days, self.holidays)

    # -- what the system shows -------------------------------------------------------------------------------
    def visible(self, clock: int) -> list[tuple[int, Item]]:
        return sorted(((i.updated_at(clock), i) for i in self.items if i.updated_at(clock) >= 0),
                      key=lambda x: (x[0], x[1].item_id))

    def visible_ratings(self, clock: int) -> list[tuple[int, Rating]]:
        return sorted(((g.updated_at(clock), g) for g in self.ratings if g.updated_at(clock) >= 0),
                      key=lambda x: (x[0], x[1].rating_id))

    # -- the answer key ----------------------------------------------------------------------------------------
    def refused(self, clock: int) -> dict[str, str]:
        """Item or rating id → the rule validation refuses it under (among those visible at ``clock``)."""
        out = {i.item_id: {"unknown_unit": "unit_code_known", "answered_before_received": "answered_after_received"}
               [i.defect] for _, i in self.visible(clock)
               if i.defect and (i.defect == "unknown_unit" or i.answered < clock)}
        out.update({g.rating_id: "level_code_list" for _, g in self.visible_ratings(clock) if g.defect})
        return out

    def expected(self, clock: int) -> dict[str, dict]:
        """Item id → its outcome as of ``clock`` and the design's lateness, for the items validation keeps."""
        refused = self.refused(clock)
        return {i.item_id: {"outcome": i.outcome if i.answered < clock else "DANG_XU_LY",
                            "late_answer": i.late_answer and i.answered < clock,
                            "late_publication": i.late_publication and i.published < clock}
                for _, i in self.visible(clock) if i.item_id not in refused}
