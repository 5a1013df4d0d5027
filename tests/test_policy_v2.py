"""Policy version 2: a rule per category. Random valid policies always split exactly, payments go to the
oldest installment first, returns in kind are valued exactly; every invalid file is refused naming the key;
a project under each shipped policy goes through supports, payments and the reports."""

from __future__ import annotations

import json
import re
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.domain import Category
from desktop.errors import Refused
from desktop.fund import (
    OpenInstallment,
    allocate,
    amount_to_return,
    in_kind_items,
    in_kind_receipt,
    plan_schedule,
)
from desktop.policy import FundPolicy, load_policy, parse_policy, policy_files
from desktop.reports.period import period_report
from desktop.services import payments, projects, schedules, support
from desktop.services.households import HouseholdInput, add_household
from tests.conftest import books_digest

TODAY = date(2026, 11, 1)
SOC_TRANG = next(p for p in policy_files() if p.stem == "soc-trang-2023").read_text(encoding="utf-8")


# -- random valid policies ----------------------------------------------------------------------------

@st.composite
def shares(draw, parts: int):
    """"equal", or ``parts`` positive fractions adding up to exactly 1."""
    if draw(st.booleans()):
        return "equal"
    weights = draw(st.lists(st.integers(1, 50), min_size=parts, max_size=parts))
    fractions = [Fraction(w, sum(weights)) for w in weights]
    return [str(f) for f in fractions]


@st.composite
def category_rules(draw, unit: int):
    months = sorted(draw(st.sets(st.integers(1, 120), min_size=1, max_size=6)))
    # Enough that any share below (at least 1/12) rounds to more than 0 đồng, as a policy must.
    support_amount = draw(st.integers(unit * 12, 50_000_000))
    rule = {"eligible": True, "support": support_amount, "grace_months": draw(st.integers(0, 24)),
            "installment_months": months, "installment_shares": draw(shares(len(months)))}
    how = draw(st.sampled_from(["share", "amount", "kind"]))
    if how == "share":
        denominator = draw(st.integers(1, 12))
        rule.update(return_in="money", return_share=f"{draw(st.integers(1, denominator))}/{denominator}")
    elif how == "amount":
        rule.update(return_in="money",
                    return_amount=draw(st.integers(1, max(1, support_amount // unit))) * unit)
    else:
        # Every installment gets at least one whole item: as many items as installments, or more.
        quantity = draw(st.integers(len(months), len(months) + 5))
        value = draw(st.integers(1, max(1, support_amount // quantity)))
        rule["support"] = max(support_amount, quantity * value)  # the items never cost more than the support
        rule.update(return_in="kind", item="con bê cái", quantity=quantity, value=value,
                    installment_shares="equal")
    return rule


@st.composite
def policies(draw):
    unit = draw(st.sampled_from([1, 100, 1_000, 10_000]))
    data = {
        "schema": 2, "code": "ngau-nhien", "name": "Quy định ngẫu nhiên",
        "repayment": {"rounding_unit": unit},
        "limits": {"cap_per_household": 0, "cap_per_project": 300_000_000, "min_target_share_percent": 70,
                   "escaped_max_months": 36},
        "management_cost": {"commune_bp": 300, "upper_bp": 200}, "public_works": {"after_years": 3},
        "category": {c.value: draw(category_rules(unit)) for c in Category if c.is_target},
    }
    data["category"]["non_poor"] = {"eligible": False}
    return parse_policy(data, "ngẫu nhiên")


@settings(max_examples=200, deadline=None)
@given(policy=policies(), category=st.sampled_from([c for c in Category if c.is_target]),
       on=st.dates(date(2020, 1, 1), date(2030, 12, 31)), data=st.data())
def test_random_valid_policies_split_exactly_and_in_order(policy, category, on, data):
    rule = policy.rule_for(category)
    given_amount = data.draw(st.integers(max(rule.support // 2, 1), rule.support)) if rule.in_kind is None \
        else rule.support
    schedule = plan_schedule(given_amount, on, policy, category)
    total = amount_to_return(given_amount, policy, category)
    assert sum(i.amount for i in schedule) == total
    assert all(i.amount >= 0 for i in schedule)
    assert [i.seq for i in schedule] == list(range(1, len(rule.installment_months) + 1))
    assert all(a.due_on < b.due_on for a, b in zip(schedule, schedule[1:], strict=False))
    assert FundPolicy.from_json(policy.to_json()) == policy
    if rule.in_kind is not None:
        # Every installment is whole items at the agreed value, to the đồng.
        assert all(i.amount % rule.in_kind.value == 0 and i.amount > 0 for i in schedule)
        assert total == rule.in_kind.quantity * rule.in_kind.value
    else:
        if rule.return_share is not None:
            assert total % policy.rounding_unit == 0
        # Every installment but the last is a whole number of rounding units.
        assert all(i.amount % policy.rounding_unit == 0 for i in schedule[:-1])
    # A payment goes to the oldest installment first: those before the last touched are paid in full.
    open_ = [OpenInstallment(n, i.seq, i.due_on, i.amount, 0) for n, i in enumerate(schedule, start=1)]
    if total:
        paid = data.draw(st.integers(1, total))
        allocations = allocate(paid, open_)
        assert sum(a.amount for a in allocations) == paid
        touched = [a.seq for a in allocations]
        # Installments rounded down to nothing (a tiny support split in many shares) take no payment: the
        # others are paid in order, from the first that is owed, none skipped.
        owed = [i.seq for i in schedule if i.amount]
        assert touched == owed[:len(touched)]
        for a in allocations[:-1]:
            assert a.amount == schedule[a.seq - 1].amount


@settings(max_examples=100, deadline=None)
@given(policy=policies(), items=st.integers(1, 20))
def test_a_return_in_kind_is_valued_exactly_at_the_agreed_value(policy, items):
    for category in Category:
        rule = policy.rule_for(category)
        if rule.in_kind is None:
            continue
        amount, text = in_kind_receipt(rule, items)
        assert amount == items * rule.in_kind.value
        assert in_kind_items(rule, amount) == items
        if rule.in_kind.value > 1:  # not a whole number of items: no receipt in kind for it
            assert in_kind_items(rule, amount + 1) is None
        assert text.startswith(f"{items} con bê cái (giá thỏa thuận ")


# -- invalid files, each refused naming the key -------------------------------------------------------

def line_of(text: str, start: str, after: str = "") -> int:
    """The line (from 1) of the first line starting with ``start``, after the text ``after``."""
    begin = text.index(after) if after else 0
    found = re.compile(f"^{re.escape(start)}", re.MULTILINE).search(text, begin)
    return text[:found.start()].count("\n") + 1


def refused(tmp_path, text: str) -> str:
    path = tmp_path / "tinh-thu.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(Refused) as caught:
        load_policy(path)
    assert caught.value.message.startswith("Tệp quy định tinh-thu.toml không hợp lệ.")
    return caught.value.message


POOR = "[category.poor]"
NEAR = "[category.near_poor]"
CASES = [
    # (what is changed, into what, the message expected; {line} is the changed line)
    ('return_share = "1/2"\ngrace_months = 0\ninstallment_months = [12, 24, 36]',
     'return_shar = "1/2"\ngrace_months = 0\ninstallment_months = [12, 24, 36]',
     "Khóa không có trong quy định: return_shar (dòng {line}). Có phải ý bạn là return_share "
     "(bảng [category.<phân loại>])?"),
    ("support = 10_000_000", "support = -1", "Khóa “support” (dòng {line}): mức hỗ trợ (đồng) phải từ 0"),
    ("support = 10_000_000", "support = 10.5", "Khóa “support” (dòng {line}) phải là một số nguyên, không phải 10.5."),
    ('return_share = "1/2"', 'return_share = 0.5',
     "Khóa “return_share” (dòng {line}): tỷ lệ hoàn trả phải viết trong dấu nháy như \"2/3\" hoặc \"0.5\", "
     "không phải 0.5 (viết \"1/2\")."),
    ('return_share = "1/2"', 'return_share = "3/2"',
     "Khóa “return_share” (dòng {line}): tỷ lệ hoàn trả 3/2 phải lớn hơn 0 và không quá 1."),
    ('return_share = "1/2"', 'return_share = "một nửa"',
     "Khóa “return_share” (dòng {line}): tỷ lệ hoàn trả “một nửa” không phải một phân số"),
    ('return_share = "1/2"', 'return_share = "1/2"\nreturn_amount = 5_000_000',
     "Bảng [category.poor] (dòng {table}) phải ghi đúng một trong hai khóa return_share"),
    ("installment_months = [12, 24, 36]", "installment_months = [24, 12, 36]",
     "Khóa “installment_months” (dòng {line}): các kỳ hoàn trả phải là số tháng dương, tăng dần"),
    ('installment_shares = "equal"', 'installment_shares = ["1/3", "1/3", "1/4"]',
     "Khóa “installment_shares” (dòng {line}): các phần 1/3, 1/3, 1/4 phải lớn hơn 0 và cộng lại đúng bằng 1, "
     "không phải 11/12."),
    ('installment_shares = "equal"', 'installment_shares = ["1/2", "1/2"]',
     "Khóa “installment_shares” (dòng {line}): có 2 phần nhưng 3 kỳ hoàn trả"),
    ('installment_shares = "equal"', 'installment_shares = "deu"',
     "Khóa “installment_shares” (dòng {line}): phần của các kỳ phải là \"equal\""),
    ("grace_months = 0", "grace_months = -3", "Khóa “grace_months” (dòng {line}): số tháng ân hạn phải từ 0 đến 600"),
    ('return_in = "money"', 'return_in = "thoc"',
     "Khóa “return_in” (dòng {line}): cách hoàn trả chỉ có thể là \"money\" (tiền) hoặc \"kind\" (hiện vật)"),
    ('return_in = "money"', 'return_in = "kind"', "Thiếu khóa “item” trong bảng [category.poor] (dòng {table})"),
    ("eligible = true", "eligible = 1", "Khóa “eligible” (dòng {line}) phải là true (được hỗ trợ) hoặc false"),
    ("\nschema = 2", "\nschema = 3", "Khóa “schema” (dòng {line}): phiên bản quy định chỉ có thể là 2"),
    ("cap_per_household = 0", "cap_per_househld = 0",
     "Khóa không có trong quy định: cap_per_househld (dòng {line}). Có phải ý bạn là cap_per_household "
     "(bảng [limits])?"),
    ("[category.escaped]", "[category.escapd]",
     "Bảng không có trong quy định: [category.escapd] (dòng {line}). Phân loại hộ chỉ có poor, near_poor, "
     "escaped, non_poor. Có phải ý bạn là [category.escaped]?"),
    ("commune_bp = 300", "commune_bp = 9900",
     "kinh phí quản lý của xã và cấp trên cộng lại 10100 phần vạn, quá 100% số tiền hỗ trợ."),
]


@pytest.mark.parametrize(("old", "new", "expected"), CASES, ids=[c[1].split("\n")[-1][:30] for c in CASES])
def test_every_invalid_version_2_file_is_refused_naming_the_key(tmp_path, old, new, expected):
    after = POOR if old in SOC_TRANG[SOC_TRANG.index(POOR):SOC_TRANG.index(NEAR)] else ""
    start = SOC_TRANG.index(after) if after else 0
    text = SOC_TRANG[:start] + SOC_TRANG[start:].replace(old, new, 1)
    changed = new.split("\n")[-1] if "return_amount" not in new and "return_shar " not in new else new.split("\n")[0]
    line = line_of(text, changed.split(" =")[0].split("]")[0] + ("]" if changed.startswith("[") else ""), after)
    message = refused(tmp_path, text)
    assert expected.format(line=line, table=line_of(text, POOR)) in message, message


def test_a_category_not_supported_takes_no_other_key_and_non_poor_is_never_supported(tmp_path):
    text = SOC_TRANG.replace("[category.non_poor]\n", "[category.non_poor]\nsupport = 0\n")
    assert "Bảng [category.non_poor] (dòng" in refused(tmp_path, text)
    assert "nên không ghi support" in refused(tmp_path, text)
    text = SOC_TRANG.replace("eligible = false", "eligible = true")
    assert "Khóa “eligible”" in refused(tmp_path, text) and "phải là false" in refused(tmp_path, text)


def test_in_kind_quantity_must_give_every_installment_an_item_and_stay_within_the_support(tmp_path):
    bo = next(p for p in policy_files() if p.stem == "dak-lak-2023-bo").read_text(encoding="utf-8")
    text = bo.replace("installment_months = [30]", "installment_months = [30, 42]", 1)
    assert "Khóa “quantity” (dòng" in (message := refused(tmp_path, text))
    assert "1 con bê cái chia cho 2 kỳ thì có kỳ không trả hiện vật nào (0, 1)" in message
    text = bo.replace("value = 7_000_000", "value = 16_000_000", 1)
    assert "hiện vật trả lại 1 × 16.000.000 đ = 16.000.000 đ, nhiều hơn mức hỗ trợ 15.000.000 đ." \
        in refused(tmp_path, text)


def test_a_damaged_version_2_copy_in_a_project_is_refused_by_name():
    data = json.loads(load_policy("soc-trang-2023").to_json())
    data["category"]["poor"]["return_share"] = "7/5"
    with pytest.raises(Refused, match=re.escape("Quy định “soc-trang-2023” lưu trong dự án bị hỏng, không dùng "
                                                "được. Khóa “return_share” trong bảng [category.poor]: tỷ lệ")):
        FundPolicy.from_json(json.dumps(data))


def test_a_version_1_copy_is_written_exactly_as_before():
    policy = load_policy("hai-duong-2019")
    assert set(json.loads(policy.to_json())) == {
        "code", "name", "source", "support", "share_numerator", "share_denominator", "rounding_unit",
        "installment_months", "cap_per_project", "min_target_share_percent", "escaped_max_months", "commune_bp",
        "upper_bp", "public_works_after_years"}


# -- a project under each shipped policy --------------------------------------------------------------

PEOPLE = [("H001", "Nguyễn Văn Dũng", Category.POOR), ("H002", "Đặng Thị Hoa", Category.NEAR_POOR),
          ("H003", "Lò Văn Páo", Category.ESCAPED)]
ON = date(2024, 3, 10)


def project_under(books, policy: str):
    projects.add_project(books, projects.ProjectInput("DA01", "Mô hình sinh kế", programme="GNBV",
                                                      component="Dự án 2", policy=policy))
    for code, name, category in PEOPLE:
        add_household(books, HouseholdInput(code, name, "Thôn Đông", category, category_on=date(2022, 1, 1)))
    return books


def give(books, household: str) -> list[tuple[str, int]]:
    result = support.record_support(books, support.SupportInput("DA01", household, ON), today=TODAY)
    return [(i.due_on.isoformat(), i.amount) for i in result.schedule]


def pay(books, household: str, amount: int, on: date, **options):
    return payments.record_payment(books, payments.PaymentInput("DA01", household, amount, on, **options),
                                   today=TODAY)


def report(books) -> tuple[int, int, int]:
    row = period_report(books.conn, date(2024, 1, 1), date(2025, 12, 31)).totals
    return row.disbursed_to_date, row.to_return_to_date, row.recovered_to_date


def test_hai_duong_2019_two_thirds_in_two_yearly_thirds(books):
    project_under(books, "hai-duong-2019")
    assert give(books, "H001") == [("2025-03-10", 2_333_000), ("2026-03-10", 2_334_000)]
    assert give(books, "H002") == [("2025-03-10", 1_666_000), ("2026-03-10", 1_667_000)]
    assert give(books, "H003") == [("2025-03-10", 1_666_000), ("2026-03-10", 1_667_000)]
    paid = pay(books, "H001", 3_000_000, date(2025, 3, 20))
    assert [(a.seq, a.amount) for a in paid.allocations] == [(1, 2_333_000), (2, 667_000)]
    assert report(books) == (17_000_000, 11_333_000, 3_000_000)
    assert schedules.fund_report(books, "DA01")["balance"] == 3_000_000


def test_soc_trang_2023_half_over_three_years_with_a_grace_and_a_fixed_amount(books):
    project_under(books, "soc-trang-2023")
    # Poor: 10.000.000 × 1/2 = 5.000.000 in three equal thirds, the last taking the rest.
    assert give(books, "H001") == [("2025-03-10", 1_666_000), ("2026-03-10", 1_666_000), ("2027-03-10", 1_668_000)]
    # Near-poor: 8.000.000 × 1/2 = 4.000.000 as 1/4, 1/4, 1/2, each 6 months later (grace).
    assert give(books, "H002") == [("2025-09-10", 1_000_000), ("2026-09-10", 1_000_000), ("2027-09-10", 2_000_000)]
    # Newly escaped: a fixed 3.000.000 in two.
    assert give(books, "H003") == [("2025-03-10", 1_500_000), ("2026-03-10", 1_500_000)]
    paid = pay(books, "H001", 2_000_000, date(2025, 3, 20))
    assert [(a.seq, a.amount) for a in paid.allocations] == [(1, 1_666_000), (2, 334_000)]
    assert paid.outstanding == 3_000_000
    paid = pay(books, "H002", 1_500_000, date(2025, 10, 1))
    assert [(a.seq, a.amount) for a in paid.allocations] == [(1, 1_000_000), (2, 500_000)]
    assert report(books) == (24_000_000, 12_000_000, 3_500_000)
    rows = schedules.schedule(books, "DA01", "H002", as_of=TODAY)
    assert [(r["seq"], r["paid"], r["status"]) for r in rows] == [(1, 1_000_000, "paid"), (2, 500_000, "overdue"),
                                                                  (3, 0, "open")]


def test_dak_lak_cattle_rotation_returns_a_heifer_calf_at_its_agreed_value(books):
    project_under(books, "dak-lak-2023-bo")
    # A breeding cow (15.000.000); 30 months later one heifer calf, agreed at 7.000.000.
    assert give(books, "H001") == [("2026-09-10", 7_000_000)]
    assert give(books, "H002") == [("2026-09-10", 7_000_000)]
    rule = load_policy("dak-lak-2023-bo").rule_for(Category.POOR)
    amount, text = in_kind_receipt(rule, 1)
    paid = pay(books, "H001", amount, date(2026, 9, 15), in_kind=text)
    assert (paid.receipt.amount, paid.receipt.method, paid.outstanding) == (7_000_000, "in_kind", 0)
    stored = books.conn.execute("SELECT in_kind FROM receipt WHERE number = ?", (paid.receipt.number,)).fetchone()
    assert stored[0] == "1 con bê cái (giá thỏa thuận 7.000.000 đ/con bê cái)"
    assert report(books) == (30_000_000, 14_000_000, 0)  # the calf came after the period
    assert schedules.fund_report(books, "DA01")["balance"] == 7_000_000


def test_a_category_the_policy_does_not_support_is_refused_before_anything_is_written(books):
    project_under(books, "dak-lak-2023-bo")
    before = books_digest(books.data_dir.database)
    with pytest.raises(Refused, match="Hộ H003 là hộ mới thoát nghèo; quy định dak-lak-2023-bo không hỗ trợ phân "
                                      "loại này từ ngân sách hay quỹ luân chuyển"):
        give(books, "H003")
    assert books_digest(books.data_dir.database) == before


def test_the_cap_per_household_is_refused_on_the_command_line_with_nothing_written(books, cli):
    project_under(books, "dak-lak-2023-bo")
    before = books_digest(books.data_dir.database)
    result = cli("support", "add", "--project", "DA01", "--household", "H001", "--amount", "16000000",
                 "--on", "2024-03-10")
    assert result.code == 2
    assert "Hộ H001 được hỗ trợ 16.000.000 đ từ ngân sách, quá mức trần 15.000.000 đ một hộ của quy định " \
           "dak-lak-2023-bo. Hãy ghi mức hỗ trợ không quá mức trần." in result.stderr
    assert books_digest(books.data_dir.database) == before
