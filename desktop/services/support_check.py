"""What recording a support would say, without writing anything: the amount the policy gives, the category
it would use, the rule warnings, and the refusal to come if a control says no, so the form can show them
(and keep Save disabled) before the clerk confirms."""

from __future__ import annotations

from desktop.books import Books
from desktop.errors import Refused
from desktop.queries.rules import fund_room
from desktop.services.projects import project_policy
from desktop.services.support import SupportInput, assess_support


def support_preview(books: Books, data: SupportInput) -> dict:
    """The same controls ``record_support`` runs, read-only (one definition: ``assess_support``).

    ``refused`` is the refusal's message, or None; when it is set the support cannot be recorded as it is,
    and ``amount``/``category`` are None. For the confirmation it also says the schedule to come
    (``(seq, due_on, amount)``), the policy's own amount for the category and its rounding unit, and for a
    re-lend what the fund keeps after it (``fund_after``).
    """
    try:
        plan = assess_support(books.conn, data)
    except Refused as refusal:
        return {"refused": refusal.message, "amount": None, "category": None, "category_assumed": False,
                "warnings": [], "schedule": [], "policy_amount": None, "rounding_unit": 1, "fund_after": None}
    assumed = any(w.code == "category_assumed" for w in plan.warnings)
    policy = project_policy(plan.project)
    fund_after = None
    if data.from_fund:
        fund_after = fund_room(books.conn, plan.project["id"], data.supported_on).balance - plan.amount
    return {"refused": None, "amount": plan.amount, "category": plan.category.value, "category_assumed": assumed,
            "warnings": [w for w in plan.warnings if w.code != "category_assumed"],
            "schedule": [(i.seq, i.due_on, i.amount) for i in plan.schedule],
            "policy_amount": policy.support.get(plan.category.value), "rounding_unit": policy.rounding_unit,
            "fund_after": fund_after}
