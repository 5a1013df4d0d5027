"""Rotating-fund policies as data: a TOML file per province, and a frozen copy inside each project."""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass
from pathlib import Path

from desktop.domain import Category
from desktop.errors import Refused
from desktop.money import MAX_AMOUNT, format_vnd
from desktop.resources import resource_path

DEFAULT_POLICY_CODE = "hai-duong-2019"
# Fifty years: far beyond any rotating fund, well inside what a date can hold.
MAX_INSTALLMENT_MONTHS = 600


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

    def support_for(self, category: Category) -> int:
        return self.support[category.value]

    def to_json(self) -> str:
        data = asdict(self)
        data["installment_months"] = list(self.installment_months)
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> FundPolicy:
        data = json.loads(text)
        data["installment_months"] = tuple(data["installment_months"])
        return cls(**data)


def policy_files(own: Path | None = None) -> list[Path]:
    """The shipped policies, then those the office saved as edited copies in ``own`` (a data folder's)."""
    files = sorted(resource_path("policies").glob("*.toml"))
    if own is not None and Path(own).is_dir():
        files += sorted(Path(own).glob("*.toml"))
    return files


def save_policy_copy(folder: Path, text: str) -> tuple[Path, FundPolicy]:
    """Save an edited copy of a policy as ``folder/<code>.toml``, after checking every number as
    ``load_policy`` does. A copy never replaces a policy: its code must be new, so every project keeps
    the rules it was approved under and the shipped files stay as shipped."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise Refused(f"Quy định sai cú pháp TOML: {exc}.") from exc
    policy = parse_policy(raw, "đã sửa")
    code = policy.code.strip()
    if not code or not all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in code):
        raise Refused(f"Mã quy định “{code}” chỉ gồm chữ không dấu, số, “-” và “_”.")
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
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise Refused(f"Tệp quy định {path.name} sai cú pháp TOML: {exc}.") from exc
    return parse_policy(raw, path.name)


def _whole(value: object, key: str) -> int:
    """A whole number as TOML writes it; 7.5, true, "7.000.000" or inf are typos, never quietly rounded."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Refused(f"mục “{key}” phải là một số nguyên, không phải {value!r}")
    return value


def parse_policy(raw: dict, origin: str) -> FundPolicy:
    """Validate every number a policy file gives; a typo must not become a wrong schedule."""
    try:
        support = {c.value: _whole(raw["support"][c.value], c.value) for c in Category}
        repayment, limits = raw["repayment"], raw["limits"]
        months = repayment["installment_months"]
        if not isinstance(months, list):
            raise Refused("mục “installment_months” phải là một danh sách số tháng, ví dụ [12, 24]")
        policy = FundPolicy(
            code=str(raw["code"]),
            name=str(raw["name"]),
            source=str(raw.get("source", "")),
            support=support,
            share_numerator=_whole(repayment["share_numerator"], "share_numerator"),
            share_denominator=_whole(repayment["share_denominator"], "share_denominator"),
            rounding_unit=_whole(repayment["rounding_unit"], "rounding_unit"),
            installment_months=tuple(_whole(m, "installment_months") for m in months),
            cap_per_project=_whole(limits["cap_per_project"], "cap_per_project"),
            min_target_share_percent=_whole(limits["min_target_share_percent"], "min_target_share_percent"),
            escaped_max_months=_whole(limits["escaped_max_months"], "escaped_max_months"),
            commune_bp=_whole(raw["management_cost"]["commune_bp"], "commune_bp"),
            upper_bp=_whole(raw["management_cost"]["upper_bp"], "upper_bp"),
            public_works_after_years=_whole(raw["public_works"]["after_years"], "after_years"),
        )
    except Refused as refusal:
        raise Refused(f"Tệp quy định {origin} không hợp lệ: {refusal.message}.") from None
    except (KeyError, TypeError, ValueError) as exc:
        raise Refused(f"Tệp quy định {origin} thiếu hoặc sai mục {exc}.") from exc
    problems = []
    if any(v < 0 for v in policy.support.values()):
        problems.append("mức hỗ trợ âm")
    if any(v > MAX_AMOUNT for v in (*policy.support.values(), policy.cap_per_project, policy.rounding_unit)):
        problems.append(f"số tiền vượt quá {format_vnd(MAX_AMOUNT)} đồng")
    if not 0 <= policy.share_numerator <= policy.share_denominator or policy.share_denominator <= 0:
        problems.append("tỷ lệ hoàn trả phải nằm trong khoảng 0–1")
    if policy.rounding_unit < 1:
        problems.append("đơn vị làm tròn phải ≥ 1 đồng")
    months = policy.installment_months
    if not months or any(m <= 0 for m in months) or list(months) != sorted(set(months)):
        problems.append("các kỳ hoàn trả phải là số tháng dương, tăng dần")
    elif months[-1] > MAX_INSTALLMENT_MONTHS:
        problems.append(f"kỳ hoàn trả cuối không được quá {MAX_INSTALLMENT_MONTHS} tháng")
    if policy.cap_per_project < 0 or policy.commune_bp < 0 or policy.upper_bp < 0:
        problems.append("mức trần và kinh phí quản lý không được âm")
    if problems:
        raise Refused(f"Tệp quy định {origin} không hợp lệ: {'; '.join(problems)}.")
    return policy
