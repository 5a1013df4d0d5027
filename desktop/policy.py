"""Rotating-fund policies as data: a TOML file per province, and a frozen copy inside each project.

A policy is read strictly: every key the program knows must be there, no other key may be, and every value
must be a whole number (or text, for the names) in its possible range. A misspelt key silently ignored
would leave the rule it meant to change at its old value, which is worse than a refusal.

Two versions of the file exist. Version 1 (no ``schema`` key) has one rule for every category; version 2
(``schema = 2``, read by ``desktop.policy_v2``) gives each category its own support, share or amount to
return, grace period, installments and their shares, and may take the return in kind. Both become the
same ``FundPolicy``; a category's rule is always read through ``FundPolicy.rule_for``.
"""

from __future__ import annotations

import difflib
import json
import tomllib
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from pathlib import Path

from desktop.domain import Category
from desktop.errors import Refused
from desktop.money import MAX_AMOUNT, format_vnd
from desktop.nesting import deep_refusal, too_deep
from desktop.policy_parts import (  # noqa: F401  (MAX_* and the rules are read from here by the rest)
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
    code_problem,
    name_problem,
    returns_nothing,
    shown_short,
)
from desktop.policy_v2 import as_data, parse_v2
from desktop.resources import resource_path

DEFAULT_POLICY_CODE = "hai-duong-2019"
# The keys of a policy file, by table (None: the top of the file, before any [table]), in the order a file
# lists them. Each names the FundPolicy field it fills when the two differ.
TABLES: dict[str | None, tuple[str, ...]] = {
    None: ("code", "name", "source"),
    "support": tuple(c.value for c in Category),
    "repayment": ("share_numerator", "share_denominator", "rounding_unit", "installment_months"),
    "limits": ("cap_per_project", "min_target_share_percent", "escaped_max_months"),
    "management_cost": ("commune_bp", "upper_bp"),
    "public_works": ("after_years",),
}
OPTIONAL_KEYS = {(None, "source")}  # a province's file may leave out where its rules come from
FIELD_OF = {("public_works", "after_years"): "public_works_after_years"}


@dataclass(frozen=True)
class FundPolicy:
    code: str
    name: str
    source: str
    support: dict[str, int]
    share_numerator: int
    share_denominator: int
    rounding_unit: int
    installment_months: tuple[int, ...]
    cap_per_project: int
    min_target_share_percent: int
    escaped_max_months: int
    commune_bp: int
    upper_bp: int
    public_works_after_years: int
    # Version 2 only. A version-2 policy has no single share or schedule: its share_numerator,
    # share_denominator and installment_months are 0, 1 and () and nothing reads them (see rule_for).
    version: int = 1
    categories: dict[str, CategoryRule] = dataclass_field(default_factory=dict)
    cap_per_household: int = 0  # 0: no cap per household

    def support_for(self, category: Category) -> int:
        return self.support[category.value]

    def rule_for(self, category: Category | str) -> CategoryRule:
        """The rule of one category; a version-1 policy has the same share and schedule for all."""
        key = Category(category).value
        if self.version == 2:
            return self.categories[key]
        return CategoryRule(
            category=key, eligible=key != Category.NON_POOR.value, support=self.support[key],
            return_share=(self.share_numerator, self.share_denominator), return_amount=None, in_kind=None,
            grace_months=0, installment_months=self.installment_months, installment_shares=None)

    def to_json(self) -> str:
        if self.version == 2:
            return json.dumps(as_data(self), ensure_ascii=False, sort_keys=True)
        # Exactly the keys version 1 always wrote, so a version-1 copy reads the same as before.
        data = {name: getattr(self, name) for name in _FIELDS}
        data["support"] = dict(self.support)
        data["installment_months"] = list(self.installment_months)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FundPolicy:
        """The copy a project froze when it was approved, checked as strictly as a policy file: a copy
        damaged or written by a foreign tool is refused by name, never a KeyError halfway through a report."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise Refused(f"Quy định lưu trong dự án không đọc được (không phải JSON): {exc}.") from None
        except RecursionError:
            data = None
        if data is None or too_deep(data):
            raise Refused(deep_refusal("Quy định lưu trong dự án", text if isinstance(text, str) else ""))
        if not isinstance(data, dict):
            raise Refused("Quy định lưu trong dự án không đọc được: không phải một bảng các khóa.")
        code = data.get("code")
        if "schema" in data:
            named = f"“{code}”" if isinstance(code, str) and code else "(không rõ mã)"
            return cls(**parse_v2(data, f"{named} lưu trong dự án", None,
                                  lead=f"Quy định {named} lưu trong dự án bị hỏng, không dùng được."))
        known = set(_FIELDS)
        problems = [_unknown(key, sorted(known)) for key in data if key not in known]
        problems += [f"Thiếu khóa “{key}”." for key in _FIELDS if key not in data]
        support = data.get("support")
        if isinstance(support, dict):
            problems += [_unknown(f"support.{key}", [f"support.{c.value}" for c in Category])
                         for key in support if key not in TABLES["support"]]
            problems += [f"Thiếu khóa “support.{key}”." for key in TABLES["support"] if key not in support]
        elif "support" in data:
            problems.append("Khóa “support” phải là một bảng mức hỗ trợ theo phân loại hộ.")
        if not problems:
            values = {field: data[field] for field in _FIELDS if field != "support"}
            values.update({f"support.{key}": value for key, value in support.items()})
            problems = _check_values(values, _no_lines)
        if problems:
            named = f"“{code}”" if isinstance(code, str) and code else "(không rõ mã)"
            raise Refused(f"Quy định {named} lưu trong dự án bị hỏng, không dùng được. {' '.join(problems)}")
        return _build(values)


# FundPolicy's fields as a version-1 JSON copy names them (the version-2 fields come after them).
_FIELDS = tuple(FundPolicy.__dataclass_fields__)[:tuple(FundPolicy.__dataclass_fields__).index("version")]


def policy_files(own: Path | None = None) -> list[Path]:
    """The shipped policies (the default first, so a list offers it before the examples), then those the
    office saved as edited copies in ``own`` (a data folder's)."""
    files = sorted(resource_path("policies").glob("*.toml"), key=lambda p: (p.stem != DEFAULT_POLICY_CODE, p.stem))
    if own is not None and Path(own).is_dir():
        files += sorted(Path(own).glob("*.toml"))
    return files


def check_policy_text(text: str) -> FundPolicy:
    """An edited policy's text read as ``load_policy`` reads a file, without saving it (the editor's check)."""
    return parse_policy(_read_toml(text, "Quy định"), "đã sửa", text)


def save_policy_copy(folder: Path, text: str) -> tuple[Path, FundPolicy]:
    """Save an edited copy of a policy as ``folder/<code>.toml``, after checking every key and number as
    ``load_policy`` does. A copy never replaces a policy: its code must be new, so every project keeps
    the rules it was approved under and the shipped files stay as shipped."""
    policy = check_policy_text(text)  # the code is checked there: lowercase letters, digits and "-"
    code = policy.code
    taken = {p.stem for p in policy_files(folder)}
    if code in taken:
        raise Refused(f"Đã có quy định mã “{code}”. Hãy đặt mã mới cho bản sao (ví dụ “{code}-sua-doi”).")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{code}.toml"
    partial = path.with_name(path.name + ".part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return path, policy


MAX_POLICY_BYTES = 256 * 1024  # the shipped ones are under 10 KB, comments included


def load_policy(spec: str | Path | None = None, own: Path | None = None) -> FundPolicy:
    """``None`` or ``"default"``: the shipped default; a policy code; or the path of a TOML file.

    A code is looked up among the shipped policies, then among the copies the office saved in ``own`` (the
    data folder's ``policies/``), so a copy made in Cài đặt is found by its code on the command line too."""
    if spec in (None, "", "default"):
        spec = DEFAULT_POLICY_CODE
    path: Path | None = Path(spec)
    if path.suffix.lower() != ".toml":
        # Matched against the files' names, so a code like "../x" cannot reach outside the policy folders.
        path = next((p for p in policy_files(own) if p.stem == str(spec)), None)
    if path is None or not path.is_file():
        known = ", ".join(p.stem for p in policy_files(own))
        raise Refused(f"Không tìm thấy quy định quỹ “{spec}”. Các quy định có sẵn: {known}.")
    if path.stat().st_size > MAX_POLICY_BYTES:  # a policy is a page of text; read nothing of a huge file
        raise Refused(f"Tệp quy định {path.name} quá lớn ({path.stat().st_size:,} byte, tối đa "
                      f"{MAX_POLICY_BYTES:,} byte): không phải một tệp quy định quỹ.".replace(",", "."))
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Refused(f"Tệp quy định {path.name} sai cú pháp TOML: {exc}.") from exc
    return parse_policy(_read_toml(text, f"Tệp quy định {path.name}"), path.name, text)


def _read_toml(text: str, what: str) -> dict:
    """A policy's TOML, or ``Refused`` naming the syntax error; brackets nested a few thousand deep make the
    reader itself fail (RecursionError), and a policy never nests more than a few levels."""
    try:
        raw = tomllib.loads(text)
    except ValueError as exc:  # TOMLDecodeError, or a whole number of thousands of digits
        raise Refused(f"{what} sai cú pháp TOML: {shown_short(str(exc), 200)}.") from exc
    except RecursionError:
        raw = None
    if raw is None or too_deep(raw):
        raise Refused(deep_refusal(what, text) + " Một quy định chỉ có bảng, khóa, số, chữ và danh sách phẳng; "
                      "hãy sửa lại tệp.")
    return raw


def _where(table: str | None, key: str, lines: _Lines) -> str:
    """“key” (dòng N), or “key” trong bảng [table] when the line is not known."""
    number = lines.key(table, key)
    if number or table is None:
        return f"“{key}”{_line(number)}"
    return f"“{key}” trong bảng [{table}]"


# --------------------------------------------------------------------------- reading a policy file

def parse_policy(raw: dict, origin: str, text: str | None = None) -> FundPolicy:
    """Check a policy file's keys and every value it gives; a typo must not become a wrong schedule.

    ``text`` is the file's text, for the line numbers in the messages."""
    lines = _Lines(text) if text is not None else _no_lines
    if not isinstance(raw, dict):
        raw = {}
    named = _naming_problems(raw, lines)
    if "schema" in raw:
        return FundPolicy(**parse_v2(raw, origin, lines, before=named))
    problems = _check_keys(raw, lines)
    if not problems:
        values = {}
        for table, keys in TABLES.items():
            section = raw if table is None else raw[table]
            for key in keys:
                if key in section:
                    values[_field(table, key)] = section[key]
        values.setdefault("source", "")
        problems = _check_values(values, lines)
    problems = named + problems
    if problems:
        raise Refused(f"Tệp quy định {origin} không hợp lệ. {' '.join(problems)}")
    return _build(values)


def _naming_problems(raw: dict, lines: _Lines) -> list[str]:
    """A policy file's code and name as the program will print and file them (both versions keep them at the
    top). Only files are held to this: a project's frozen copy keeps the code it was approved under."""
    problems = []
    code, name = raw.get("code"), raw.get("name")
    if isinstance(code, str) and code.strip() and (problem := code_problem(code)):
        problems.append(f"Khóa “code”{_line(lines.key(None, 'code'))}: {problem}")
    if isinstance(name, str) and (problem := name_problem(name, "tên quy định")):
        problems.append(f"Khóa “name”{_line(lines.key(None, 'name'))}: {problem}")
    source = raw.get("source")
    if isinstance(source, str) and (problem := name_problem(source, "nguồn quy định", 1_000)):
        problems.append(f"Khóa “source”{_line(lines.key(None, 'source'))}: {problem}")
    return problems


def _field(table: str | None, key: str) -> str:
    """The name a key goes by once read: support amounts as ``support.poor``, the others as FundPolicy's."""
    if table == "support":
        return f"support.{key}"
    return FIELD_OF.get((table, key), key)


# Every field read back to where a file writes it, for the messages.
_PLACE = {_field(t, k): (t, k) for t, keys in TABLES.items() for k in keys}


def _check_keys(raw: dict, lines: _Lines) -> list[str]:
    """Unknown keys and tables, missing ones, and tables that are not tables."""
    everywhere = {key: f" (bảng [{table}])" if table else " (đầu tệp)" for table, keys in TABLES.items()
                  for key in keys}
    tables = [t for t in TABLES if t is not None]
    problems = []
    for key, value in raw.items():
        if key in tables:
            if not isinstance(value, dict):
                problems.append(f"“{key}”{_line(lines.key(None, key))} phải là một bảng [{key}], "
                                f"không phải {value!r}.")
                continue
            for inner in value:
                if inner not in TABLES[key]:
                    problems.append(_unknown(inner, [*TABLES[key], *everywhere], lines.key(key, inner),
                                             everywhere))
        elif key not in TABLES[None]:
            if isinstance(value, dict):
                problems.append(f"Bảng không có trong quy định: [{key}]{_line(lines.table(key))}."
                                + (f" Có phải ý bạn là [{close[0]}]?"
                                   if (close := difflib.get_close_matches(key, tables, n=1, cutoff=0.5)) else ""))
            else:
                problems.append(_unknown(key, [*TABLES[None], *everywhere], lines.key(None, key), everywhere))
    for table, keys in TABLES.items():
        section = raw if table is None else raw.get(table)
        if table is not None and section is None:
            problems.append(f"Thiếu bảng [{table}] (với các khóa {', '.join(keys)}).")
            continue
        if not isinstance(section, dict):
            continue
        for key in keys:
            if key not in section and (table, key) not in OPTIONAL_KEYS:
                place = f"trong bảng [{table}]{_line(lines.table(table))}" if table else \
                    "ở đầu tệp, trước bảng đầu tiên"
                problems.append(f"Thiếu khóa “{key}” {place}.")
    return problems


def _whole(values: dict, field: str, lines: _Lines, problems: list[str]) -> int | None:
    """A whole number as TOML writes it; 7.5, true, "7.000.000" or inf are typos, never quietly rounded."""
    value = values[field]
    if isinstance(value, bool) or not isinstance(value, int):
        problems.append(f"Khóa {_where(*_PLACE[field], lines)} phải là một số nguyên, không phải {value!r}.")
        return None
    return value


def _in_range(values: dict, field: str, low: int, high: int, what: str, lines: _Lines,
              problems: list[str], shown=str) -> None:
    value = _whole(values, field, lines, problems)
    if value is not None and not low <= value <= high:
        problems.append(f"Khóa {_where(*_PLACE[field], lines)}: {what} phải từ {shown(low)} đến {shown(high)}, "
                        f"không phải {shown(value)}.")


def _check_values(values: dict, lines: _Lines) -> list[str]:
    """Every value in its possible range; ``values`` is keyed by field (support amounts as support.<category>)."""
    problems: list[str] = []
    for field in ("code", "name", "source"):
        value = values[field]
        if not isinstance(value, str) or (field != "source" and not value.strip()):
            problems.append(f"Khóa {_where(*_PLACE[field], lines)} phải là một chuỗi chữ không rỗng, "
                            f"không phải {value!r}.")
    for category in Category:
        field = f"support.{category.value}"
        amount = _whole(values, field, lines, problems)
        if amount is not None and amount < 0:
            problems.append(f"Khóa {_where(*_PLACE[field], lines)}: mức hỗ trợ âm ({format_vnd(amount)} đ).")
        elif amount is not None and amount > MAX_AMOUNT:
            problems.append(f"Khóa {_where(*_PLACE[field], lines)}: số tiền vượt quá {format_vnd(MAX_AMOUNT)} đ.")
    numerator = _whole(values, "share_numerator", lines, problems)
    denominator = _whole(values, "share_denominator", lines, problems)
    if denominator is not None and not 1 <= denominator <= MAX_SHARE_DENOMINATOR:
        problems.append(f"Khóa {_where(*_PLACE['share_denominator'], lines)}: mẫu số của tỷ lệ hoàn trả phải "
                        f"từ 1 đến {format_vnd(MAX_SHARE_DENOMINATOR)}, không phải {shown_short(str(denominator))}.")
    elif numerator is not None and denominator is not None and not 0 < numerator <= denominator:
        problems.append(f"Khóa {_where(*_PLACE['share_numerator'], lines)}: tỷ lệ hoàn trả "
                        f"{numerator}/{denominator} phải lớn hơn 0 và không quá 1.")
    _in_range(values, "rounding_unit", 1, MAX_ROUNDING_UNIT, "đơn vị làm tròn (đồng)", lines, problems,
              format_vnd)
    if not problems:  # every number whole and in range: what a support gives back can be worked out
        _returns_something(values, lines, problems)
    months = values["installment_months"]
    where = _where(*_PLACE["installment_months"], lines)
    if not isinstance(months, list | tuple) \
            or any(isinstance(m, bool) or not isinstance(m, int) for m in months):
        problems.append(f"Khóa {where}: các kỳ hoàn trả phải là một danh sách số tháng nguyên, ví dụ [12, 24], "
                        f"không phải {months!r}.")
    elif not months or any(m <= 0 for m in months) or any(a >= b for a, b in zip(months, months[1:], strict=False)):
        problems.append(f"Khóa {where}: các kỳ hoàn trả phải là số tháng dương, tăng dần, không phải "
                        f"{list(months)}.")
    elif months[-1] > MAX_INSTALLMENT_MONTHS:
        problems.append(f"Khóa {where}: kỳ hoàn trả cuối không được quá {MAX_INSTALLMENT_MONTHS} tháng.")
    _in_range(values, "cap_per_project", 0, MAX_AMOUNT, "mức trần hỗ trợ một dự án (đồng)", lines, problems,
              format_vnd)
    _in_range(values, "min_target_share_percent", 0, 100, "tỷ lệ hộ thuộc đối tượng (%)", lines, problems)
    _in_range(values, "escaped_max_months", 0, MAX_INSTALLMENT_MONTHS, "số tháng còn là hộ mới thoát nghèo",
              lines, problems)
    _in_range(values, "commune_bp", 0, MAX_BP, "kinh phí quản lý của xã (phần vạn)", lines, problems)
    _in_range(values, "upper_bp", 0, MAX_BP, "kinh phí quản lý của cấp trên (phần vạn)", lines, problems)
    commune, upper = values["commune_bp"], values["upper_bp"]
    if all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= MAX_BP for v in (commune, upper)) \
            and commune + upper > MAX_BP:
        problems.append(f"Khóa {_where(*_PLACE['upper_bp'], lines)}: kinh phí quản lý của xã và cấp trên cộng "
                        f"lại {commune + upper} phần vạn, quá 100% số tiền hỗ trợ.")
    _in_range(values, "public_works_after_years", 0, MAX_YEARS, "số năm trước khi chuyển sang công trình công ích",
              lines, problems)
    return problems


def _returns_something(values: dict, lines: _Lines, problems: list[str]) -> None:
    """The share of each category's support, rounded, is more than 0 đồng: else a household is supported
    and owes the fund nothing, with no warning anywhere."""
    numerator, denominator, unit = values["share_numerator"], values["share_denominator"], values["rounding_unit"]
    for category in Category:
        support = values[f"support.{category.value}"]
        if returns_nothing(support, numerator, denominator, unit):
            problems.append(
                f"Khóa {_where(*_PLACE['rounding_unit'], lines)}: {category.label.lower()} được hỗ trợ "
                f"{format_vnd(support)} đ (khóa {_where('support', category.value, lines)}) hoàn trả "
                f"{numerator}/{denominator} làm tròn đến {format_vnd(unit)} đ thành 0 đ; hãy giảm đơn vị làm "
                f"tròn hoặc sửa tỷ lệ hoàn trả.")
            return


def _build(values: dict) -> FundPolicy:
    """The policy from values already checked."""
    return FundPolicy(
        code=values["code"], name=values["name"], source=values["source"],
        support={c.value: values[f"support.{c.value}"] for c in Category},
        share_numerator=values["share_numerator"], share_denominator=values["share_denominator"],
        rounding_unit=values["rounding_unit"], installment_months=tuple(values["installment_months"]),
        cap_per_project=values["cap_per_project"], min_target_share_percent=values["min_target_share_percent"],
        escaped_max_months=values["escaped_max_months"], commune_bp=values["commune_bp"],
        upper_bp=values["upper_bp"], public_works_after_years=values["public_works_after_years"],
    )
