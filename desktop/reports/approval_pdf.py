"""The approval documents on A4: the minutes of the hamlet's selection meeting (biên bản bình xét) and the
chairman's decision (quyết định phê duyệt), laid out as administrative documents are (Nghị định 30/2020/NĐ-CP:
unit and number on the left, the national motto and place-date on the right, "Căn cứ" lines, articles,
signature, recipients)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, Spacer, Table, TableStyle

from desktop.dates import format_date
from desktop.errors import Refused
from desktop.money import amount_in_words, format_vnd
from desktop.reports.fonts import SERIF, SERIF_BOLD, SERIF_ITALIC
from desktop.reports.lists_pdf import _build, _esc, _grid_style

_BASE = ParagraphStyle("ap-base", fontName=SERIF, fontSize=12, leading=15.5, alignment=TA_JUSTIFY)
_INDENT = ParagraphStyle("ap-indent", parent=_BASE, firstLineIndent=10 * mm, spaceAfter=2)
_CITE = ParagraphStyle("ap-cite", parent=_INDENT, fontName=SERIF_ITALIC)
_CENTER = ParagraphStyle("ap-center", parent=_BASE, alignment=TA_CENTER)
_BOLD_CENTER = ParagraphStyle("ap-bc", parent=_CENTER, fontName=SERIF_BOLD)
_HEAD = ParagraphStyle("ap-head", parent=_BASE, fontName=SERIF_BOLD, fontSize=12, leading=14.5, alignment=TA_CENTER)
_HEAD_PLAIN = ParagraphStyle("ap-headp", parent=_HEAD, fontName=SERIF)
_ITALIC_CENTER = ParagraphStyle("ap-ic", parent=_CENTER, fontName=SERIF_ITALIC)
_TITLE = ParagraphStyle("ap-title", parent=_BOLD_CENTER, fontSize=14, leading=18)
_CELL = ParagraphStyle("ap-cell", fontName=SERIF, fontSize=10.5, leading=12.5)
_CELL_HEAD = ParagraphStyle("ap-cellh", parent=_CELL, fontName=SERIF_BOLD, alignment=TA_CENTER)
_CELL_RIGHT = ParagraphStyle("ap-cellr", parent=_CELL, alignment=2)
_SMALL = ParagraphStyle("ap-small", fontName=SERIF, fontSize=10, leading=12)


def _place_date(settings: dict, on: date) -> str:
    place = settings.get("commune_name", "").removeprefix("Xã ").removeprefix("Phường ").strip()
    return f"{place}, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}"


def _header(settings: dict, left_lines: list[str], number_line: str, on: date) -> Table:
    """Unit and document number on the left; motto and place-date on the right."""
    left = [Paragraph(_esc(line), _HEAD_PLAIN if i == 0 and len(left_lines) > 1 else _HEAD)
            for i, line in enumerate(left_lines)]
    left += [Paragraph("_______", _HEAD_PLAIN), Paragraph(_esc(number_line), _HEAD_PLAIN)]
    right = [Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _HEAD),
             Paragraph("Độc lập - Tự do - Hạnh phúc", _HEAD), Paragraph("_______________", _HEAD_PLAIN),
             Paragraph(f"<i>{_esc(_place_date(settings, on))}</i>", _HEAD_PLAIN)]
    table = Table([[left, right]], colWidths=[72 * mm, 108 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _household_table(households: list[dict], *, with_category: bool) -> Table:
    head = ["STT", "Họ và tên chủ hộ", "Mã hộ", "Thôn"] + (["Phân loại hộ"] if with_category else []) + \
        ["Số tiền (đồng)"]
    rows = [[Paragraph(h, _CELL_HEAD) for h in head]]
    for i, h in enumerate(households, start=1):
        rows.append([Paragraph(str(i), _CELL), Paragraph(_esc(h["head_name"]), _CELL), Paragraph(h["code"], _CELL),
                     Paragraph(_esc(h["hamlet"]), _CELL)]
                    + ([Paragraph(h["category"].label, _CELL)] if with_category else [])
                    + [Paragraph(format_vnd(h["amount"]), _CELL_RIGHT)])
    total = sum(h["amount"] for h in households)
    rows.append(["", Paragraph("<b>Tổng cộng</b>", _CELL), "", ""] + ([""] if with_category else [])
                + [Paragraph(f"<b>{format_vnd(total)}</b>", _CELL_RIGHT)])
    widths = ([13 * mm, 54 * mm, 20 * mm, 30 * mm, 32 * mm, 31 * mm] if with_category
              else [13 * mm, 67 * mm, 24 * mm, 40 * mm, 36 * mm])
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_grid_style())
    return table


def decision_pdf(path: Path, doc: dict) -> Path:
    """Quyết định phê duyệt danh sách hộ được hỗ trợ, with the households in an appended table."""
    settings, on = doc["settings"], doc["decided_on"]
    commune = settings.get("commune_name", "")
    meeting = doc["meeting"]
    round_text = "vòng 1 (từ ngân sách)" if doc["round"] == 1 else f"vòng {doc['round']} (cho vay quay vòng)"

    def story():
        cites = ["Căn cứ Luật Tổ chức chính quyền địa phương;",
                 "Căn cứ Nghị định số 27/2022/NĐ-CP ngày 19/4/2022 của Chính phủ quy định cơ chế quản lý, tổ chức "
                 "thực hiện các chương trình mục tiêu quốc gia;"]
        if doc["project_decision"]:
            when = f" ngày {format_date(doc['project_decision_date'])}" if doc["project_decision_date"] else ""
            cites.append(f"Căn cứ Quyết định số {doc['project_decision']}{when} phê duyệt dự án "
                         f"{doc['project_code']} — {doc['project_name']};")
        if meeting is not None:
            where = f" của {meeting['hamlet']}" if meeting["hamlet"] else ""
            cites.append(f"Căn cứ Biên bản họp bình xét ngày {format_date(meeting['held_on'])}{where};")
        cites.append("Theo đề nghị của cán bộ phụ trách dự án.")
        articles = [
            f"<b>Điều 1.</b> Phê duyệt danh sách {len(doc['households'])} hộ được hỗ trợ phát triển sản xuất "
            f"{round_text} thuộc dự án {_esc(doc['project_code'])} — {_esc(doc['project_name'])}, tổng số tiền "
            f"{format_vnd(doc['total'])} đồng (<i>{_esc(amount_in_words(doc['total']))}</i>), chi tiết theo danh "
            "sách kèm theo.",
            "<b>Điều 2.</b> Các hộ có tên tại Điều 1 sử dụng vốn đúng mục đích và hoàn trả phần vốn luân chuyển "
            "theo quy định của dự án để hỗ trợ cho các hộ tiếp theo.",
        ]
        if doc["supersedes"]:
            articles.append(f"<b>Điều 3.</b> Quyết định này có hiệu lực kể từ ngày ký và thay thế Quyết định số "
                            f"{_esc(doc['supersedes'])} ngày {format_date(doc['supersedes_on'])}.")
        else:
            articles.append("<b>Điều 3.</b> Quyết định này có hiệu lực kể từ ngày ký.")
        articles.append("<b>Điều 4.</b> Văn phòng UBND xã, kế toán, thủ quỹ, cán bộ phụ trách dự án, trưởng các "
                        "thôn và các hộ có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.")
        recipients = Paragraph("<b><i>Nơi nhận:</i></b><br/>- Như Điều 4;<br/>- Lưu: VT.", _SMALL)
        sign = [Paragraph("<b>TM. ỦY BAN NHÂN DÂN</b>", _HEAD), Paragraph("<b>CHỦ TỊCH</b>", _HEAD),
                Paragraph("<i>(Ký, ghi rõ họ tên, đóng dấu)</i>", _ITALIC_CENTER), Spacer(1, 20 * mm),
                Paragraph(f"<b>{_esc(doc['signer'])}</b>", _HEAD)]
        signature = Table([[recipients, sign]], colWidths=[80 * mm, 100 * mm])
        signature.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return [
            _header(settings, ["ỦY BAN NHÂN DÂN", commune.upper()], f"Số: {doc['number']}", on),
            Spacer(1, 7 * mm),
            Paragraph("QUYẾT ĐỊNH", _TITLE),
            Paragraph(f"Về việc phê duyệt danh sách hộ được hỗ trợ phát triển sản xuất, {round_text}, "
                      f"dự án {_esc(doc['project_code'])}", _BOLD_CENTER),
            Paragraph("_________", _CENTER), Spacer(1, 3 * mm),
            Paragraph(f"<b>CHỦ TỊCH ỦY BAN NHÂN DÂN {_esc(commune.upper())}</b>", _CENTER), Spacer(1, 3 * mm),
            *[Paragraph(_esc(c), _CITE) for c in cites], Spacer(1, 3 * mm),
            Paragraph("<b>QUYẾT ĐỊNH:</b>", _CENTER), Spacer(1, 2 * mm),
            *[Paragraph(a, _INDENT) for a in articles], Spacer(1, 6 * mm),
            KeepTogether(signature), Spacer(1, 8 * mm),
            KeepTogether([
                Paragraph("DANH SÁCH HỘ ĐƯỢC HỖ TRỢ", _BOLD_CENTER),
                Paragraph(f"<i>(Kèm theo Quyết định số {_esc(doc['number'])} ngày {format_date(on)} của Chủ tịch "
                          f"UBND {_esc(commune)})</i>", _CENTER), Spacer(1, 3 * mm),
            ]),
            _household_table(doc["households"], with_category=True),
        ]

    return _build(path, story, f"Quyết định {doc['number']}", A4)


def minutes_pdf(path: Path, doc: dict) -> Path:
    """Biên bản họp bình xét: the meeting that proposed the decision's households."""
    meeting = doc["meeting"]
    if meeting is None:
        raise Refused(f"Quyết định {doc['number']} không kèm biên bản họp bình xét (ghi ngày họp bằng --meeting-on "
                      "khi ghi quyết định).")
    settings, on = meeting["settings"], meeting["held_on"]
    commune = settings.get("commune_name", "")
    hamlet = meeting["hamlet"] or commune

    def story():
        attendees = meeting["attendees"]
        lines = [
            f"Hôm nay, ngày {on.day:02d} tháng {on.month:02d} năm {on.year}, tại {_esc(hamlet)}, {_esc(commune)} "
            f"tổ chức họp bình xét hộ được hỗ trợ phát triển sản xuất thuộc dự án {_esc(doc['project_code'])} — "
            f"{_esc(doc['project_name'])}.",
            f"Chủ trì: {_esc(meeting['chair']) or '……………………'}.",
            f"Số người dự họp: {attendees if attendees is not None else '……'} người.",
            "Hội nghị đã xem xét điều kiện của từng hộ (hộ nghèo, hộ cận nghèo, hộ mới thoát nghèo; nhu cầu và "
            f"khả năng sản xuất) và thống nhất đề nghị UBND xã phê duyệt {len(meeting['households'])} hộ với số "
            f"tiền hỗ trợ {format_vnd(sum(h['amount'] for h in meeting['households']))} đồng như danh sách dưới đây:",
        ]
        sign = Table([[
            [Paragraph("<b>THƯ KÝ</b>", _HEAD), Paragraph("<i>(Ký, ghi rõ họ tên)</i>", _ITALIC_CENTER)],
            [Paragraph("<b>CHỦ TRÌ</b>", _HEAD), Paragraph("<i>(Ký, ghi rõ họ tên)</i>", _ITALIC_CENTER),
             Spacer(1, 20 * mm), Paragraph(f"<b>{_esc(meeting['chair'])}</b>", _HEAD)],
        ]], colWidths=[90 * mm, 90 * mm])
        sign.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return [
            _header(settings, [f"UBND {commune.upper()}", hamlet.upper()], "", on),
            Spacer(1, 7 * mm),
            Paragraph("BIÊN BẢN", _TITLE),
            Paragraph("Họp bình xét hộ được hỗ trợ phát triển sản xuất", _BOLD_CENTER),
            Paragraph("_________", _CENTER), Spacer(1, 4 * mm),
            *[Paragraph(line, _INDENT) for line in lines], Spacer(1, 3 * mm),
            _household_table(meeting["households"], with_category=True), Spacer(1, 4 * mm),
            Paragraph("Biên bản được đọc lại cho hội nghị cùng nghe và nhất trí thông qua.", _INDENT),
            Spacer(1, 6 * mm), KeepTogether(sign),
        ]

    return _build(path, story, f"Biên bản bình xét — {doc['project_code']}", A4)
