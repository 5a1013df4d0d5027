"""A policy file, an edited copy and a project's frozen copy are read strictly: every key known, none
missing, every value possible — refused in Vietnamese with the key and its line otherwise."""

from __future__ import annotations

import json
import re
import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain import Category
from desktop.errors import Refused
from desktop.policy import (
    DEFAULT_POLICY_CODE,
    MAX_INSTALLMENT_MONTHS,
    MAX_ROUNDING_UNIT,
    MAX_SHARE_DENOMINATOR,
    TABLES,
    FundPolicy,
    load_policy,
    policy_files,
    save_policy_copy,
)

SHIPPED = next(p for p in policy_files() if p.stem == DEFAULT_POLICY_CODE).read_text(encoding="utf-8")


def line_of(text: str, start: str) -> int:
    """The line (from 1) of the shipped file that starts with ``start``: the tests do not hard-code it."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if line.startswith(start))


def refused(tmp_path, text: str) -> str:
    path = tmp_path / "tinh-thu.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Refused) as caught:
        load_policy(path)
    message = caught.value.message
    assert message.startswith("Tệp quy định tinh-thu.toml không hợp lệ.")
    return message


def test_every_shipped_policy_loads_and_uses_every_key():
    for path in policy_files():
        policy = load_policy(path)
        assert policy.code == path.stem
        assert FundPolicy.from_json(policy.to_json()) == policy


def test_an_unknown_key_is_named_with_its_line_and_the_closest_known_key(tmp_path):
    text = SHIPPED.replace("min_target_share_percent = 70", "share_poor_percent = 70")
    line = line_of(text, "share_poor_percent")
    message = refused(tmp_path, text)
    assert f"Khóa không có trong quy định: share_poor_percent (dòng {line}). " \
           "Có phải ý bạn là min_target_share_percent (bảng [limits])?" in message
    # …and the key it replaced is missing from its table.
    assert f"Thiếu khóa “min_target_share_percent” trong bảng [limits] (dòng {line_of(text, '[limits]')})." \
        in message


def test_an_unknown_key_is_found_in_its_own_table_not_a_same_named_one_elsewhere(tmp_path):
    # "poor" is a key of [support]; written again under [limits] it is unknown there, on its own line.
    text = SHIPPED.replace("[limits]\n", "[limits]\npoor = 1\n")
    message = refused(tmp_path, text)
    assert f"Khóa không có trong quy định: poor (dòng {line_of(text, '[limits]') + 1})." in message


def test_a_typo_in_a_support_category_is_refused_not_ignored(tmp_path):
    text = SHIPPED.replace("near_poor = 5_000_000", "near_por = 5_000_000")
    message = refused(tmp_path, text)
    assert f"near_por (dòng {line_of(text, 'near_por')}). Có phải ý bạn là near_poor (bảng [support])?" in message


def test_an_unknown_table_suggests_the_known_one(tmp_path):
    text = SHIPPED.replace("[limits]", "[limit]")
    message = refused(tmp_path, text)
    assert f"Bảng không có trong quy định: [limit] (dòng {line_of(text, '[limit]')}). " \
           "Có phải ý bạn là [limits]?" in message
    assert "Thiếu bảng [limits] (với các khóa cap_per_project, min_target_share_percent, escaped_max_months)." \
        in message


def test_an_unknown_top_level_key_without_any_close_one_gets_no_guess(tmp_path):
    text = SHIPPED.replace('name = "', 'zzz = 1\nname = "', 1)
    message = refused(tmp_path, text)
    assert f"Khóa không có trong quy định: zzz (dòng {line_of(text, 'zzz')})." in message
    assert "Có phải" not in message


@pytest.mark.parametrize(("start", "table"), [
    ("after_years", "public_works"), ("rounding_unit", "repayment"), ("escaped =", "support"),
])
def test_a_missing_key_names_the_table_it_belongs_in(tmp_path, start, table):
    text = "\n".join(line for line in SHIPPED.splitlines() if not line.startswith(start))
    key = start.split()[0]
    assert f"Thiếu khóa “{key}” trong bảng [{table}] (dòng {line_of(text, f'[{table}]')})." \
        in refused(tmp_path, text)


def test_a_missing_top_level_key_says_where_it_goes(tmp_path):
    text = SHIPPED.replace(f'code = "{DEFAULT_POLICY_CODE}"\n', "")
    assert "Thiếu khóa “code” ở đầu tệp, trước bảng đầu tiên." in refused(tmp_path, text)


def test_the_source_may_be_left_out():
    text = "\n".join(line for line in SHIPPED.splitlines() if not line.startswith("source"))
    assert save_policy_copy_text_ok(text).source == ""


def save_policy_copy_text_ok(text: str) -> FundPolicy:
    import tomllib

    from desktop.policy import parse_policy

    return parse_policy(tomllib.loads(text), "thử.toml", text)


@pytest.mark.parametrize(("old", "new", "key", "reason"), [
    ("cap_per_project = 300_000_000", 'cap_per_project = "nhiều"', "cap_per_project",
     "phải là một số nguyên, không phải 'nhiều'"),
    ("rounding_unit = 1_000", "rounding_unit = 1.5", "rounding_unit", "phải là một số nguyên, không phải 1.5"),
    ("share_numerator = 2", "share_numerator = true", "share_numerator", "phải là một số nguyên, không phải True"),
    ("installment_months = [12, 24]", "installment_months = 12", "installment_months",
     "các kỳ hoàn trả phải là một danh sách số tháng nguyên"),
    ("installment_months = [12, 24]", 'installment_months = [12, "24"]', "installment_months",
     "các kỳ hoàn trả phải là một danh sách số tháng nguyên"),
    ('name = "', "name = 5\n#", "name", "phải là một chuỗi chữ không rỗng, không phải 5"),
])
def test_a_value_of_the_wrong_type_is_named_with_its_line(tmp_path, old, new, key, reason):
    text = SHIPPED.replace(old, new, 1)
    message = refused(tmp_path, text)
    assert re.search(rf"Khóa “{key}” \(dòng {line_of(text, key + ' =')}\):? {re.escape(reason)}", message), message


@pytest.mark.parametrize(("old", "new", "key", "reason"), [
    ("poor = 7_000_000", "poor = -7_000_000", "poor", "mức hỗ trợ âm (-7.000.000 đ)"),
    ("cap_per_project = 300_000_000", "cap_per_project = -1", "cap_per_project",
     "mức trần hỗ trợ một dự án (đồng) phải từ 0 đến"),
    ("share_numerator = 2", "share_numerator = 4", "share_numerator",
     "tỷ lệ hoàn trả 4/3 phải lớn hơn 0 và không quá 1"),
    ("share_numerator = 2", "share_numerator = 0", "share_numerator", "tỷ lệ hoàn trả 0/3 phải lớn hơn 0"),
    ("share_denominator = 3", "share_denominator = 0", "share_denominator", "mẫu số của tỷ lệ hoàn trả phải từ 1"),
    ("rounding_unit = 1_000", "rounding_unit = 0", "rounding_unit", "đơn vị làm tròn (đồng) phải từ 1 đến"),
    ("installment_months = [12, 24]", "installment_months = [24, 12]", "installment_months",
     "các kỳ hoàn trả phải là số tháng dương, tăng dần, không phải [24, 12]"),
    ("installment_months = [12, 24]", "installment_months = [12, 12]", "installment_months", "tăng dần"),
    ("installment_months = [12, 24]", "installment_months = [0, 12]", "installment_months", "số tháng dương"),
    ("installment_months = [12, 24]", "installment_months = []", "installment_months", "tăng dần, không phải []"),
    ("installment_months = [12, 24]", f"installment_months = [12, {MAX_INSTALLMENT_MONTHS + 1}]",
     "installment_months", f"không được quá {MAX_INSTALLMENT_MONTHS} tháng"),
    ("min_target_share_percent = 70", "min_target_share_percent = 170", "min_target_share_percent",
     "tỷ lệ hộ thuộc đối tượng (%) phải từ 0 đến 100, không phải 170"),
    ("escaped_max_months = 36", "escaped_max_months = -36", "escaped_max_months", "phải từ 0 đến 600"),
    ("commune_bp = 300", "commune_bp = 10_300", "commune_bp", "phải từ 0 đến 10000, không phải 10300"),
    ("upper_bp = 200", "upper_bp = 9_900", "upper_bp", "cộng lại 10200 phần vạn, quá 100%"),
    ("after_years = 3", "after_years = -1", "after_years", "phải từ 0 đến 50"),
])
def test_an_impossible_value_is_named_with_its_line(tmp_path, old, new, key, reason):
    text = SHIPPED.replace(old, new, 1)
    message = refused(tmp_path, text)
    # The key, its line, then what is wrong with it, in one sentence.
    assert re.search(rf"Khóa “{key}” \(dòng {line_of(text, key + ' =')}\): [^.]*{re.escape(reason)}", message), message


def test_every_problem_of_a_file_is_listed_at_once(tmp_path):
    text = SHIPPED.replace("poor = 7_000_000", "poor = -1").replace("rounding_unit = 1_000", "rounding_unit = 0")
    message = refused(tmp_path, text)
    assert "“poor”" in message and "“rounding_unit”" in message


def test_an_edited_copy_is_held_to_the_same_rules_and_nothing_is_written(tmp_path):
    text = SHIPPED.replace(f'"{DEFAULT_POLICY_CODE}"', '"ban-sao"', 1)
    folder = tmp_path / "policies"
    with pytest.raises(Refused) as caught:
        save_policy_copy(folder, text.replace("min_target_share_percent = 70", "share_poor_percent = 70"))
    assert caught.value.message.startswith("Tệp quy định đã sửa không hợp lệ. Khóa không có trong quy định: "
                                           f"share_poor_percent (dòng {line_of(SHIPPED, 'min_target_share')}).")
    assert not folder.exists()
    path, policy = save_policy_copy(folder, text)
    assert path.stem == policy.code == "ban-sao"


# --------------------------------------------------------------------------- a project's frozen copy

def _frozen(**changes) -> str:
    data = json.loads(load_policy().to_json())
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    return json.dumps(data, ensure_ascii=False)


@pytest.mark.parametrize(("text", "reason"), [
    (_frozen(share_poor_percent=70), "Khóa không có trong quy định: share_poor_percent."),
    (_frozen(cap_per_project=None), "Thiếu khóa “cap_per_project”."),
    (_frozen(support={"poor": 7_000_000, "near_poor": 5_000_000, "escaped": 5_000_000}),
     "Thiếu khóa “support.non_poor”."),
    (_frozen(support=7_000_000), "Khóa “support” phải là một bảng"),
    (_frozen(rounding_unit=0), "đơn vị làm tròn (đồng) phải từ 1"),
    (_frozen(installment_months=[24, 12]), "tăng dần"),
    (_frozen(share_numerator="2"), "phải là một số nguyên"),
])
def test_a_damaged_frozen_copy_is_refused_naming_the_policy_code(text, reason):
    with pytest.raises(Refused) as caught:
        FundPolicy.from_json(text)
    message = caught.value.message
    assert message.startswith(f"Quy định “{DEFAULT_POLICY_CODE}” lưu trong dự án bị hỏng, không dùng được.")
    assert reason in message, message


@pytest.mark.parametrize("text", ["không phải json", "[1, 2]", "{}"])
def test_a_frozen_copy_that_is_not_a_policy_at_all_is_refused(text):
    with pytest.raises(Refused, match="Quy định .*lưu trong dự án"):
        FundPolicy.from_json(text)


def test_a_project_whose_frozen_copy_is_damaged_refuses_a_support_and_writes_nothing(cli, data_dir):
    from tests.conftest import INIT_ARGS, books_digest

    assert cli(*INIT_ARGS).code == 0
    assert cli("project", "add", "--code", "DA01", "--name", "Nuôi bò").code == 0
    assert cli("hamlet", "add", "Thôn Đông").code == 0
    assert cli("household", "add", "--code", "H001", "--head", "Nguyễn Văn Dũng", "--hamlet", "Thôn Đông",
               "--category", "poor", "--category-on", "2022-01-01").code == 0
    # A copy written by another tool (or by hand) with a misspelt key: simulated in SQL, which the program
    # itself never does.
    with sqlite3.connect(data_dir.database) as conn:
        conn.execute("UPDATE project SET policy_json = ?", (_frozen(share_poor_percent=70),))
    conn.close()
    before = books_digest(data_dir.database)
    result = cli("support", "add", "--project", "DA01", "--household", "H001", "--on", "2024-01-10")
    assert result.code == 2, result
    assert f"Quy định “{DEFAULT_POLICY_CODE}” lưu trong dự án bị hỏng" in result.stderr
    assert "share_poor_percent" in result.stderr
    assert books_digest(data_dir.database) == before


# --------------------------------------------------------------------------- any valid policy round-trips

whole_amounts = st.integers(0, 10**15 - 1)
# Any text a file can hold (TOML has no lone surrogates and no raw control characters in a string) and a
# policy's name may (no format characters: they include the bidi overrides).
texts = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cf")), max_size=30)


@st.composite
def valid_policies(draw) -> FundPolicy:
    denominator = draw(st.integers(1, MAX_SHARE_DENOMINATOR))
    months = sorted(draw(st.sets(st.integers(1, MAX_INSTALLMENT_MONTHS), min_size=1, max_size=6)))
    commune_bp = draw(st.integers(0, 10_000))
    unit = draw(st.integers(1, MAX_ROUNDING_UNIT))
    # A support is 0 or large enough that its share, rounded to the unit, is more than 0 đồng.
    supports = st.one_of(st.just(0), st.integers(unit * denominator, 10**15 - 1))
    return FundPolicy(
        code=draw(st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)),
        name=draw(texts.filter(str.strip)),
        source=draw(texts),
        support={c.value: draw(supports) for c in Category},
        share_numerator=draw(st.integers(1, denominator)), share_denominator=denominator,
        rounding_unit=unit, installment_months=tuple(months),
        cap_per_project=draw(whole_amounts), min_target_share_percent=draw(st.integers(0, 100)),
        escaped_max_months=draw(st.integers(0, MAX_INSTALLMENT_MONTHS)),
        commune_bp=commune_bp, upper_bp=draw(st.integers(0, 10_000 - commune_bp)),
        public_works_after_years=draw(st.integers(0, MAX_INSTALLMENT_MONTHS // 12)),
    )


@settings(max_examples=200, deadline=None)
@given(valid_policies())
def test_any_valid_policy_round_trips_through_its_frozen_copy(policy):
    assert FundPolicy.from_json(policy.to_json()) == policy


def _as_toml(policy: FundPolicy) -> str:
    """The policy written as a province would write its file."""
    fields = json.loads(policy.to_json())
    lines = [f"{key} = {json.dumps(fields[key], ensure_ascii=False)}" for key in TABLES[None]]
    renamed = {("public_works", "after_years"): "public_works_after_years"}
    for table, keys in TABLES.items():
        if table is None:
            continue
        lines.append(f"\n[{table}]")
        for key in keys:
            value = fields["support"][key] if table == "support" else fields[renamed.get((table, key), key)]
            lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


@settings(max_examples=100, deadline=None)
@given(valid_policies())
def test_any_valid_policy_written_as_a_file_reads_back_the_same(policy):
    import tomllib

    from desktop.policy import parse_policy

    text = _as_toml(policy)
    assert parse_policy(tomllib.loads(text), "thử.toml", text) == policy
