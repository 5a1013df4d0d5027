"""What recording a support would say, without writing anything: the amount the policy gives, the category
it would use, the rule warnings, and the refusal to come if a control says no, so the form can show them
(and keep Save disabled) before the clerk confirms."""

from __future__ import annotations

from desktop.books import Books
from desktop.errors import Refused
from desktop.services.support import SupportInput, assess_support


def support_preview(books: Books, data: SupportInput) -> dict:
    """The same controls ``record_support`` runs, read-only (one definition: ``assess_support``).

    ``refused`` is the refusal's message, or None; when it is set the support cannot be recorded as it is,
    and ``amount``/``category`` are None.
    """
    try:
        plan = assess_support(books.conn, data)
    except Refused as refusal:
        return {"refused": refusal.message, "amount": None, "category": None, "category_assumed": False,
                "warnings": []}
    assumed = any(w.code == "category_assumed" for w in plan.warnings)
    return {"refused": None, "amount": plan.amount, "category": plan.category.value, "category_assumed": assumed,
            "warnings": [w for w in plan.warnings if w.code != "category_assumed"]}
