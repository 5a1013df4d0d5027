"""Vietnamese alphabetical order: the key, the SQLite collation and the lists that use them."""

import random
import sqlite3

from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.services.hamlets import add_hamlet, list_hamlets
from desktop.text import collate, collation_key, format_size


def ordered(names):
    return sorted(names, key=collation_key)


def test_d_with_stroke_comes_after_d_and_before_e():
    assert ordered(["Thôn Tây", "Thôn Đông", "Thôn Bắc", "Thôn Em", "Thôn Dưới"]) == [
        "Thôn Bắc", "Thôn Dưới", "Thôn Đông", "Thôn Em", "Thôn Tây"]


def test_the_letters_with_marks_follow_their_base_letter():
    letters = list("aăâbcdđeêghiklmnoôơpqrstuưvxy")
    shuffled = letters[:]
    random.Random(7).shuffle(shuffled)
    assert ordered(shuffled) == letters
    assert ordered(["ơ", "ô", "o", "p"]) == ["o", "ô", "ơ", "p"]
    assert ordered(["ư", "v", "u"]) == ["u", "ư", "v"]


def test_letters_first_then_tones_in_dictionary_order():
    assert ordered(["mạ", "má", "mã", "mả", "mà", "ma"]) == ["ma", "mà", "mả", "mã", "má", "mạ"]
    # The letters decide before any tone: "Ánh" (a) comes before "Ăn" (ă) whatever their tones.
    assert ordered(["Ăn", "Ánh", "An"]) == ["An", "Ánh", "Ăn"]
    # A tone on the first word does not outweigh a letter in the second.
    assert ordered(["Hà Văn B", "Ha Văn A"]) == ["Ha Văn A", "Hà Văn B"]


def test_names_sort_as_a_clerk_expects():
    names = ["Nguyễn Văn Đạt", "Đặng Thị Lan", "Nguyễn Văn Dũng", "Bùi Văn An", "Dương Minh Hải", "Nguyễn Văn An",
             "Ngô Thị Hoa", "Lê Văn Ánh"]
    assert ordered(names) == ["Bùi Văn An", "Dương Minh Hải", "Đặng Thị Lan", "Lê Văn Ánh", "Ngô Thị Hoa",
                              "Nguyễn Văn An", "Nguyễn Văn Dũng", "Nguyễn Văn Đạt"]


def test_case_is_ignored_and_numbers_go_by_value():
    assert ordered(["b", "A", "c"]) == ["A", "b", "c"]
    assert ordered(["Thôn 10", "Thôn 2", "Thôn 1", "Thôn 02b"]) == ["Thôn 1", "Thôn 2", "Thôn 02b", "Thôn 10"]
    assert ordered(["Xóm 3A", "Thôn 10", "thôn 9"]) == ["thôn 9", "Thôn 10", "Xóm 3A"]


def test_decomposed_and_composed_text_sort_together():
    composed, decomposed = "Nguyễn", "Nguye\u0302\u0303n"
    assert collation_key(composed)[:3] == collation_key(decomposed)[:3]


texts = st.text(alphabet=st.sampled_from(list("aàảãáạăằâấdđeêéoôơớuưứiy AĐÊ019-")), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=15))
def test_the_key_is_a_total_order_and_sorting_is_repeatable(items):
    once = ordered(items)
    assert ordered(list(reversed(items))) == once
    assert ordered(once) == once
    for a, b in zip(once, once[1:], strict=False):
        assert collate(a, b) <= 0 and collate(b, a) >= 0
        assert (collate(a, b) == 0) == (a == b)  # only the same text compares equal


@settings(max_examples=200, deadline=None)
@given(texts, texts)
def test_tones_never_outweigh_letters(a, b):
    from desktop.text import fold
    # Texts whose letters (tones and case stripped) differ are ordered by their letters alone.
    if collation_key(a)[0] != collation_key(b)[0]:
        assert (collation_key(a) < collation_key(b)) == (collation_key(a)[0] < collation_key(b)[0])
    assert fold("Đ") == "d"  # search still meets d and đ; only the order tells them apart


def test_sqlite_sorts_with_the_vi_collation():
    conn = sqlite3.connect(":memory:")
    conn.create_collation("vi", collate)
    conn.execute("CREATE TABLE t (name TEXT)")
    conn.executemany("INSERT INTO t VALUES (?)", [("Thôn Tây",), ("Thôn Đông",), ("Thôn Bắc",)])
    assert [r[0] for r in conn.execute("SELECT name FROM t ORDER BY name COLLATE vi")] == [
        "Thôn Bắc", "Thôn Đông", "Thôn Tây"]


def test_the_books_list_hamlets_and_households_in_vietnamese_order(books):
    from desktop.domain import Category
    from desktop.services.households import HouseholdInput, HouseholdQuery, add_household, list_households
    for name in ("Xóm Tây", "Xóm Đông", "Xóm Bắc"):
        add_hamlet(books, name)
    assert [h["name"] for h in list_hamlets(books) if h["name"].startswith("Xóm")] == [
        "Xóm Bắc", "Xóm Đông", "Xóm Tây"]
    for code, head in (("H001", "Đỗ Văn Bình"), ("H002", "Dương Văn An"), ("H003", "Bùi Thị Lan")):
        add_household(books, HouseholdInput(code=code, head_name=head, hamlet="Xóm Bắc", category=Category.POOR))
    by_name = list_households(books, HouseholdQuery(hamlet="Xóm Bắc", order="name"))
    assert [h["head_name"] for h in by_name] == ["Bùi Thị Lan", "Dương Văn An", "Đỗ Văn Bình"]
    paged = [h["head_name"] for offset in range(3)
             for h in list_households(books, HouseholdQuery(hamlet="Xóm Bắc", order="name"), limit=1, offset=offset)]
    assert paged == ["Bùi Thị Lan", "Dương Văn An", "Đỗ Văn Bình"]
    in_code_order = list_households(books, HouseholdQuery(hamlet="Xóm Bắc"))  # the register's order
    assert [h["code"] for h in in_code_order] == ["H001", "H002", "H003"]


def test_sizes_read_in_megabytes_with_a_decimal_comma():
    assert format_size(18_700_000) == "17,8 MB"
    assert format_size(640 * 1024) == "640 KB"
    assert format_size(12) == "12 byte"
    assert format_size(5 * 1024 ** 3) == "5,0 GB"
    assert "." not in format_size(17_839 * 1024)
