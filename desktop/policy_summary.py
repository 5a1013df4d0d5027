"""A policy in words, for the clerk: one line per category of household, then the limits. The window
shows it beside the file and in a project; it reads ``FundPolicy.rule_for`` like the schedule does."""

from __future__ import annotations

from desktop.domain import Category
from desktop.money import format_vnd
from desktop.policy import CategoryRule, FundPolicy


def _percent(bp: int) -> str:
    return f"{bp / 100:g}".replace(".", ",") + "%"


def category_line(rule: CategoryRule) -> str:
    label = Category(rule.category).label
    if not rule.eligible:
        return f"{label}: không hỗ trợ từ ngân sách (tham gia bằng vốn của hộ)." \
            if rule.category == Category.NON_POOR.value else f"{label}: không thuộc diện hỗ trợ của quy định này."
    if rule.in_kind is not None:
        what = f"trả bằng hiện vật {rule.in_kind.describe()}"
    elif rule.return_amount is not None:
        what = f"hoàn trả {format_vnd(rule.return_amount)} đ"
    else:
        what = f"hoàn trả {rule.return_share[0]}/{rule.return_share[1]} mức hỗ trợ"
    months = ", ".join(str(m) for m in rule.installment_months)
    after = f"sau {rule.grace_months} tháng ân hạn" if rule.grace_months else "sau ngày hỗ trợ"
    count = len(rule.installment_months)
    shares = "" if count == 1 else ", chia đều" if rule.installment_shares is None else \
        ", phần " + ", ".join(f"{n}/{d}" for n, d in rule.installment_shares)
    return f"{label}: hỗ trợ {format_vnd(rule.support)} đ; {what}; {count} kỳ vào tháng {months} {after}{shares}."


def describe(policy: FundPolicy) -> list[str]:
    lines = [category_line(policy.rule_for(c)) for c in Category]
    cap = f"một hộ {format_vnd(policy.cap_per_household)} đ, " if policy.cap_per_household else ""
    lines.append(f"Làm tròn {format_vnd(policy.rounding_unit)} đ (mỗi kỳ làm tròn xuống, kỳ cuối nhận phần còn lại). "
                 f"Mức trần: {cap}một dự án {format_vnd(policy.cap_per_project)} đ.")
    lines.append(f"Ít nhất {policy.min_target_share_percent}% hộ thuộc đối tượng; hộ mới thoát nghèo trong "
                 f"{policy.escaped_max_months} tháng. Kinh phí quản lý: xã {_percent(policy.commune_bp)}, cấp trên "
                 f"{_percent(policy.upper_bp)}. Chuyển sang công trình công ích sau {policy.public_works_after_years} "
                 "năm.")
    return lines
