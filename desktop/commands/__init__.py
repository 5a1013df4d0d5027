"""The command groups of ``vonxoay-cli``; each module adds its sub-commands to the parser."""

from desktop.commands import books_admin, fund, households, imports, payouts, period, projects, reports, sync

REGISTRARS = [
    books_admin.register,
    households.register,
    imports.register,
    projects.register,
    fund.register,
    period.register,
    reports.register,
    sync.register,
    payouts.register,
]
