"""How a project's lead is named in documents and the window: "HTX Nông nghiệp Đức Chính (hợp tác xã) —
đại diện: Phạm Văn Hùng — mã số: 0801234567". Its own module so the reports and the services both read it."""

from __future__ import annotations

LEAD_KINDS = {"cooperative": "Hợp tác xã", "cooperative_group": "Tổ hợp tác", "household_group": "Nhóm hộ"}


def kind_label(kind: str) -> str:
    return LEAD_KINDS.get(kind, kind)


def describe_lead(kind: str, name: str, representative: str = "", registration_code: str = "",
                  *, separator: str = " — ") -> str:
    """The lead in one line; what was not recorded is left out rather than shown empty."""
    parts = [f"{name} ({kind_label(kind).lower()})"]
    if representative:
        parts.append(f"đại diện: {representative}")
    if registration_code:
        parts.append(f"mã số: {registration_code}")
    return separator.join(parts)
