"""Search results in best-match order (HouseholdQuery(order="match")), as the household picker shows them."""

from __future__ import annotations

from desktop.domain import Category
from desktop.services import households as h
from desktop.services.households import HouseholdInput, HouseholdQuery, add_household, count_households, list_households

HOUSEHOLDS = [
    # code, head, ID number, phone: ID numbers and phones follow the name in the search key
    ("H001", "Trần Thanh Toàn", None, ""),
    ("H002", "Trần Thanh Thành", "030185001234", "0912 345 678"),
    ("H003", "Đặng Thanh Thành", None, "0987654321"),
    ("H004", "Nguyễn Quang Thành", None, ""),
    ("H005", "Trần Thanh Thành Nhỏ", None, ""),
    ("H006", "Hoàng Thanh Trang", None, ""),
    ("H007", "Trần Thanh Thịnh", None, ""),
    ("TRAN1", "Lê Văn Tư", None, ""),
]


def ranked(books, typed: str) -> list[tuple[int, str]]:
    return [(r["match"], r["code"]) for r in list_households(books, HouseholdQuery(search=typed, order="match"))]


def test_the_best_matches_come_first_and_name_order_only_among_equals(books):
    for code, head, id_number, phone in HOUSEHOLDS:
        add_household(books, HouseholdInput(code=code, head_name=head, hamlet="Thôn Đông", category=Category.POOR,
                                            id_number=id_number, phone=phone))
    # The whole name without diacritics: that household, then the names it starts, then the rest by name
    # (Hoàng before Trần, though "Trần Thanh Toàn" shares two words).
    assert ranked(books, "tran thanh thanh") == [
        (h.EXACT_NAME, "H002"), (h.STARTS, "H005"), (h.CONTAINS, "H006"), (h.CONTAINS, "H007"), (h.CONTAINS, "H001")]
    # Whole words count repeats: "thanh thanh" is a whole-word match of the names holding two of them.
    assert ranked(books, "thanh thanh")[:3] == [(h.WHOLE_WORDS, c) for c in ("H003", "H002", "H005")]
    assert (h.WHOLE_WORDS, "H004") not in ranked(books, "thanh thanh")
    assert ranked(books, "thanh")[:4] == [(h.WHOLE_WORDS, c) for c in ("H003", "H006", "H004", "H002")]
    # The code or the ID number typed in full comes before every name holding it, a started code before the rest.
    assert ranked(books, "tran1") == [(h.EXACT_CODE, "TRAN1")]
    assert ranked(books, "030185001234") == [(h.EXACT_CODE, "H002")]
    assert ranked(books, "h00")[:2] == [(h.STARTS, "H003"), (h.STARTS, "H006")]
    assert ranked(books, "tran")[:2] == [(h.STARTS, "TRAN1"), (h.STARTS, "H002")]  # Lê before Trần
    # The phone after the name does not spoil the name: a name typed in full is the whole name.
    assert ranked(books, "dang thanh thanh") == [(h.EXACT_NAME, "H003")]
    # LIKE's wildcards typed are letters like any other.
    assert ranked(books, "%") == [] and ranked(books, "_") == []
    assert count_households(books, HouseholdQuery(search="tran thanh thanh")) == 5
