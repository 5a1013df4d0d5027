"""The household search of the support form, knowing the project's decisions: before anything is typed it
lists the households a decision in force approved and not yet supported in that round; typed results put those
first, and a column says for each household which decision approves it (or that none does)."""

from __future__ import annotations

from PySide6.QtWidgets import QHeaderView

from desktop.books import Books
from desktop.dates import format_date
from desktop.domain import Category
from desktop.queries import rules
from desktop.services.approvals import approved_households
from desktop.services.households import HouseholdQuery, list_households
from ui.household_picker import COLUMNS, HouseholdPicker
from ui.record_model import RecordTableModel

APPROVAL_COLUMN = ("approval", "Quyết định phê duyệt", "text")
LISTED = 40  # approved households shown before anything is typed
SHOWN = 30
WINDOW_REMEDY = ("Ghi quyết định ở thẻ Phê duyệt của dự án (nút “Ghi quyết định…”) cho hộ này và vòng này, "
                 "rồi ghi hỗ trợ.")


def in_window_terms(message: str) -> str:
    """The core's refusal for an unapproved household names the command-line remedy; the window says
    where the clerk fixes it in the window."""
    at = message.find(". Ghi quyết định phê duyệt trước (approval add")
    return message if at < 0 else message[:at] + ". " + WINDOW_REMEDY


class ApprovedHouseholdPicker(HouseholdPicker):
    def __init__(self, books: Books, project: str, parent=None, *, relend: bool = False):
        super().__init__(books, parent)
        self.project = project
        self.required = rules.approval_required(books.conn)
        self.model = RecordTableModel([*COLUMNS, APPROVAL_COLUMN], self)
        self.table.setModel(self.model)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for column, width in ((0, 70), (1, 150), (2, 90), (3, 110)):
            self.table.setColumnWidth(column, width)
        self.approved: dict[str, dict] = {}
        self.set_relend(relend)

    def set_relend(self, relend: bool) -> None:
        """Round 1 (budget) or the later rounds (re-lends): the decisions that count are not the same."""
        self.relend = relend
        self.approved = approved_households(self.books.conn, self.project, relend=relend)
        self.find()

    def approval_of(self, code: str) -> dict | None:
        return self.approved.get(code)

    def _label(self, code: str) -> str:
        found = self.approved.get(code)
        if found is None:
            return "Chưa có quyết định" if self.required else ""
        text = f"{found['decision']} ({format_date(found['decided_on'])})"
        if self.relend:
            text += f", vòng {found['round']}"
        return ("Đã nhận hỗ trợ · " + text) if found["supported"] else text

    def find(self) -> list[dict]:
        text = self.search.text().strip()
        if text:
            rows, total = self.matching(text, 60)
        else:
            waiting = [c for c, a in self.approved.items() if not a["supported"]][:LISTED]
            rows = [r for code in waiting for r in list_households(self.books, HouseholdQuery(search=code), limit=5)
                    if r["code"] == code]
            total = 0  # a list offered, not a search: nothing to narrow
        # Among equally good matches, approved and not yet supported first: the ones this form is most likely
        # for. The better match still comes first: a name typed in full is the household the clerk means.
        rows.sort(key=lambda r: (r.get("match", 0),
                                 0 if (a := self.approved.get(r["code"])) and not a["supported"] else 1))
        rows = [{**r, "category_label": Category(r["category"]).label if r["category"] else "",
                 "approval": self._label(r["code"])} for r in rows[:SHOWN]]
        self.model.set_rows(rows)
        self.show_more(total - len(rows) if text else 0)
        if rows:
            self.table.selectRow(0)
        return rows
