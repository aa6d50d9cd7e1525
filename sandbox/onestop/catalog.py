"""Procedures the sandbox one-stop system serves.

Codes are in the national format ``D.NNNNNN`` (domain.md §6); 1.000894 (marriage registration) is cited in
domain.md, the rest are illustrative codes paired with real procedure names. ``days`` is the statutory processing
time in working days; ``level`` is the online-service level MucDo (2 = information only, 3 = partial, 4 = full
online); ``fee`` is in VND (0 = free).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Procedure:
    code: str
    name: str
    field_code: str
    field_name: str
    tier: str  # "commune" or "province": who is competent
    level: int
    days: int
    fee: int
    weight: float


PROCEDURES: tuple[Procedure, ...] = (
    Procedure("1.001193", "Đăng ký khai sinh", "G15-HT", "Hộ tịch", "commune", 4, 1, 0, 18),
    Procedure("1.000894", "Đăng ký kết hôn", "G15-HT", "Hộ tịch", "commune", 3, 3, 0, 6),
    Procedure("1.000656", "Đăng ký khai tử", "G15-HT", "Hộ tịch", "commune", 4, 1, 0, 5),
    Procedure("2.000635", "Cấp bản sao trích lục hộ tịch", "G15-HT", "Hộ tịch", "commune", 4, 1, 8000, 10),
    Procedure("1.004227", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "G15-CT", "Chứng thực",
              "commune", 3, 1, 2000, 22),
    Procedure("1.003583", "Xác nhận tình trạng hôn nhân", "G15-HT", "Hộ tịch", "commune", 4, 3, 0, 6),
    Procedure("1.001612", "Đăng ký thường trú", "G01-CT", "Cư trú", "commune", 4, 7, 0, 8),
    Procedure("2.000986", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", "G10-DD", "Đất đai",
              "province", 3, 20, 100000, 4),
    Procedure("1.004082", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "G17-XD", "Xây dựng", "province", 3, 15,
              75000, 3),
    Procedure("2.001955", "Đăng ký thành lập hộ kinh doanh", "G12-DN", "Thành lập và hoạt động doanh nghiệp",
              "province", 4, 3, 100000, 5),
    Procedure("1.002804", "Cấp giấy phép lái xe (đổi)", "G11-DB", "Đường bộ", "province", 4, 5, 135000, 6),
    Procedure("3.000181", "Giải quyết trợ cấp xã hội hàng tháng", "G09-BTXH", "Bảo trợ xã hội", "commune", 2,
              10, 0, 3),
    Procedure("1.000489", "Cấp phiếu lý lịch tư pháp", "G15-LLTP", "Lý lịch tư pháp", "province", 4, 10,
              200000, 4),
)
