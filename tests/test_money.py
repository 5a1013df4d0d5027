"""Tests for desktop.money: formatting, parsing, Vietnamese amounts in words, exact splitting and rounding."""

from __future__ import annotations

import math
import unicodedata
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.errors import Refused
from desktop.money import (
    MAX_AMOUNT,
    amount_in_words,
    format_vnd,
    fraction_round_half_up,
    parse_amount,
    split_even,
)

amounts = st.integers(min_value=0, max_value=MAX_AMOUNT)
# Small numbers and round numbers with zero groups are where the reading rules bite.
interesting_amounts = st.one_of(
    amounts,
    st.integers(min_value=0, max_value=2_000),
    st.builds(
        lambda groups: int("".join(f"{g:03d}" for g in groups)),
        st.lists(
            st.sampled_from([0, 1, 4, 5, 10, 11, 14, 15, 20, 21, 24, 25, 100, 101, 105, 110, 999]),
            min_size=1,
            max_size=5,
        ),
    ),
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def assert_refused_in_vietnamese(value: object, fragment: str = "") -> Refused:
    with pytest.raises(Refused) as caught:
        parse_amount(value)  # type: ignore[arg-type]
    message = str(caught.value)
    assert message == caught.value.message
    assert message[0].isupper() and message.endswith(".")
    assert any(ord(ch) > 127 for ch in message), message  # a Vietnamese sentence, not an English one
    assert fragment in message
    return caught.value


# ---------------------------------------------------------------- format_vnd


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "0"),
        (5, "5"),
        (999, "999"),
        (1_000, "1.000"),
        (7_000_000, "7.000.000"),
        (-2_500, "-2.500"),
        (-999, "-999"),
        (MAX_AMOUNT, "999.999.999.999.999"),
    ],
)
def test_format_vnd_puts_dots_between_thousands(amount: int, expected: str) -> None:
    assert format_vnd(amount) == expected


@pytest.mark.parametrize("bad", [True, False, 7.0, "7000", None])
def test_format_vnd_refuses_anything_but_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_vnd(bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------- parse_amount


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7000000", 7_000_000),
        ("7.000.000", 7_000_000),
        (" 7 000 000 ", 7_000_000),
        ("7\u00a0000\u00a0000", 7_000_000),
        ("7\u202f000\u202f000", 7_000_000),
        ("7.000.000 đ", 7_000_000),
        ("7.000.000đ", 7_000_000),
        ("7000000 đồng", 7_000_000),
        ("7.000.000 Đồng", 7_000_000),
        (unicodedata.normalize("NFD", "7.000.000 đồng"), 7_000_000),
        ("7.000.000 VNĐ", 7_000_000),
        ("7.000", 7_000),
        ("0", 0),
        ("007", 7),
        ("999.999.999.999.999", MAX_AMOUNT),
        (7_000_000, 7_000_000),
        (0, 0),
    ],
)
def test_parse_amount_accepts_what_clerks_type(text: str | int, expected: int) -> None:
    assert parse_amount(text) == expected


def test_parse_amount_refuses_empty_text() -> None:
    assert_refused_in_vietnamese("", "Chưa nhập")
    assert_refused_in_vietnamese("   ", "Chưa nhập")
    assert_refused_in_vietnamese("đồng", "Chưa nhập")


@pytest.mark.parametrize("text", ["-5", "-7.000.000", "−7000", " -1 đ", -1])
def test_parse_amount_refuses_negative_amounts(text: str | int) -> None:
    assert_refused_in_vietnamese(text, "Số tiền không được âm: ")


@pytest.mark.parametrize("text", ["7,5", "7000000,50", "7.000,5", "7,000,000"])
def test_parse_amount_refuses_decimal_comma_because_dong_has_no_fractions(text: str) -> None:
    assert_refused_in_vietnamese(text, "thập phân")


@pytest.mark.parametrize(
    "text", ["7000000.5", "7.00", "7.0000", "7000.000", "7..000", "0.500", "7. 000", "7 00"]
)
def test_parse_amount_refuses_dot_groups_that_are_not_three_digits(text: str) -> None:
    assert_refused_in_vietnamese(text, "ngăn cách hàng nghìn")


@pytest.mark.parametrize(
    "text", ["abc", "7a000", "7 triệu", "bảy triệu", "7.000.000 usd", "+7000", "7e6", "\u0667"]
)
def test_parse_amount_refuses_letters(text: str) -> None:
    assert_refused_in_vietnamese(text, "chỉ được gồm chữ số")


@pytest.mark.parametrize("value", ["1000000000000000", "1.000.000.000.000.000", "9" * 5000, MAX_AMOUNT + 1])
def test_parse_amount_refuses_amounts_above_the_limit(value: str | int) -> None:
    assert_refused_in_vietnamese(value, "quá lớn")


@pytest.mark.parametrize("bad", [True, 7.0, None, b"7000"])
def test_parse_amount_refuses_non_text_non_int_with_type_error(bad: object) -> None:
    with pytest.raises(TypeError):
        parse_amount(bad)  # type: ignore[arg-type]


@given(amounts)
def test_parse_amount_reads_back_what_format_vnd_shows(amount: int) -> None:
    assert parse_amount(format_vnd(amount)) == amount
    assert parse_amount(str(amount)) == amount
    assert parse_amount(format_vnd(amount).replace(".", "\u00a0") + " đồng") == amount
    assert parse_amount(amount) == amount


@given(st.integers(max_value=-1))
def test_parse_amount_refuses_every_negative(amount: int) -> None:
    assert_refused_in_vietnamese(amount, "âm")
    assert_refused_in_vietnamese(str(amount), "âm")
    assert_refused_in_vietnamese(format_vnd(amount), "âm")


@given(st.integers(min_value=MAX_AMOUNT + 1, max_value=10**40))
def test_parse_amount_refuses_every_amount_too_large(amount: int) -> None:
    assert_refused_in_vietnamese(amount, "quá lớn")
    assert_refused_in_vietnamese(format_vnd(amount), "quá lớn")


@given(amounts, st.integers(min_value=0, max_value=99))
def test_parse_amount_refuses_every_decimal(amount: int, cents: int) -> None:
    assert_refused_in_vietnamese(f"{amount},{cents}")
    assert_refused_in_vietnamese(f"{amount}.{cents:02d}")


@given(
    st.integers(min_value=0, max_value=10**6),
    st.characters(categories=["Lu", "Ll"]),
    st.integers(min_value=0, max_value=10**6),
)
def test_parse_amount_refuses_every_letter_between_digits(left: int, letter: str, right: int) -> None:
    assert_refused_in_vietnamese(f"{left}{letter}{right}")


# ---------------------------------------------------------------- amount_in_words

DOMAIN_EXAMPLES = [
    (0, "Không đồng"),
    (1, "Một đồng"),
    (5, "Năm đồng"),
    (10, "Mười đồng"),
    (11, "Mười một đồng"),
    (14, "Mười bốn đồng"),
    (15, "Mười lăm đồng"),
    (21, "Hai mươi mốt đồng"),
    (24, "Hai mươi bốn đồng"),
    (25, "Hai mươi lăm đồng"),
    (41, "Bốn mươi mốt đồng"),
    (45, "Bốn mươi lăm đồng"),
    (101, "Một trăm linh một đồng"),
    (105, "Một trăm linh năm đồng"),
    (110, "Một trăm mười đồng"),
    (115, "Một trăm mười lăm đồng"),
    (205, "Hai trăm linh năm đồng"),
    (1_005, "Một nghìn không trăm linh năm đồng"),
    (1_000_000, "Một triệu đồng"),
    (1_001_000, "Một triệu không trăm linh một nghìn đồng"),
    (10_500_000, "Mười triệu năm trăm nghìn đồng"),
    (2_333_333, "Hai triệu ba trăm ba mươi ba nghìn ba trăm ba mươi ba đồng"),
    (4_666_667, "Bốn triệu sáu trăm sáu mươi sáu nghìn sáu trăm sáu mươi bảy đồng"),
    (7_000_000, "Bảy triệu đồng"),
    (1_000_000_000, "Một tỷ đồng"),
    (1_000_000_005, "Một tỷ không trăm linh năm đồng"),
    (1_000_005_000, "Một tỷ không trăm linh năm nghìn đồng"),
    (5_000_001_000, "Năm tỷ không trăm linh một nghìn đồng"),
    (1_000_000_000_000, "Một nghìn tỷ đồng"),
]

MORE_EXAMPLES = [
    (9, "Chín đồng"),
    (19, "Mười chín đồng"),
    (20, "Hai mươi đồng"),
    (30, "Ba mươi đồng"),
    (44, "Bốn mươi bốn đồng"),
    (55, "Năm mươi lăm đồng"),
    (71, "Bảy mươi mốt đồng"),
    (99, "Chín mươi chín đồng"),
    (100, "Một trăm đồng"),
    (104, "Một trăm linh bốn đồng"),
    (111, "Một trăm mười một đồng"),
    (121, "Một trăm hai mươi mốt đồng"),
    (500, "Năm trăm đồng"),
    (999, "Chín trăm chín mươi chín đồng"),
    (1_000, "Một nghìn đồng"),
    (1_001, "Một nghìn không trăm linh một đồng"),
    (1_010, "Một nghìn không trăm mười đồng"),
    (1_015, "Một nghìn không trăm mười lăm đồng"),
    (1_020, "Một nghìn không trăm hai mươi đồng"),
    (1_021, "Một nghìn không trăm hai mươi mốt đồng"),
    (1_100, "Một nghìn một trăm đồng"),
    (10_000, "Mười nghìn đồng"),
    (11_011, "Mười một nghìn không trăm mười một đồng"),
    (15_000, "Mười lăm nghìn đồng"),
    (21_000, "Hai mươi mốt nghìn đồng"),
    (40_000, "Bốn mươi nghìn đồng"),
    (50_005, "Năm mươi nghìn không trăm linh năm đồng"),
    (54_000, "Năm mươi bốn nghìn đồng"),
    (100_000, "Một trăm nghìn đồng"),
    (105_000, "Một trăm linh năm nghìn đồng"),
    (110_000, "Một trăm mười nghìn đồng"),
    (250_000, "Hai trăm năm mươi nghìn đồng"),
    (1_000_001, "Một triệu không trăm linh một đồng"),
    (1_100_000, "Một triệu một trăm nghìn đồng"),
    (1_500_000, "Một triệu năm trăm nghìn đồng"),
    (15_015_015, "Mười lăm triệu không trăm mười lăm nghìn không trăm mười lăm đồng"),
    (21_000_021, "Hai mươi mốt triệu không trăm hai mươi mốt đồng"),
    (25_050_000, "Hai mươi lăm triệu không trăm năm mươi nghìn đồng"),
    (31_000_000, "Ba mươi mốt triệu đồng"),
    (100_000_000, "Một trăm triệu đồng"),
    (101_101_101, "Một trăm linh một triệu một trăm linh một nghìn một trăm linh một đồng"),
    (1_005_000_000, "Một tỷ không trăm linh năm triệu đồng"),
    (
        12_345_678_901,
        "Mười hai tỷ ba trăm bốn mươi lăm triệu sáu trăm bảy mươi tám nghìn chín trăm linh một đồng",
    ),
    (1_000_000_000_005, "Một nghìn tỷ không trăm linh năm đồng"),
    (1_005_000_000_000, "Một nghìn không trăm linh năm tỷ đồng"),
    (2_000_001_000_000, "Hai nghìn tỷ không trăm linh một triệu đồng"),
    (100_000_000_000_000, "Một trăm nghìn tỷ đồng"),
    (
        MAX_AMOUNT,
        "Chín trăm chín mươi chín nghìn chín trăm chín mươi chín tỷ chín trăm chín mươi chín triệu "
        "chín trăm chín mươi chín nghìn chín trăm chín mươi chín đồng",
    ),
]


@pytest.mark.parametrize(("amount", "expected"), DOMAIN_EXAMPLES + MORE_EXAMPLES)
def test_amount_in_words_reads_hand_checked_amounts(amount: int, expected: str) -> None:
    assert amount_in_words(amount) == nfc(expected)


def test_ten_reads_muoi_and_tens_above_one_read_muoi_without_accent() -> None:
    assert amount_in_words(10) == "Mười đồng"
    assert amount_in_words(30) == "Ba mươi đồng"


def test_one_after_muoi_reads_mot_but_after_muoi_ten_reads_mot() -> None:
    assert amount_in_words(21) == "Hai mươi mốt đồng"
    assert amount_in_words(11) == "Mười một đồng"
    assert amount_in_words(101) == "Một trăm linh một đồng"


def test_five_after_tens_reads_lam_but_after_linh_reads_nam() -> None:
    assert amount_in_words(15) == "Mười lăm đồng"
    assert amount_in_words(25) == "Hai mươi lăm đồng"
    assert amount_in_words(105) == "Một trăm linh năm đồng"
    assert amount_in_words(5) == "Năm đồng"


def test_inner_group_with_zero_hundreds_reads_khong_tram() -> None:
    assert amount_in_words(1_005) == "Một nghìn không trăm linh năm đồng"
    assert amount_in_words(1_001_000) == "Một triệu không trăm linh một nghìn đồng"
    assert amount_in_words(1_020) == "Một nghìn không trăm hai mươi đồng"


def test_leading_group_never_reads_khong_tram() -> None:
    assert amount_in_words(5_000) == "Năm nghìn đồng"
    assert amount_in_words(21_000_000) == "Hai mươi mốt triệu đồng"


def test_all_zero_groups_are_skipped_entirely() -> None:
    assert amount_in_words(1_000_000) == "Một triệu đồng"
    assert amount_in_words(1_000_000_005) == "Một tỷ không trăm linh năm đồng"
    assert amount_in_words(5_000_001_000) == "Năm tỷ không trăm linh một nghìn đồng"


def test_group_above_ty_repeats_the_scale_as_nghin_ty() -> None:
    assert amount_in_words(1_000_000_000_000) == "Một nghìn tỷ đồng"
    assert amount_in_words(1_005_000_000_000) == "Một nghìn không trăm linh năm tỷ đồng"
    assert amount_in_words(12_000_000_000_000) == "Mười hai nghìn tỷ đồng"
    assert amount_in_words(1_000_000_000_000, thousand="ngàn", billion="tỉ") == "Một ngàn tỉ đồng"


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (24, "Hai mươi tư đồng"),
        (44, "Bốn mươi tư đồng"),
        (14, "Mười bốn đồng"),
        (104, "Một trăm linh bốn đồng"),
        (4, "Bốn đồng"),
        (400, "Bốn trăm đồng"),
        (4_024_000, "Bốn triệu không trăm hai mươi tư nghìn đồng"),
    ],
)
def test_four_option_only_changes_four_after_muoi(amount: int, expected: str) -> None:
    assert amount_in_words(amount, four="tư") == expected


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (101, "Một trăm lẻ một đồng"),
        (1_005, "Một nghìn không trăm lẻ năm đồng"),
        (110, "Một trăm mười đồng"),
    ],
)
def test_zero_tens_option_le_replaces_linh(amount: int, expected: str) -> None:
    assert amount_in_words(amount, zero_tens="lẻ") == expected


def test_thousand_option_ngan_replaces_nghin() -> None:
    assert amount_in_words(1_000, thousand="ngàn") == "Một ngàn đồng"
    assert amount_in_words(2_500_000, thousand="ngàn") == "Hai triệu năm trăm ngàn đồng"


def test_billion_option_ti_replaces_ty() -> None:
    assert amount_in_words(1_000_000_000, billion="tỉ") == "Một tỉ đồng"


def test_even_option_appends_chan_after_dong() -> None:
    assert amount_in_words(7_000_000, even=True) == "Bảy triệu đồng chẵn"
    assert amount_in_words(1_234, even=True) == "Một nghìn hai trăm ba mươi bốn đồng chẵn"


def test_zero_reads_khong_dong_and_is_never_chan() -> None:
    assert amount_in_words(0) == "Không đồng"
    assert amount_in_words(0, even=True) == "Không đồng"


def test_all_options_together() -> None:
    words = amount_in_words(2_024_000, zero_tens="lẻ", thousand="ngàn", four="tư", even=True)
    assert words == "Hai triệu không trăm hai mươi tư ngàn đồng chẵn"


def test_options_given_in_decomposed_unicode_still_work() -> None:
    decomposed = unicodedata.normalize("NFD", "lẻ")
    assert amount_in_words(101, zero_tens=decomposed) == "Một trăm lẻ một đồng"


@pytest.mark.parametrize(
    "options",
    [{"zero_tens": "le"}, {"thousand": "ngan"}, {"billion": "ty"}, {"four": "tu"}, {"four": "năm"}],
)
def test_unknown_option_values_are_a_programming_error(options: dict[str, str]) -> None:
    with pytest.raises(ValueError):
        amount_in_words(5, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("amount", [-1, -1_000_000, MAX_AMOUNT + 1, 10**18])
def test_amount_in_words_refuses_out_of_range_amounts(amount: int) -> None:
    with pytest.raises(Refused) as caught:
        amount_in_words(amount)
    assert "Số tiền" in str(caught.value)


@pytest.mark.parametrize("bad", [True, 5.0, "5", None])
def test_amount_in_words_refuses_non_int(bad: object) -> None:
    with pytest.raises(TypeError):
        amount_in_words(bad)  # type: ignore[arg-type]


_WORD_DIGITS = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4,
    "năm": 5, "lăm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9,
}  # fmt: skip


def _words_below_billion(words: list[str]) -> int:
    # A reader independent of the implementation: it only knows what each word is worth.
    total = group = 0
    for word in words:
        if word in _WORD_DIGITS:
            group += _WORD_DIGITS[word]
        elif word in ("linh", "lẻ"):
            pass
        elif word == "mười":
            group += 10
        elif word == "mươi":
            group = group // 10 * 10 + group % 10 * 10
        elif word == "trăm":
            group *= 100
        elif word in ("nghìn", "ngàn", "triệu"):
            total += group * (1_000_000 if word == "triệu" else 1_000)
            group = 0
        else:
            raise AssertionError(f"unexpected word {word!r}")
    return total + group


def words_to_amount(text: str) -> int:
    words = text.lower().split()
    assert words[-1] == "đồng"
    words = words[:-1]
    for billion in ("tỷ", "tỉ"):
        if billion in words:
            cut = words.index(billion)
            return _words_below_billion(words[:cut]) * 1_000_000_000 + _words_below_billion(words[cut + 1 :])
    return _words_below_billion(words)


@given(interesting_amounts)
def test_amount_in_words_reads_back_to_the_same_amount(amount: int) -> None:
    assert words_to_amount(amount_in_words(amount)) == amount
    options = {"zero_tens": "lẻ", "thousand": "ngàn", "billion": "tỉ", "four": "tư"}
    assert words_to_amount(amount_in_words(amount, **options)) == amount


@given(interesting_amounts, st.booleans(), st.sampled_from(["bốn", "tư"]), st.sampled_from(["linh", "lẻ"]))
def test_amount_in_words_is_always_well_formed(amount: int, even: bool, four: str, zero_tens: str) -> None:
    words = amount_in_words(amount, even=even, four=four, zero_tens=zero_tens)
    assert "mươi một" not in words
    assert "mươi năm" not in words
    assert "mười năm" not in words
    assert "  " not in words and words == words.strip()
    assert words[0].isupper() and words[1:] == words[1:].lower()
    assert words.endswith(" đồng chẵn" if even and amount else " đồng")
    assert words == nfc(words)
    assert not words.lower().startswith("không trăm")
    plain = words.lower().split()
    assert plain.count("tỷ") <= 1 and plain.count("triệu") <= 1 and plain.count("nghìn") <= 2


# ---------------------------------------------------------------- split_even


@pytest.mark.parametrize(
    ("total", "parts", "unit", "expected"),
    [
        (4_667_000, 2, 1_000, [2_333_000, 2_334_000]),
        (3_333_000, 2, 1_000, [1_666_000, 1_667_000]),
        (4_666_667, 2, 1, [2_333_333, 2_333_334]),
        (7_000_000, 1, 1_000, [7_000_000]),
        (10_000_000, 3, 1_000, [3_333_000, 3_333_000, 3_334_000]),
        (0, 4, 1_000, [0, 0, 0, 0]),
        (2_999, 3, 1_000, [0, 0, 2_999]),
    ],
)
def test_split_even_rounds_shares_down_and_last_part_takes_the_rest(
    total: int, parts: int, unit: int, expected: list[int]
) -> None:
    assert split_even(total, parts, unit) == expected


@pytest.mark.parametrize(("total", "parts", "unit"), [(-1, 2, 1), (100, 0, 1), (100, -2, 1), (100, 2, 0)])
def test_split_even_refuses_bad_arguments(total: int, parts: int, unit: int) -> None:
    with pytest.raises(ValueError):
        split_even(total, parts, unit)


@given(amounts, st.integers(min_value=1, max_value=240), st.sampled_from([1, 100, 500, 1_000, 10_000]))
def test_split_even_parts_sum_exactly_and_differ_by_less_than_parts_times_unit(
    total: int, parts: int, unit: int
) -> None:
    shares = split_even(total, parts, unit)
    assert len(shares) == parts
    assert sum(shares) == total
    *equal, last = shares
    share = equal[0] if equal else last - last % unit
    assert all(s == share for s in equal)
    assert share % unit == 0
    # Rounding each share down by under one unit leaves under parts × unit for the last part.
    assert 0 <= last - share < parts * unit
    if total % unit == 0:
        assert last % unit == 0


# ---------------------------------------------------------------- fraction_round_half_up


@pytest.mark.parametrize(
    ("amount", "numerator", "denominator", "unit", "expected"),
    [
        (7_000_000, 2, 3, 1_000, 4_667_000),
        (7_000_000, 2, 3, 1, 4_666_667),
        (5_000_000, 2, 3, 1_000, 3_333_000),
        (1_500, 1, 1, 1_000, 2_000),
        (2_500, 1, 2, 1, 1_250),
        (1_000, 1, 2, 1_000, 1_000),
        (499, 1, 1, 1_000, 0),
        (0, 2, 3, 1_000, 0),
        (7_000_000, 0, 3, 1_000, 0),
    ],
)
def test_fraction_round_half_up_hand_checked(
    amount: int, numerator: int, denominator: int, unit: int, expected: int
) -> None:
    assert fraction_round_half_up(amount, numerator, denominator, unit) == expected


@pytest.mark.parametrize(
    ("amount", "numerator", "denominator", "unit"),
    [(-1, 1, 1, 1), (100, -1, 2, 1), (100, 1, 0, 1), (100, 1, -3, 1), (100, 1, 2, 0)],
)
def test_fraction_round_half_up_refuses_bad_arguments(
    amount: int, numerator: int, denominator: int, unit: int
) -> None:
    with pytest.raises(ValueError):
        fraction_round_half_up(amount, numerator, denominator, unit)


def test_fraction_round_half_up_refuses_floats() -> None:
    with pytest.raises(TypeError):
        fraction_round_half_up(7_000_000, 0.5, 1)  # type: ignore[arg-type]


@given(
    amounts,
    st.integers(min_value=0, max_value=1_000),
    st.integers(min_value=1, max_value=1_000),
    st.sampled_from([1, 10, 100, 500, 1_000, 10_000]),
)
def test_fraction_round_half_up_matches_exact_fraction_rounding(
    amount: int, numerator: int, denominator: int, unit: int
) -> None:
    exact = Fraction(amount * numerator, denominator * unit)
    expected = math.floor(exact + Fraction(1, 2)) * unit
    assert fraction_round_half_up(amount, numerator, denominator, unit) == expected
