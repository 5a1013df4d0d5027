"""What recording a support would say, without writing anything: the amount the policy gives, the category
it would use and the rule warnings, so the form can show them before the clerk confirms."""

from __future__ import annotations

from desktop.books import Books
from desktop.services.households import require_household
from desktop.services.projects import project_policy, require_project
from desktop.services.support import SupportInput, _category_at, rule_warnings


def support_preview(books: Books, data: SupportInput) -> dict:
    """The same checks ``record_support`` reports as warnings, computed read-only. Refusals (a non-poor
    household, a closed project, …) are left to ``record_support`` itself, so they are said in one place."""
    conn = books.conn
    project = require_project(conn, data.project)
    household = require_household(conn, data.household)
    category, since, assumed = _category_at(conn, household["id"], data.supported_on)
    amount = project_policy(project).support_for(category) if data.amount is None else data.amount
    warnings = rule_warnings(conn, project, household, category, since, amount, data) if amount > 0 else []
    return {"amount": amount, "category": category.value, "category_assumed": assumed, "warnings": warnings}
