"""The project's page names its lead under the title and lists the lead's member households."""

from __future__ import annotations

import os
from datetime import date

import pytest

from desktop import clock
from desktop.domain import Category
from desktop.services import project_leads, projects
from desktop.services.households import HouseholdInput, add_household

TODAY = date(2026, 11, 1)


@pytest.fixture
def led(books):
    with clock.frozen(TODAY):
        projects.add_project(books, projects.ProjectInput("DA01", "Nuôi bò sinh sản", programme="GNBV",
                                                          component="Dự án 2"))
        projects.add_project(books, projects.ProjectInput("DA02", "Trồng rau", programme="GNBV",
                                                          component="Dự án 2"))
        for code, name in (("H001", "Nguyễn Văn Dũng"), ("H002", "Đặng Thị Hoa"), ("H003", "Lò Văn Páo")):
            add_household(books, HouseholdInput(code, name, "Thôn Đông", Category.POOR, category_on=date(2022, 1, 1)))
        project_leads.set_lead(books, "DA01", kind="cooperative", name="HTX Nông nghiệp Đức Chính",
                               representative="Phạm Văn Hùng", registration_code="0801234567")
        project_leads.add_lead_members(books, "DA01", ["H001", "H003"])
        yield books


def shot(widget, name: str) -> None:
    folder = os.environ.get("VONXOAY_SCREENSHOTS")
    if folder:
        widget.grab().save(os.path.join(folder, f"{name}.png"))


def test_the_lead_is_named_under_the_title_with_its_members(qtbot, led):
    from ui.dialogs.project_view import ProjectView

    with clock.frozen(TODAY):
        view = ProjectView(led, "DA01")
        qtbot.addWidget(view)
        view.resize(1366, 768)
        view.show()
        assert view.lead_line.isVisible()
        assert view.lead_line.text() == ("Đơn vị chủ trì: HTX Nông nghiệp Đức Chính (hợp tác xã) — đại diện: "
                                         "Phạm Văn Hùng — mã số: 0801234567 — 2 hộ thành viên")
        tab = [view.tabs.tabText(i) for i in range(view.tabs.count())].index("Đơn vị chủ trì (2 hộ)")
        view.tabs.setCurrentIndex(tab)
        model = view.lead_members.model()
        assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["H001", "H003"]
        assert model.index(1, 1).data() == "Lò Văn Páo"
        shot(view, "project-lead")


def test_a_project_without_a_lead_shows_no_lead_line(qtbot, led):
    from ui.dialogs.project_view import ProjectView

    with clock.frozen(TODAY):
        view = ProjectView(led, "DA02")
        qtbot.addWidget(view)
        view.show()
        assert not view.lead_line.isVisible()
        assert "Đơn vị chủ trì" in [view.tabs.tabText(i) for i in range(view.tabs.count())]
