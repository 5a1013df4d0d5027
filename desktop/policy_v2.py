"""Reading a version-2 policy (``schema = 2``): a rule per category of household.

The file has the same strictness as version 1 (``desktop.policy``): every key known, none missing, every
value possible, each problem named with its key, its line and the closest known key. What is new:

- ``[category.poor]``, ``[category.near_poor]``, ``[category.escaped]``, ``[category.non_poor]``: whether the
  category may be supported at all, its support, what it returns (``return_share = "1/2"``,
  ``return_amount = 3_000_000``, or ``return_in = "kind"`` with ``item``, ``quantity`` and ``value``), a grace
  period, the installments' months and their shares (``"equal"`` or a list of fractions adding up to 1);
- ``cap_per_household`` in ``[limits]``.

Fractions are written as text ("2/3", "0.25") so that a third stays a third: a TOML float would not.
The same reader checks a project's frozen JSON copy of a version-2 policy (``as_data`` writes it).
"""

from __future__ import annotations

import difflib
import re
from fractions import Fraction

from desktop.domain import Category
from desktop.errors import Refused
from desktop.money import MAX_AMOUNT, format_vnd, split_shares
from desktop.policy_parts import (
    MAX_BP,
    MAX_INSTALLMENT_MONTHS,
    MAX_ROUNDING_UNIT,
    MAX_SHARE_DENOMINATOR,
    MAX_YEARS,
    CategoryRule,
    InKindReturn,
    _line,
    _Lines,
    _no_lines,
    _unknown,
    name_problem,
    returns_nothing,
    shown_short,
)

SCHEMA = 2
CATEGORY_TABLE = "category"
# The keys of a version-2 file by table, in the order a file lists them.
TOP_KEYS = ("schema", "code", "name", "source")
TABLES: dict[str, tuple[str, ...]] = {
    "repayment": ("rounding_unit",),
    "limits": ("cap_per_household", "cap_per_project", "min_target_share_percent", "escaped_max_months"),
    "management_cost": ("commune_bp", "upper_bp"),
    "public_works": ("after_years",),
}
# A category that is supported takes all of these, plus what it returns.
SUPPORTED_KEYS = ("eligible", "support", "return_in", "grace_months", "installment_months", "installment_shares")
MONEY_KEYS = ("return_share", "return_amount")  # exactly one of them
KIND_KEYS = ("item", "quantity", "value")  # all of them
CATEGORY_KEYS = (*SUPPORTED_KEYS, *MONEY_KEYS, *KIND_KEYS)
RETURN_IN = {"money": "tiền", "kind": "hiện vật"}
EQUAL = "equal"
# A fraction as a province writes one: "2/3" of small whole numbers, or "0.25" with at most four decimals.
# Python's Fraction also reads "1e-400" or a thousand digits, which no rule means and which rounds to 0.
_FRACTION = re.compile(r"\s*[+-]?\d{1,5}(?:/\d{1,5}|\.\d{1,4})?\s*")


def _quote(key: str, table: str | None, lines: _Lines) -> str:
    number = lines.key(table, key)
    if number or table is None:
        return f"“{key}”{_line(number)}"
    return f"“{key}” trong bảng [{table}]"


class _Reader:
    """Collects every problem of one file, so a province fixes them all in one go."""

    def __init__(self, lines: _Lines) -> None:
        self.lines = lines
        self.problems: list[str] = []

    def bad(self, table: str | None, key: str, text: str) -> None:
        self.problems.append(f"Khóa {_quote(key, table, self.lines)}{text}")

    def whole(self, section: dict, table: str | None, key: str, low: int, high: int, what: str,
              shown=str) -> int | None:
        value = section[key]
        if isinstance(value, bool) or not isinstance(value, int):
            self.bad(table, key, f" phải là một số nguyên, không phải {value!r}.")
            return None
        if not low <= value <= high:
            self.bad(table, key, f": {what} phải từ {shown(low)} đến {shown(high)}, không phải {shown(value)}.")
            return None
        return value

    def text(self, section: dict, table: str | None, key: str, *, empty: bool = False) -> str | None:
        value = section[key]
        if not isinstance(value, str) or (not empty and not value.strip()):
            self.bad(table, key, f" phải là một chuỗi chữ không rỗng, không phải {value!r}.")
            return None
        return value

    def fraction(self, value, table: str, key: str, what: str) -> Fraction | None:
        """"2/3" or "0.25" as an exact fraction; a TOML number is refused (0.1 is not exact in binary)."""
        if not isinstance(value, str):
            hint = f" (viết \"{Fraction(str(value)).limit_denominator(1000)}\")" \
                if isinstance(value, float) and value == value and abs(value) != float("inf") else ""
            self.bad(table, key, f": {what} phải viết trong dấu nháy như \"2/3\" hoặc \"0.5\", "
                                 f"không phải {value!r}{hint}.")
            return None
        text = value.strip()
        if _FRACTION.fullmatch(value) or len(text) <= 40:
            try:
                share = Fraction(text)
            except (ValueError, ZeroDivisionError):
                self.bad(table, key, f": {what} “{shown_short(value)}” không phải một phân số như \"2/3\" hoặc "
                                     f"\"0.5\".")
                return None
        if not _FRACTION.fullmatch(value) or share.denominator > MAX_SHARE_DENOMINATOR:
            self.bad(table, key, f": {what} “{shown_short(value)}” phải viết là phân số như \"2/3\" (tử số và "
                                 f"mẫu số là số nguyên, mẫu số không quá {format_vnd(MAX_SHARE_DENOMINATOR)}) hoặc "
                                 f"số thập phân như \"0.25\" (nhiều nhất 4 chữ số sau dấu chấm, không viết số mũ).")
            return None
        return share


def parse_v2(raw: dict, origin: str, lines: _Lines | None, *, lead: str | None = None,
             before: list[str] | None = None) -> dict:
    """A version-2 policy's ``FundPolicy`` fields from a file's TOML (with its lines) or a project's JSON
    copy; ``Refused`` naming every problem otherwise (after ``before``, the caller's own)."""
    lines = lines or _no_lines
    reader = _Reader(lines)
    _check_keys(raw, reader)
    policy = None
    if not reader.problems:
        policy = _read(raw, reader)
    problems = [*(before or []), *reader.problems]
    if problems:
        lead = lead or f"Tệp quy định {origin} không hợp lệ."
        raise Refused(f"{lead} {' '.join(problems)}")
    return policy


def _everywhere() -> dict[str, str]:
    where = {key: " (đầu tệp)" for key in TOP_KEYS}
    where.update({key: f" (bảng [{table}])" for table, keys in TABLES.items() for key in keys})
    where.update({key: " (bảng [category.<phân loại>])" for key in CATEGORY_KEYS})
    return where


def _check_keys(raw: dict, reader: _Reader) -> None:
    lines, problems = reader.lines, reader.problems
    everywhere = _everywhere()
    tables = [*TABLES, CATEGORY_TABLE]
    for key, value in raw.items():
        if key in tables:
            if not isinstance(value, dict):
                problems.append(f"“{key}”{_line(lines.key(None, key))} phải là một bảng [{key}], "
                                f"không phải {value!r}.")
            elif key == CATEGORY_TABLE:
                _check_category_tables(value, reader, everywhere)
            else:
                for inner in value:
                    if inner not in TABLES[key]:
                        problems.append(_unknown(inner, [*TABLES[key], *everywhere], lines.key(key, inner),
                                                 everywhere))
        elif key not in TOP_KEYS:
            if isinstance(value, dict):
                close = difflib.get_close_matches(key, tables, n=1, cutoff=0.5)
                problems.append(f"Bảng không có trong quy định: [{key}]{_line(lines.table(key))}."
                                + (f" Có phải ý bạn là [{close[0]}]?" if close else ""))
            else:
                problems.append(_unknown(key, [*TOP_KEYS, *everywhere], lines.key(None, key), everywhere))
    for key in TOP_KEYS:
        if key not in raw and key != "source":
            problems.append(f"Thiếu khóa “{key}” ở đầu tệp, trước bảng đầu tiên.")
    for table, keys in TABLES.items():
        section = raw.get(table)
        if section is None:
            problems.append(f"Thiếu bảng [{table}] (với các khóa {', '.join(keys)}).")
        elif isinstance(section, dict):
            problems += [f"Thiếu khóa “{key}” trong bảng [{table}]{_line(lines.table(table))}."
                         for key in keys if key not in section]
    if CATEGORY_TABLE not in raw:
        problems.append("Thiếu các bảng [category.poor], [category.near_poor], [category.escaped], "
                        "[category.non_poor].")


def _check_category_tables(categories: dict, reader: _Reader, everywhere: dict[str, str]) -> None:
    lines, problems = reader.lines, reader.problems
    known = [c.value for c in Category]
    for name, rule in categories.items():
        table = f"{CATEGORY_TABLE}.{name}"
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.5)
            problems.append(f"Bảng không có trong quy định: [{table}]{_line(lines.table(table))}. Phân loại hộ chỉ "
                            f"có {', '.join(known)}." + (f" Có phải ý bạn là [{CATEGORY_TABLE}.{close[0]}]?"
                                                         if close else ""))
            continue
        if not isinstance(rule, dict):
            problems.append(f"“{name}” phải là một bảng [{table}], không phải {rule!r}.")
            continue
        for key in rule:
            if key not in CATEGORY_KEYS:
                problems.append(_unknown(key, [*CATEGORY_KEYS, *everywhere], lines.key(table, key), everywhere))
        if "eligible" not in rule:
            problems.append(f"Thiếu khóa “eligible” trong bảng [{table}]{_line(lines.table(table))} "
                            "(true: được hỗ trợ; false: không).")
    for name in known:
        if name not in categories:
            problems.append(f"Thiếu bảng [{CATEGORY_TABLE}.{name}] (phân loại {Category(name).label.lower()}).")


def _read(raw: dict, reader: _Reader) -> dict | None:
    """Every value in its range, once every key is known to be there."""
    values = {key: reader.text(raw, None, key) for key in ("code", "name")}
    values["source"] = reader.text(raw, None, "source", empty=True) if "source" in raw else ""
    schema = raw["schema"]
    if schema != SCHEMA or isinstance(schema, bool):
        reader.bad(None, "schema", f": phiên bản quy định chỉ có thể là {SCHEMA} (hoặc bỏ khóa này để viết theo "
                                   f"phiên bản 1), không phải {schema!r}.")
    unit = reader.whole(raw["repayment"], "repayment", "rounding_unit", 1, MAX_ROUNDING_UNIT,
                        "đơn vị làm tròn (đồng)", format_vnd)
    limits = raw["limits"]
    money = {"shown": format_vnd}
    values["cap_per_household"] = reader.whole(limits, "limits", "cap_per_household", 0, MAX_AMOUNT,
                                               "mức trần hỗ trợ một hộ (đồng, 0: không giới hạn)", **money)
    values["cap_per_project"] = reader.whole(limits, "limits", "cap_per_project", 0, MAX_AMOUNT,
                                             "mức trần hỗ trợ một dự án (đồng)", **money)
    values["min_target_share_percent"] = reader.whole(limits, "limits", "min_target_share_percent", 0, 100,
                                                      "tỷ lệ hộ thuộc đối tượng (%)")
    values["escaped_max_months"] = reader.whole(limits, "limits", "escaped_max_months", 0, MAX_INSTALLMENT_MONTHS,
                                                "số tháng còn là hộ mới thoát nghèo")
    cost = raw["management_cost"]
    commune = reader.whole(cost, "management_cost", "commune_bp", 0, MAX_BP, "kinh phí quản lý của xã (phần vạn)")
    upper = reader.whole(cost, "management_cost", "upper_bp", 0, MAX_BP, "kinh phí quản lý của cấp trên (phần vạn)")
    if commune is not None and upper is not None and commune + upper > MAX_BP:
        reader.bad("management_cost", "upper_bp", f": kinh phí quản lý của xã và cấp trên cộng lại "
                                                  f"{commune + upper} phần vạn, quá 100% số tiền hỗ trợ.")
    after = reader.whole(raw["public_works"], "public_works", "after_years", 0, MAX_YEARS,
                         "số năm trước khi chuyển sang công trình công ích")
    rules = {c.value: _read_category(c, raw[CATEGORY_TABLE][c.value], unit, reader) for c in Category}
    if reader.problems:
        return None
    return dict(
        code=values["code"], name=values["name"], source=values["source"],
        support={key: rule.support for key, rule in rules.items()},
        share_numerator=0, share_denominator=1, rounding_unit=unit, installment_months=(),
        cap_per_project=values["cap_per_project"], min_target_share_percent=values["min_target_share_percent"],
        escaped_max_months=values["escaped_max_months"], commune_bp=commune, upper_bp=upper,
        public_works_after_years=after, version=SCHEMA, categories=rules,
        cap_per_household=values["cap_per_household"])


def _read_category(category: Category, rule: dict, unit: int | None, reader: _Reader) -> CategoryRule | None:
    table = f"{CATEGORY_TABLE}.{category.value}"
    lines = reader.lines
    eligible = rule["eligible"]
    if not isinstance(eligible, bool):
        reader.bad(table, "eligible", f" phải là true (được hỗ trợ) hoặc false (không), không phải {eligible!r}.")
        return None
    if category is Category.NON_POOR and eligible:
        reader.bad(table, "eligible", ": hộ không thuộc diện nghèo, cận nghèo, mới thoát nghèo chỉ tham gia bằng "
                                      "vốn của mình (Kế hoạch 356/KH-UBND Hải Dương); phải là false.")
        return None
    if not eligible:
        extra = [key for key in rule if key != "eligible"]
        if extra:
            reader.problems.append(
                f"Bảng [{table}]{_line(lines.table(table))} có eligible = false (không được hỗ trợ) nên không ghi "
                f"{', '.join(extra)}; hãy xóa các khóa đó hoặc đặt eligible = true.")
            return None
        return CategoryRule(category.value, False, 0, None, None, None, 0, (), None)
    missing = [key for key in SUPPORTED_KEYS if key not in rule]
    if missing:
        reader.problems += [f"Thiếu khóa “{key}” trong bảng [{table}]{_line(lines.table(table))}." for key in missing]
        return None
    before = len(reader.problems)
    support = reader.whole(rule, table, "support", 0, MAX_AMOUNT, "mức hỗ trợ (đồng)", format_vnd)
    grace = reader.whole(rule, table, "grace_months", 0, MAX_INSTALLMENT_MONTHS, "số tháng ân hạn")
    months = _months(rule, table, reader)
    shares = _shares(rule, table, months, reader)
    share = amount = in_kind = None
    how = rule["return_in"]
    if how not in RETURN_IN:
        reader.bad(table, "return_in", f": cách hoàn trả chỉ có thể là \"money\" (tiền) hoặc \"kind\" (hiện vật), "
                                       f"không phải {how!r}.")
    elif how == "money":
        share, amount = _money_return(rule, table, unit, support, reader)
    else:
        in_kind = _kind_return(rule, table, support, months, shares, reader)
    if grace is not None and months and grace + months[-1] > MAX_INSTALLMENT_MONTHS:
        reader.bad(table, "grace_months", f": ân hạn {grace} tháng cộng kỳ cuối {months[-1]} tháng là quá "
                                          f"{MAX_INSTALLMENT_MONTHS} tháng.")
    if len(reader.problems) > before:
        return None
    return CategoryRule(category.value, True, support, share, amount, in_kind, grace, months, shares)


def _months(rule: dict, table: str, reader: _Reader) -> tuple[int, ...] | None:
    months = rule["installment_months"]
    if not isinstance(months, list | tuple) or any(isinstance(m, bool) or not isinstance(m, int) for m in months):
        reader.bad(table, "installment_months", f": các kỳ hoàn trả phải là một danh sách số tháng nguyên, ví dụ "
                                                f"[12, 24], không phải {months!r}.")
        return None
    if not months or any(m <= 0 for m in months) or any(a >= b for a, b in zip(months, months[1:], strict=False)):
        reader.bad(table, "installment_months", f": các kỳ hoàn trả phải là số tháng dương, tăng dần, không phải "
                                                f"{list(months)}.")
        return None
    if months[-1] > MAX_INSTALLMENT_MONTHS:
        reader.bad(table, "installment_months", f": kỳ hoàn trả cuối không được quá {MAX_INSTALLMENT_MONTHS} tháng.")
        return None
    return tuple(months)


def _shares(rule: dict, table: str, months, reader: _Reader) -> tuple[tuple[int, int], ...] | None:
    """None for equal installments, else the listed fractions (same count as the months, adding up to 1)."""
    shares = rule["installment_shares"]
    if shares == EQUAL:
        return None
    if not isinstance(shares, list):
        reader.bad(table, "installment_shares", f": phần của các kỳ phải là \"{EQUAL}\" (chia đều) hoặc một danh "
                                                f"sách phân số như [\"1/4\", \"3/4\"], không phải {shares!r}.")
        return None
    read = [reader.fraction(s, table, "installment_shares", "phần của một kỳ") for s in shares]
    if any(s is None for s in read):
        return None
    if months is not None and len(read) != len(months):
        reader.bad(table, "installment_shares", f": có {len(read)} phần nhưng {len(months)} kỳ hoàn trả "
                                                f"(installment_months); mỗi kỳ một phần.")
        return None
    if any(s <= 0 for s in read) or sum(read) != 1:
        reader.bad(table, "installment_shares", f": các phần {', '.join(str(s) for s in read)} phải lớn hơn 0 và "
                                                f"cộng lại đúng bằng 1, không phải {sum(read)}.")
        return None
    return tuple((s.numerator, s.denominator) for s in read)


def _money_return(rule: dict, table: str, unit: int | None, support: int | None, reader: _Reader):
    given = [key for key in MONEY_KEYS if key in rule]
    stray = [key for key in KIND_KEYS if key in rule]
    if stray:
        reader.problems.append(f"Bảng [{table}] hoàn trả bằng tiền (return_in = \"money\") nên không ghi "
                               f"{', '.join(stray)}; các khóa đó chỉ dùng khi return_in = \"kind\".")
    if len(given) != 1:
        reader.problems.append(f"Bảng [{table}]{_line(reader.lines.table(table))} phải ghi đúng một trong hai "
                               "khóa return_share (tỷ lệ, ví dụ \"2/3\") hoặc return_amount (số đồng)"
                               + (f", không phải cả {' và '.join(given)}." if given else "."))
        return None, None
    if given == ["return_share"]:
        share = reader.fraction(rule["return_share"], table, "return_share", "tỷ lệ hoàn trả")
        if share is not None and not 0 < share <= 1:
            reader.bad(table, "return_share", f": tỷ lệ hoàn trả {share} phải lớn hơn 0 và không quá 1.")
            return None, None
        if share is not None and unit is not None and support is not None \
                and returns_nothing(support, share.numerator, share.denominator, unit):
            reader.bad(table, "return_share", f": hoàn trả {share} của mức hỗ trợ {format_vnd(support)} đ, làm "
                                              f"tròn đến {format_vnd(unit)} đ (rounding_unit), thành 0 đ; hãy giảm "
                                              f"đơn vị làm tròn hoặc sửa tỷ lệ hoàn trả.")
            return None, None
        return (share.numerator, share.denominator) if share is not None else None, None
    amount = reader.whole(rule, table, "return_amount", 1, MAX_AMOUNT, "số tiền hoàn trả (đồng)", format_vnd)
    if amount is not None and unit is not None and amount % unit:
        reader.bad(table, "return_amount", f": {format_vnd(amount)} đ không chia hết cho đơn vị làm tròn "
                                           f"{format_vnd(unit)} đ.")
    elif amount is not None and support is not None and amount > support:
        reader.bad(table, "return_amount", f": hoàn trả {format_vnd(amount)} đ nhiều hơn mức hỗ trợ "
                                           f"{format_vnd(support)} đ.")
    return None, amount


def _kind_return(rule: dict, table: str, support, months, shares, reader: _Reader) -> InKindReturn | None:
    stray = [key for key in MONEY_KEYS if key in rule]
    if stray:
        reader.problems.append(f"Bảng [{table}] hoàn trả bằng hiện vật (return_in = \"kind\") nên không ghi "
                               f"{', '.join(stray)}; giá trị phải trả là quantity × value.")
    missing = [key for key in KIND_KEYS if key not in rule]
    if missing:
        reader.problems += [f"Thiếu khóa “{key}” trong bảng [{table}]{_line(reader.lines.table(table))} (hoàn trả "
                            "bằng hiện vật cần item, quantity, value)." for key in missing]
        return None
    item = reader.text(rule, table, "item")
    if item is not None and (problem := name_problem(item, "tên hiện vật", 100)):
        reader.bad(table, "item", f": {problem}")
        item = None
    quantity = reader.whole(rule, table, "quantity", 1, 10_000, "số lượng hiện vật")
    value = reader.whole(rule, table, "value", 1, MAX_AMOUNT, "giá thỏa thuận một hiện vật (đồng)", format_vnd)
    if None in (item, quantity, value) or stray:
        return None
    if support is not None and quantity * value > support:
        reader.bad(table, "value", f": hiện vật trả lại {quantity} × {format_vnd(value)} đ = "
                                   f"{format_vnd(quantity * value)} đ, nhiều hơn mức hỗ trợ {format_vnd(support)} đ.")
        return None
    if months is not None:
        items = split_shares(quantity, shares, len(months), 1)
        if min(items) < 1:
            reader.bad(table, "quantity", f": {quantity} {item} chia cho {len(months)} kỳ thì có kỳ không trả hiện "
                                          f"vật nào ({', '.join(map(str, items))}); mỗi kỳ phải có ít nhất một.")
            return None
    return InKindReturn(item.strip(), quantity, value)


def as_data(policy) -> dict:
    """A version-2 policy as the data its file holds: the project's frozen copy, read back by ``parse_v2``."""
    categories = {}
    for key, rule in policy.categories.items():
        if not rule.eligible:
            categories[key] = {"eligible": False}
            continue
        data = {"eligible": True, "support": rule.support, "grace_months": rule.grace_months,
                "installment_months": list(rule.installment_months),
                "installment_shares": EQUAL if rule.installment_shares is None
                else [f"{n}/{d}" for n, d in rule.installment_shares]}
        if rule.in_kind is not None:
            data.update(return_in="kind", item=rule.in_kind.item, quantity=rule.in_kind.quantity,
                        value=rule.in_kind.value)
        elif rule.return_amount is not None:
            data.update(return_in="money", return_amount=rule.return_amount)
        else:
            data.update(return_in="money", return_share=f"{rule.return_share[0]}/{rule.return_share[1]}")
        categories[key] = data
    return {
        "schema": SCHEMA, "code": policy.code, "name": policy.name, "source": policy.source,
        "repayment": {"rounding_unit": policy.rounding_unit},
        "limits": {"cap_per_household": policy.cap_per_household, "cap_per_project": policy.cap_per_project,
                   "min_target_share_percent": policy.min_target_share_percent,
                   "escaped_max_months": policy.escaped_max_months},
        "management_cost": {"commune_bp": policy.commune_bp, "upper_bp": policy.upper_bp},
        "public_works": {"after_years": policy.public_works_after_years},
        CATEGORY_TABLE: categories,
    }
