"""The sandbox province's departments and agencies, shared by the one-stop sandbox (which receives dossiers under
their agency identifiers, ``000.00.NN.<H code>``) and the readiness sandbox (which writes the province's department
register). The list follows the provincial apparatus after the 2025 restructuring (Decree 45/2025: 14 specialised
agencies of the provincial People's Committee), plus three units under a department that receive dossiers on their own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Department:
    number: int  # NN of the agency identifier 000.00.NN.<H code>, the one-stop sandbox's ``dept``
    abbreviation: str
    name: str
    name_en: str
    parent: str | None = None  # the abbreviation of the department it belongs to; None: under the province

    def code(self, province_code: str) -> str:
        """Its unit code in the register: the province code, a dot, its abbreviation (e.g. ``38.STP``)."""
        return f"{province_code}.{self.abbreviation}"


DEPARTMENTS = (
    Department(1, "VPUB", "Văn phòng Ủy ban nhân dân tỉnh", "Office of the Provincial People's Committee"),
    Department(2, "SNV", "Sở Nội vụ", "Department of Home Affairs"),
    Department(3, "STC", "Sở Tài chính", "Department of Finance"),
    Department(4, "STP", "Sở Tư pháp", "Department of Justice"),
    Department(5, "SCT", "Sở Công Thương", "Department of Industry and Trade"),
    Department(6, "SNNMT", "Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment"),
    Department(7, "SXD", "Sở Xây dựng", "Department of Construction"),
    Department(8, "SKHCN", "Sở Khoa học và Công nghệ", "Department of Science and Technology"),
    Department(9, "SGDDT", "Sở Giáo dục và Đào tạo", "Department of Education and Training"),
    Department(10, "SYT", "Sở Y tế", "Department of Health"),
    Department(11, "SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", "Department of Culture, Sports and Tourism"),
    Department(12, "SDTTG", "Sở Dân tộc và Tôn giáo", "Department of Ethnic Minorities and Religions"),
    Department(13, "TTT", "Thanh tra tỉnh", "Provincial Inspectorate"),
    Department(14, "BQLKCN", "Ban Quản lý các khu công nghiệp", "Industrial Zones Authority"),
    Department(15, "CAT", "Công an tỉnh", "Provincial Police"),
    Department(16, "VPDKDD", "Văn phòng Đăng ký đất đai", "Land Registration Office", parent="SNNMT"),
    Department(17, "CCKL", "Chi cục Kiểm lâm", "Forest Protection Sub-department", parent="SNNMT"),
    Department(18, "CCATTP", "Chi cục An toàn vệ sinh thực phẩm", "Food Safety Sub-department", parent="SYT"),
    Department(19, "SNGV", "Sở Ngoại vụ", "Department of Foreign Affairs"),
)
BY_NUMBER = {d.number: d for d in DEPARTMENTS}
BY_ABBREVIATION = {d.abbreviation: d for d in DEPARTMENTS}


def agency_suffix(province_code: str) -> str:
    """The level-1 part of the province's agency identifiers: H56 for Thanh Hóa (the pre-2025 alphabetical list,
    domain.md §3.4); other sandbox provinces get a stand-in."""
    return "H56" if province_code == "38" else f"H{int(province_code) % 64:02d}"


def department_agency_id(province_code: str, number: int) -> str:
    return f"000.00.{number:02d}.{agency_suffix(province_code)}"
