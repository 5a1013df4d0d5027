"""The formal periodic report (báo cáo định kỳ) as an office sends it: national header, unit, number and
date line, "Kính gửi", "Căn cứ", the clerk's narrative sections, the tables, "Nơi nhận" and signatures last.

What it prints and in which order is a template (``resources/report_templates/*.toml``, see period.toml);
this module turns a template, a ``PeriodReport`` and the settings into a ``FormalDoc`` — plain blocks of text
and tables — which ``formal_pdf`` and ``formal_xlsx`` lay out. Every figure of a table is a field of the
period report (the JSON ``report period`` prints) or one of the few derived below from the same books.
"""

from __future__ import annotations

import sqlite3
import tomllib
from dataclasses import asdict, dataclass, field
from datetime import date
from functools import cache

from desktop import wording
from desktop.books import settings_on
from desktop.errors import Refused
from desktop.fund import management_cost
from desktop.policy import FundPolicy
from desktop.queries.fund import MEMBERSHIP_COUNTS, as_of_params
from desktop.reports.period import NUMBER_FIELDS, PeriodReport
from desktop.reports.period_doc import period_label
from desktop.resources import resource_path
from desktop.services.report_texts import SECTIONS, report_texts

TEMPLATES = "report_templates"
DEFAULT_TEMPLATE = "period"
FIGURE_KINDS = ("int", "money", "percent")


@dataclass(frozen=True)
class FigureColumn:
    header: str
    field: str
    kind: str
    group: str = ""
    width: float = 13


@dataclass(frozen=True)
class TextBlock:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class TableBlock:
    """A table under its heading: ``columns`` (header, width, kind, group) and rows of values, the last
    row a totals row when ``total`` is set."""

    heading: str
    columns: tuple[tuple[str, float, str, str], ...]
    rows: tuple[tuple, ...]
    total: bool = False
    empty_text: str = ""


@dataclass(frozen=True)
class FormalDoc:
    unit_parent: str  # the level above the unit, printed over it ("" for a commune's people's committee)
    unit: str
    number: str  # "Số: 15/BC-UBND" or with room to write it
    place_date: str
    title: str
    subject: str
    addressee: str
    bases: tuple[str, ...]
    units: str
    blocks: tuple[TextBlock | TableBlock, ...]
    recipients: tuple[str, ...]
    signers: tuple[tuple[str, str, str], ...]  # (title over, title, name), the chairman's last
    file_title: str = ""
    annexes: tuple[TableBlock, ...] = field(default=())


# ----------------------------------------------------------------------------------------- template


@dataclass(frozen=True)
class Template:
    key: str
    name: str
    title: str
    subject: str
    number_suffix: str
    bases: tuple[str, ...]
    bases_close: str
    recipients: tuple[str, ...]
    units: str
    parts: tuple[dict, ...]


def template_keys() -> list[str]:
    return sorted(p.stem for p in resource_path(TEMPLATES).glob("*.toml"))


@cache
def load_template(key: str = DEFAULT_TEMPLATE) -> Template:
    """A template by its file name; refused by name when missing or malformed (a province's file is data)."""
    path = resource_path(TEMPLATES, f"{key}.toml")
    if not path.is_file():
        raise Refused(f"Không có mẫu báo cáo “{key}”. Các mẫu có: {', '.join(template_keys())}.")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        template = Template(
            key=key, name=data["name"], title=data["title"], subject=data["subject"],
            number_suffix=data.get("number_suffix", "BC-UBND"), bases=tuple(data.get("bases", ())),
            bases_close=data.get("bases_close", ""), recipients=tuple(data.get("recipients", ())),
            units=data.get("units", ""), parts=tuple(data["part"]))
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise Refused(f"Mẫu báo cáo “{key}” ({path.name}) viết sai: {exc}. Hãy sửa tệp mẫu.") from exc
    for part in template.parts:
        kind = part.get("kind")
        if kind == "text" and part.get("section") not in SECTIONS:
            raise Refused(f"Mẫu báo cáo “{key}”: mục “{part.get('section')}” không có; chỉ có "
                          f"{', '.join(SECTIONS)}.")
        if kind == "table":
            for column in part.get("columns", ()):
                if column.get("field") not in FIELDS or column.get("kind", "money") not in FIGURE_KINDS:
                    raise Refused(f"Mẫu báo cáo “{key}”: cột “{column.get('header')}” ghi số liệu "
                                  f"“{column.get('field')}” không có trong báo cáo.")
        elif kind not in ("text", "voided", "exceptions"):
            raise Refused(f"Mẫu báo cáo “{key}”: phần loại “{kind}” không có.")
    return template


# ------------------------------------------------------------------------------------------ figures

# Figures derived from the same books as the period report, per project.
EXTRA_FIELDS = (
    "approved_central", "approved_local", "approved_budget", "paid_central_to_date", "paid_local_to_date",
    "budget_remaining", "other_to_date", "round1_in_period", "relent_supports_in_period",
    "management_cost_commune_to_date", "management_cost_upper_to_date",
)
FIELDS = frozenset(NUMBER_FIELDS) | frozenset(EXTRA_FIELDS) | {"budget_used_percent"}

_EXTRA = f"""
    SELECT p.id, p.code, p.budget_central, p.budget_local, p.policy_json,
        coalesce(sum(CASE WHEN m.source = 'central' THEN m.support_amount END), 0) AS paid_central_to_date,
        coalesce(sum(CASE WHEN m.source = 'local' THEN m.support_amount END), 0) AS paid_local_to_date,
        count(CASE WHEN m.supported_on >= :start AND m.source != 'fund' THEN 1 END) AS round1_in_period,
        count(CASE WHEN m.supported_on >= :start AND m.source = 'fund' THEN 1 END) AS relent_supports_in_period
    FROM project p LEFT JOIN membership m ON m.project_id = p.id AND m.supported_on <= :end AND {MEMBERSHIP_COUNTS}
    GROUP BY p.id ORDER BY p.code
"""


def project_figures(conn: sqlite3.Connection, report: PeriodReport) -> list[dict]:
    """One dict per project (the period report's row plus the derived figures), in the report's order."""
    params = {"start": report.start.isoformat(), "end": report.end.isoformat(), **as_of_params(report.end)}
    extra = {r[1]: r for r in conn.execute(_EXTRA, params).fetchall()}
    rows = []
    for project in report.projects:
        _, _, central, local, policy_json, paid_central, paid_local, round1, relent = extra[project.code]
        row = asdict(project)
        commune_cost, upper_cost = management_cost(project.from_budget_to_date, FundPolicy.from_json(policy_json))
        row.update(
            approved_central=central or 0, approved_local=local or 0, approved_budget=(central or 0) + (local or 0),
            paid_central_to_date=paid_central, paid_local_to_date=paid_local,
            budget_remaining=(central or 0) + (local or 0) - project.from_budget_to_date,
            other_to_date=project.disbursed_to_date - project.from_budget_to_date - project.relent_to_date,
            round1_in_period=round1, relent_supports_in_period=relent,
            management_cost_commune_to_date=commune_cost, management_cost_upper_to_date=upper_cost)
        rows.append(row)
    return rows


def totals(rows: list[dict]) -> dict:
    keys = [k for k in (*NUMBER_FIELDS, *EXTRA_FIELDS)]
    return {k: sum(r[k] for r in rows) for k in keys}


def percent(row: dict) -> str:
    """Share of the approved budget paid out, one decimal ("" without a budget)."""
    if not row["approved_budget"]:
        return ""
    return f"{row['from_budget_to_date'] * 100 / row['approved_budget']:.1f}".replace(".", ",")


def _value(row: dict, column: FigureColumn):
    return percent(row) if column.field == "budget_used_percent" else row[column.field]


def figure_table(heading: str, columns: list[FigureColumn], rows: list[dict], lead: tuple[str, str] = (
        "Dự án", "code_name")) -> TableBlock:
    """One row per project (STT, the project, its figures) and a totals row."""
    head = (("STT", 5, "center", ""), (lead[0], 30, "wrap", ""),
            *((c.header, c.width, "center" if c.kind == "percent" else c.kind, c.group) for c in columns))
    body = [(i, f"{r['code']} — {r['name']}" if lead[1] == "code_name" else r[lead[1]],
             *(_value(r, c) for c in columns)) for i, r in enumerate(rows, start=1)]
    total = totals(rows)
    body.append((None, "Tổng cộng", *(_value(total, c) for c in columns)))
    return TableBlock(heading, head, tuple(body), total=True)


# ------------------------------------------------------------------------------------------ settings


def _lines(value: str) -> list[str]:
    """A setting holding several lines: one per line, or separated by "|"."""
    return [line.strip() for line in value.replace("|", "\n").splitlines() if line.strip()]


def addressee(settings: dict) -> str:
    """"Kính gửi": the setting, else the upper level's people's committee ("Ủy ban nhân dân huyện Cẩm
    Giàng"), never the bare place name."""
    chosen = settings.get("report_addressee", "").strip()
    if chosen:
        return chosen
    upper = settings.get("upper_name", "").strip()
    return f"Ủy ban nhân dân {wording.level_lower(upper)}" if upper else ""


def number_line(number: str, suffix: str) -> str:
    """"Số: 15/BC-UBND"; without a number, room to write it by hand."""
    number = (number or "").strip()
    if "/" in number:
        return f"Số: {number}"
    return f"Số: {number}/{suffix}" if number else f"Số:        /{suffix}"


def date_line(place: str, on: date) -> str:
    return f"{place}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}"


# ------------------------------------------------------------------------------------------ building


def voided_block(heading: str, report: PeriodReport) -> list[TableBlock | TextBlock]:
    receipts = TableBlock(
        f"{heading} — phiếu thu",
        (("STT", 5, "center", ""), ("Quyển/Số/Năm", 12, "center", ""), ("Dự án", 9, "text", ""),
         ("Mã hộ", 9, "text", ""), ("Ngày lập", 11, "date", ""), ("Hủy từ ngày", 11, "date", ""),
         ("Số tiền", 14, "money", ""), ("Lý do hủy", 40, "wrap", "")),
        tuple((i, f"{r.book}/{r.number}/{r.year}", r.project, r.household, r.issued_on, r.voided_on, r.amount,
               r.reason) for i, r in enumerate(report.voided_receipts, start=1)),
        empty_text="Không có phiếu thu nào bị hủy trong kỳ.")
    supports = TableBlock(
        f"{heading} — khoản hỗ trợ",
        (("STT", 5, "center", ""), ("Dự án", 9, "text", ""), ("Mã hộ", 9, "text", ""), ("Vòng", 7, "center", ""),
         ("Ngày hỗ trợ", 11, "date", ""), ("Hủy từ ngày", 11, "date", ""), ("Số tiền", 14, "money", ""),
         ("Lý do hủy", 40, "wrap", "")),
        tuple((i, s.project, s.household, s.round, s.supported_on, s.voided_on, s.amount, s.reason)
              for i, s in enumerate(report.voided_supports, start=1)),
        empty_text="Không có khoản hỗ trợ nào bị hủy trong kỳ.")
    earlier = any(r.issued_on < report.start for r in report.voided_receipts) or any(
        s.supported_on < report.start for s in report.voided_supports)
    if not earlier:
        return [receipts, supports]
    # Said where the reader meets the voids: the figures of the period are net of them (as the cash book).
    note = TextBlock("", ("Phiếu thu và khoản hỗ trợ lập từ kỳ trước, hủy trong kỳ này, được trừ vào số tiền "
                          "trong kỳ của các bảng trên vào ngày hủy, như sổ quỹ; vì vậy số trong kỳ có thể âm.",))
    return [receipts, supports, note]


def exceptions_block(heading: str, problems: list[dict]) -> TableBlock:
    return TableBlock(
        heading,
        (("STT", 5, "center", ""), ("Loại", 16, "text", ""), ("Nội dung", 60, "wrap", ""),
         ("Cách xử lý", 45, "wrap", "")),
        tuple((i, p["kind"], p["message"], p["remedy"]) for i, p in enumerate(problems, start=1)),
        empty_text="Đối chiếu sổ không phát hiện trường hợp nào sai quy định.")


def formal_report(conn: sqlite3.Connection, report: PeriodReport, problems: list[dict], *, number: str = "",
                  template: str = DEFAULT_TEMPLATE) -> FormalDoc:
    """The formal report of ``report``'s period: its texts from the books, names from the settings in
    force on the period's last day, ``problems`` as ``check`` gives them."""
    form = load_template(template)
    settings = settings_on(conn, report.end)
    texts = report_texts(conn, report.start, report.end)
    unit = wording.unit_name(report.commune_name)
    in_sentence = wording.level_lower(report.commune_name)
    period = period_label(report.start, report.end)
    rows = project_figures(conn, report)
    blocks: list = []
    for part in form.parts:
        kind, heading = part["kind"], part.get("heading", "")
        if kind == "text":
            text = texts.get(part["section"], "")
            blocks.append(TextBlock(heading, tuple(_paragraphs(text)) or ("(Chưa viết nội dung mục này.)",)))
        elif kind == "table":
            columns = [FigureColumn(c["header"], c["field"], c.get("kind", "money"), c.get("group", ""),
                                    c.get("width", 13)) for c in part["columns"]]
            blocks.append(figure_table(heading, columns, rows))
        elif kind == "voided":
            blocks.extend(voided_block(heading, report))
        elif kind == "exceptions":
            blocks.append(exceptions_block(heading, problems))
    fill = {"unit": in_sentence, "period": period}
    recipients = _lines(settings.get("report_recipients", "")) or [r.format(**fill) for r in form.recipients]
    return FormalDoc(
        unit_parent="", unit=unit.upper(), number=number_line(number, form.number_suffix),
        place_date=date_line(wording.place_name(report.commune_name), report.made_on),
        title=form.title, subject=form.subject.format(**fill), addressee=addressee(settings),
        bases=tuple(_lines(settings.get("report_bases", "")) or form.bases) + (
            (form.bases_close.format(**fill),) if form.bases_close else ()),
        units=form.units, blocks=tuple(blocks), recipients=tuple(recipients),
        signers=(("", "NGƯỜI LẬP BIỂU", report.signer_clerk), ("", "KẾ TOÁN", report.signer_accountant),
                 ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", report.signer_chairman)),
        file_title=f"Báo cáo {period} — {unit}")


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.splitlines() if p.strip()]
