"""A small commune with every kind of money movement, built through the services, for the report tests."""

from __future__ import annotations

from datetime import date

import pytest

from desktop.domain import Category, FundingSource
from desktop.services import payments, schedules, support
from desktop.services.households import HouseholdInput, add_household, set_category
from desktop.services.payments import PaymentInput
from desktop.services.projects import ProjectInput, add_project
from desktop.services.settings import update_settings
from desktop.services.support import SupportInput

# code, head, hamlet, category on 01/01/2021, ethnic minority, female head
HOUSEHOLDS = [
    ("H001", "Nguyễn Văn An", "Thôn Đông", Category.POOR, False, False),
    ("H002", "Trần Thị Bích", "Thôn Đông", Category.POOR, True, True),
    ("H003", "Lê Văn Cường", "Thôn Tây", Category.NEAR_POOR, False, False),
    ("H004", "Phạm Thị Dung", "Thôn Tây", Category.ESCAPED, False, True),
    ("H005", "Hoàng Văn Em", "Thôn Đông", Category.NEAR_POOR, True, False),
    ("H006", "Vũ Thị Phượng", "Thôn Tây", Category.POOR, False, True),
    ("H007", "Đặng Văn Giang", "Thôn Đông", Category.NON_POOR, False, False),
]


def build_commune(books) -> None:
    """Two projects with supports from every source, payments (one voided), re-lending, a transfer to
    public works, and category changes after entry (one household escapes, one falls back)."""
    update_settings(books, {"signer_chairman": "Nguyễn Văn Thành", "signer_accountant": "Lê Thị Kế",
                            "signer_clerk": "Trần Văn Lập"})
    for code, head, hamlet, category, minority, female in HOUSEHOLDS:
        add_household(books, HouseholdInput(code, head, hamlet, category, category_on=date(2021, 1, 1),
                                            ethnic_minority=minority, female_head=female)).to_json()
    add_project(books, ProjectInput("DA01", "Nuôi bò cái sinh sản", programme="GNBV", component="Dự án 2",
                                    budget_central=20_000_000, budget_local=2_000_000)).to_json()
    add_project(books, ProjectInput("DA02", "Trồng cây dược liệu", programme="DTTS", component="Dự án 3",
                                    budget_central=12_000_000)).to_json()
    add_project(books, ProjectInput("DA03", "Nuôi gà thả vườn", programme="GNBV", component="Dự án 2"))

    def give(project, household, on, **kw):
        support.record_support(books, SupportInput(project, household, on, **kw))

    def pay(project, household, amount, on):
        return payments.record_payment(books, PaymentInput(project, household, amount, on)).to_json()

    give("DA01", "H001", date(2022, 3, 10))                                   # poor: 7.000.000, central
    give("DA01", "H002", date(2022, 3, 10), source=FundingSource.LOCAL, counterpart=1_000_000)
    give("DA01", "H003", date(2022, 4, 2), source=FundingSource.OTHER, amount=4_000_000)
    give("DA02", "H004", date(2022, 5, 5))                                    # escaped: 5.000.000
    give("DA02", "H006", date(2022, 5, 5), counterpart=500_000)
    pay("DA01", "H001", 2_333_000, date(2023, 3, 1))
    pay("DA01", "H002", 2_333_000, date(2023, 3, 15))
    pay("DA01", "H003", 1_333_000, date(2023, 4, 1))
    wrong = pay("DA01", "H003", 500_000, date(2023, 4, 2))["receipt"]
    payments.void_receipt(books, wrong["book"], wrong["number"], "Ghi trùng phiếu", year=wrong["year"],
                          on=date(2023, 4, 2))
    pay("DA02", "H004", 1_666_000, date(2023, 5, 1))
    pay("DA02", "H006", 3_333_000, date(2023, 6, 1))                        # pays both thirds early
    give("DA01", "H005", date(2023, 7, 1), from_fund=True)                  # near-poor: 5.000.000 re-lent
    pay("DA01", "H001", 1_000_000, date(2024, 2, 1))                        # late and partial
    pay("DA02", "H004", 1_667_000, date(2024, 5, 20))
    set_category(books, "H001", Category.ESCAPED, date(2024, 1, 1), "Rà soát 2023")
    set_category(books, "H003", Category.POOR, date(2024, 1, 1), "Rà soát 2023")
    set_category(books, "H006", Category.NEAR_POOR, date(2024, 1, 1), "Rà soát 2023")
    set_category(books, "H005", Category.NON_POOR, date(2025, 1, 1), "Rà soát 2024")
    schedules.transfer_to_public_works(books, "DA02", date(2025, 6, 1), "15/QĐ-UBND")


@pytest.fixture
def commune(books):
    build_commune(books)
    return books
