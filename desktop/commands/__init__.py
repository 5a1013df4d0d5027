"""The command groups of ``vonxoay-cli``; each module adds its sub-commands to the parser."""

from desktop.commands import (
    approvals,
    books_admin,
    catalogue,
    fund,
    households,
    imports,
    merge,
    payouts,
    period,
    projects,
    reports,
    sync,
    users,
)

REGISTRARS = [
    books_admin.register,
    households.register,
    imports.register,
    projects.register,
    fund.register,
    period.register,
    reports.register,
    sync.register,
    catalogue.register,
    merge.register,
    users.register,
    users.register_voids,
    approvals.register,
    payouts.register,
]
