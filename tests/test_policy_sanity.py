"""A policy file that reads as TOML but could not be a real rule is refused before any project uses it: a
rounding unit or a share that turns a support's return into 0 đ, a file nested thousands of levels deep,
a code that is a path or a formula, a name with hidden characters or of thousands of characters."""

from __future__ import annotations

import json

import pytest

from desktop.errors import Refused
from desktop.policy import (
    DEFAULT_POLICY_CODE,
    FundPolicy,
    check_policy_text,
    load_policy,
    policy_files,
    save_policy_copy,
)
from tests.conftest import INIT_ARGS, books_digest
from tests.test_policy_strict import SHIPPED, line_of

SOC_TRANG = next(p for p in policy_files() if p.stem == "soc-trang-2023").read_text(encoding="utf-8")


def refused(tmp_path, text: str) -> str:
    path = tmp_path / "tinh-thu.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Refused) as caught:
        load_policy(path)
    return caught.value.message


def swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# --------------------------------------------------------------------------- money rules that return nothing

def test_a_rounding_unit_above_a_million_dong_is_refused_with_its_line(tmp_path):
    text = swap(SHIPPED, "rounding_unit = 1_000", "rounding_unit = 1_000_000_000")
    message = refused(tmp_path, text)
    assert f"Khóa “rounding_unit” (dòng {line_of(text, 'rounding_unit')}): đơn vị làm tròn (đồng) phải từ 1 " \
           "đến 1.000.000, không phải 1.000.000.000." in message


def test_a_rounding_unit_of_a_million_is_still_a_rule(tmp_path):
    path = tmp_path / "tinh-thu.toml"
    path.write_text(swap(SHIPPED, "rounding_unit = 1_000", "rounding_unit = 1_000_000"), encoding="utf-8")
    assert load_policy(path).rounding_unit == 1_000_000


def test_a_version_2_rounding_unit_above_a_million_is_refused(tmp_path):
    text = swap(SOC_TRANG, "rounding_unit = 1_000", "rounding_unit = 2_000_000")
    assert "Khóa “rounding_unit” (dòng" in refused(tmp_path, text)


def test_a_version_1_share_of_huge_numbers_is_refused(tmp_path):
    text = swap(swap(SHIPPED, "share_numerator = 2", "share_numerator = 1"),
                "share_denominator = 3", "share_denominator = 999_999_999")
    message = refused(tmp_path, text)
    assert f"Khóa “share_denominator” (dòng {line_of(text, 'share_denominator')}): mẫu số của tỷ lệ hoàn trả " \
           "phải từ 1 đến 10.000, không phải 999999999." in message


def test_a_version_1_share_that_rounds_a_support_to_nothing_is_refused(tmp_path):
    # 2/3 of 700.000 đ is 466.667 đ: to the nearest million, 0 đ to return.
    text = swap(swap(SHIPPED, "escaped = 5_000_000", "escaped = 700_000"),
                "rounding_unit = 1_000", "rounding_unit = 1_000_000")
    message = refused(tmp_path, text)
    assert f"Khóa “rounding_unit” (dòng {line_of(text, 'rounding_unit')}): hộ mới thoát nghèo được hỗ trợ " \
           f"700.000 đ (khóa “escaped” (dòng {line_of(text, 'escaped')})) hoàn trả 2/3 làm tròn đến " \
           "1.000.000 đ thành 0 đ" in message


@pytest.mark.parametrize("share, words", [
    ("1e-400", "tỷ lệ hoàn trả “1e-400” phải viết là phân số như \"2/3\""),
    ("0.99999", "nhiều nhất 4 chữ số sau dấu chấm"),
    ("1/99999", "mẫu số không quá 10.000"),
    ("0." + "9" * 5000, "tỷ lệ hoàn trả “0." + "9" * 38 + "…”"),
    ("1" * 5000 + "/" + "3" * 5000, "“1111111111111111111111111111111111111111…”"),
])
def test_a_version_2_share_is_small_whole_numbers_or_a_short_decimal(tmp_path, share, words):
    text = swap(SOC_TRANG, 'return_share = "1/2"', f'return_share = "{share}"')
    message = refused(tmp_path, text)
    assert f"Khóa “return_share” (dòng {line_of(text, 'return_share')}): " in message
    assert words in message and len(message) < 1_000


@pytest.mark.parametrize("share", ["0.5", " 1/2 ", "5000/10000", "0.5000", "+1/2"])
def test_a_share_written_plainly_still_reads(tmp_path, share):
    path = tmp_path / "tinh-thu.toml"
    path.write_text(swap(SOC_TRANG, 'return_share = "1/2"', f'return_share = "{share}"'), encoding="utf-8")
    assert load_policy(path).rule_for("poor").return_share == (1, 2)


def test_an_installment_share_of_huge_numbers_is_refused(tmp_path):
    text = swap(SOC_TRANG, '["1/4", "1/4", "1/2"]', '["1/999999999999999999999999", "1/4", "1/2"]')
    message = refused(tmp_path, text)
    assert f"Khóa “installment_shares” (dòng {line_of(text, 'installment_shares = [')}): phần của một kỳ " \
           "“1/999999999999999999999999” phải viết là phân số" in message


def test_a_version_2_share_that_rounds_its_own_support_to_nothing_is_refused(tmp_path):
    # Half of 700.000 đ to the nearest million: 0 đ to return.
    text = swap(swap(SOC_TRANG, "support = 10_000_000", "support = 700_000"),
                "rounding_unit = 1_000", "rounding_unit = 1_000_000")
    message = refused(tmp_path, text)
    assert f"Khóa “return_share” (dòng {line_of(text, 'return_share')}): hoàn trả 1/2 của mức hỗ trợ 700.000 đ, " \
           "làm tròn đến 1.000.000 đ (rounding_unit), thành 0 đ" in message


def test_the_cli_refuses_a_project_under_such_a_policy_and_writes_nothing(cli, data_dir, tmp_path):
    assert cli(*INIT_ARGS).code == 0
    path = tmp_path / "tinh-thu.toml"
    path.write_text(swap(SHIPPED, "rounding_unit = 1_000", "rounding_unit = 1_000_000_000"), encoding="utf-8")
    before = books_digest(data_dir.database)
    result = cli("project", "add", "--code", "DA01", "--name", "Nuôi bò", "--policy", str(path))
    assert result.code == 2 and "“rounding_unit”" in result.stderr, result
    assert books_digest(data_dir.database) == before


# --------------------------------------------------------------------------- nesting

DEEP = "\n[x]\nv = " + "[" * 5000 + "]" * 5000 + "\n"


def test_a_policy_nested_thousands_deep_is_bad_syntax_not_a_crash(tmp_path):
    text = SHIPPED + DEEP
    message = refused(tmp_path, text)
    assert message.startswith(f"Tệp quy định tinh-thu.toml sai cú pháp: dữ liệu lồng nhau quá sâu (dòng "
                              f"{len(text.splitlines())}, quá 16 tầng")


def test_a_policy_nested_too_deep_for_a_policy_but_not_for_the_reader_is_refused_too(tmp_path):
    message = refused(tmp_path, SHIPPED + "\n[x]\nv = " + "[" * 50 + "]" * 50 + "\n")
    assert "lồng nhau quá sâu" in message


def test_the_policy_editor_refuses_a_deep_text(tmp_path):
    with pytest.raises(Refused, match="^Quy định sai cú pháp: dữ liệu lồng nhau quá sâu"):
        check_policy_text(SHIPPED + DEEP)
    assert not list(tmp_path.iterdir())


def test_a_frozen_copy_nested_thousands_deep_is_refused():
    with pytest.raises(Refused, match="^Quy định lưu trong dự án sai cú pháp: dữ liệu lồng nhau quá sâu"):
        FundPolicy.from_json("[" * 100_000 + "]" * 100_000)


def test_the_cli_refuses_a_deep_policy_with_exit_2_and_writes_nothing(cli, data_dir, tmp_path):
    assert cli(*INIT_ARGS).code == 0
    path = tmp_path / "sau.toml"
    path.write_text(SHIPPED + DEEP, encoding="utf-8")
    before = books_digest(data_dir.database)
    result = cli("project", "add", "--code", "DA01", "--name", "Nuôi bò", "--policy", str(path))
    assert result.code == 2 and "lồng nhau quá sâu" in result.stderr, result
    assert "không mong đợi" not in result.stderr
    assert books_digest(data_dir.database) == before


# --------------------------------------------------------------------------- code and name

@pytest.mark.parametrize("code", ["../../etc/passwd", "=1+1", "Hai-Duong", "hai_duong", "-x", "x--y", "a" * 65,
                                  "hải-dương"])
def test_a_code_is_lowercase_letters_digits_and_hyphens(tmp_path, code):
    text = swap(SHIPPED, f'code = "{DEFAULT_POLICY_CODE}"', f"code = {json.dumps(code)}")
    message = refused(tmp_path, text)
    assert f"Khóa “code” (dòng {line_of(text, 'code =')}): mã quy định “" in message
    assert "chỉ được gồm chữ thường không dấu, chữ số và dấu “-”" in message


def test_a_code_of_64_characters_still_reads(tmp_path):
    path = tmp_path / "tinh-thu.toml"
    path.write_text(swap(SHIPPED, f'code = "{DEFAULT_POLICY_CODE}"', f'code = "{"a" * 64}"'), encoding="utf-8")
    assert load_policy(path).code == "a" * 64


@pytest.mark.parametrize("name, words", [
    ("\\u0000Nhân rộng", "(U+0000)"),
    ("\\u202eNhân rộng", "(U+202E)"),
    ("Nhân\\trộng", "(U+0009)"),
    ("N" * 201, "tên quy định dài 201 ký tự (“NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN…”), nhiều nhất 200."),
])
def test_a_name_has_no_hidden_characters_and_at_most_200(tmp_path, name, words):
    lines = SHIPPED.splitlines()
    lines[line_of(SHIPPED, "name =") - 1] = f'name = "{name}"'
    text = "\n".join(lines) + "\n"
    message = refused(tmp_path, text)
    assert f"Khóa “name” (dòng {line_of(text, 'name =')}): " in message and words in message
    assert len(message) < 1_000


def test_a_version_2_file_gets_the_same_code_and_name_rules(tmp_path):
    text = swap(SOC_TRANG, 'code = "soc-trang-2023"', 'code = "../x"')
    message = refused(tmp_path, text)
    assert message.startswith("Tệp quy định tinh-thu.toml không hợp lệ. Khóa “code” (dòng")


def test_an_item_returned_in_kind_has_no_hidden_characters(tmp_path):
    text = next(p for p in policy_files() if p.stem == "dak-lak-2023-bo").read_text(encoding="utf-8")
    text = swap(text, 'item = "', 'item = "\\u202e')
    assert "Khóa “item” (dòng" in refused(tmp_path, text)


def test_a_copy_with_a_bad_code_is_not_saved(tmp_path):
    folder = tmp_path / "policies"
    with pytest.raises(Refused, match="mã quy định “xa_moi” chỉ được gồm"):
        save_policy_copy(folder, swap(SHIPPED, f'code = "{DEFAULT_POLICY_CODE}"', 'code = "xa_moi"'))
    assert not folder.exists()


def test_a_frozen_copy_keeps_the_code_it_was_approved_under():
    # A copy saved before codes were held to lowercase and hyphens still serves its projects.
    data = json.loads(load_policy().to_json())
    data["code"] = "Xa_Moi"
    assert FundPolicy.from_json(json.dumps(data)).code == "Xa_Moi"


def test_every_shipped_policy_passes_the_new_rules():
    for path in policy_files():
        assert load_policy(path).code == path.stem


def test_a_huge_policy_or_catalogue_file_is_refused_before_it_is_read(tmp_path):
    from desktop.catalogue import MAX_CATALOGUE_BYTES, read_catalogue_file
    from desktop.errors import Refused
    from desktop.policy import MAX_POLICY_BYTES, load_policy
    from desktop.resources import resource_path

    shipped = resource_path("policies", "hai-duong-2019.toml").read_text(encoding="utf-8")
    big = tmp_path / "lon.toml"
    big.write_text(shipped + "#" + "x" * MAX_POLICY_BYTES + "\n", encoding="utf-8")
    with pytest.raises(Refused, match="quá lớn"):
        load_policy(big)
    catalogue = tmp_path / "danh-muc.toml"
    catalogue.write_text(resource_path("programmes.toml").read_text(encoding="utf-8") + "#" +
                         "x" * MAX_CATALOGUE_BYTES + "\n", encoding="utf-8")
    with pytest.raises(Refused, match="quá lớn"):
        read_catalogue_file(catalogue)
