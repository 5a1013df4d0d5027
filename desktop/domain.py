"""The words of the domain as enums: each stores a stable code in the database and shows a Vietnamese label."""

from __future__ import annotations

from enum import StrEnum

from desktop.errors import Refused


class Category(StrEnum):
    """Household category from the yearly poverty review (phân loại hộ)."""

    POOR = "poor"
    NEAR_POOR = "near_poor"
    ESCAPED = "escaped"
    NON_POOR = "non_poor"

    @property
    def label(self) -> str:
        return _CATEGORY_LABELS[self]

    @property
    def is_target(self) -> bool:
        """Poor, near-poor and newly escaped households are who the state budget supports."""
        return self is not Category.NON_POOR

    @classmethod
    def parse(cls, text: str) -> Category:
        """Accept the code (``near_poor``) or the Vietnamese words (``cận nghèo``, ``Hộ cận nghèo``)."""
        from desktop.text import fold

        key = fold(text or "").replace("-", "_").replace(" ", "_")
        for prefix in ("ho_",):
            key = key.removeprefix(prefix)
        found = _CATEGORY_ALIASES.get(key)
        if found is None:
            choices = ", ".join(f"{c.value} ({c.label})" for c in cls)
            raise Refused(f"Phân loại hộ “{text}” không hợp lệ. Chọn một trong: {choices}.")
        return found


_CATEGORY_LABELS = {
    Category.POOR: "Hộ nghèo",
    Category.NEAR_POOR: "Hộ cận nghèo",
    Category.ESCAPED: "Hộ mới thoát nghèo",
    Category.NON_POOR: "Hộ không nghèo",
}

_CATEGORY_ALIASES = {
    "poor": Category.POOR, "ngheo": Category.POOR, "hn": Category.POOR,
    "near_poor": Category.NEAR_POOR, "can_ngheo": Category.NEAR_POOR, "hcn": Category.NEAR_POOR,
    "escaped": Category.ESCAPED, "moi_thoat_ngheo": Category.ESCAPED, "thoat_ngheo": Category.ESCAPED,
    "non_poor": Category.NON_POOR, "khong_ngheo": Category.NON_POOR,
}


class FundingSource(StrEnum):
    """Where the money of one support came from."""

    CENTRAL = "central"
    LOCAL = "local"
    OTHER = "other"
    FUND = "fund"

    @property
    def label(self) -> str:
        return {
            FundingSource.CENTRAL: "Ngân sách trung ương",
            FundingSource.LOCAL: "Ngân sách địa phương",
            FundingSource.OTHER: "Vốn huy động khác",
            FundingSource.FUND: "Vốn luân chuyển thu hồi",
        }[self]


class ProjectStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"
    PUBLIC_WORKS = "public_works"

    @property
    def label(self) -> str:
        return {
            ProjectStatus.ACTIVE: "Đang thực hiện",
            ProjectStatus.CLOSED: "Đã kết thúc",
            ProjectStatus.PUBLIC_WORKS: "Đã chuyển công trình công ích",
        }[self]


class Mode(StrEnum):
    """A commune keeps books; the upper level (district or province) consolidates communes."""

    COMMUNE = "commune"
    UPPER = "upper"
