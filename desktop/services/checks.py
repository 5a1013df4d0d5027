"""``check``: every invariant of the books, each broken one reported as a problem the clerk can read."""

from __future__ import annotations

from db.connection import DAMAGE_ERRORS
from desktop.books import Books
from desktop.money import format_vnd

# Each check is (code, SQL returning offending rows, message template over the row's columns).
_CHECKS: list[tuple[str, str, str]] = [
    (
        "schedule_sum",
        """SELECT m.uuid, p.code AS project, h.code AS household, m.to_return, coalesce(sum(i.amount), 0) AS total
           FROM membership m JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
           LEFT JOIN installment i ON i.membership_id = m.id
           GROUP BY m.id HAVING total != m.to_return""",
        "Lịch trả của hộ {household} ở dự án {project} cộng lại {total:vnd} đ, "
        "khác số phải hoàn trả {to_return:vnd} đ.",
    ),
    (
        "receipt_allocations",
        """SELECT r.book, r.year, r.number, r.amount, coalesce(sum(a.amount), 0) AS allocated
           FROM receipt r LEFT JOIN allocation a ON a.receipt_id = r.id
           WHERE r.voided_at IS NULL GROUP BY r.id HAVING allocated != r.amount""",
        "Phiếu thu quyển {book} số {number}/{year}: {amount:vnd} đ nhưng phân bổ vào các kỳ {allocated:vnd} đ.",
    ),
    (
        "installment_overpaid",
        """SELECT h.code AS household, p.code AS project, i.seq, i.amount, sum(a.amount) AS paid
           FROM installment i JOIN allocation a ON a.installment_id = i.id
           JOIN receipt r ON r.id = a.receipt_id AND r.voided_at IS NULL
           JOIN membership m ON m.id = i.membership_id JOIN household h ON h.id = m.household_id
           JOIN project p ON p.id = m.project_id
           GROUP BY i.id HAVING paid > i.amount""",
        "Kỳ {seq} của hộ {household} (dự án {project}) đã thu {paid:vnd} đ, vượt số phải trả {amount:vnd} đ.",
    ),
    (
        "allocation_mismatch",
        """SELECT r.book, r.year, r.number
           FROM allocation a JOIN receipt r ON r.id = a.receipt_id
           JOIN installment i ON i.id = a.installment_id JOIN membership m ON m.id = i.membership_id
           WHERE m.project_id != r.project_id OR m.household_id != r.household_id""",
        "Phiếu thu quyển {book} số {number}/{year} được phân bổ vào kỳ trả của hộ hoặc dự án khác.",
    ),
    (
        "receipt_gaps",
        """SELECT book, year, count(*) AS n, min(number) AS first, max(number) AS last
           FROM receipt GROUP BY book, year HAVING first != 1 OR last != n""",
        "Quyển {book} năm {year}: số phiếu không liên tục ({n} phiếu, từ số {first} đến {last}).",
    ),
    (
        "membership_after_support",
        """SELECT r.book, r.year, r.number, h.code AS household
           FROM receipt r JOIN household h ON h.id = r.household_id
           WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.project_id = r.project_id
                             AND m.household_id = r.household_id AND m.supported_on <= r.issued_on)""",
        "Phiếu thu quyển {book} số {number}/{year} của hộ {household} lập trước khi hộ nhận hỗ trợ.",
    ),
    (
        "fund_negative",
        """SELECT p.code AS project,
                  (SELECT coalesce(sum(a.amount), 0) FROM allocation a JOIN receipt r ON r.id = a.receipt_id
                   WHERE r.project_id = p.id AND r.voided_at IS NULL)
                  - (SELECT coalesce(sum(support_amount), 0) FROM membership
                     WHERE project_id = p.id AND source = 'fund')
                  - (SELECT coalesce(sum(amount), 0) FROM fund_transfer WHERE project_id = p.id) AS balance
           FROM project p
           WHERE balance < 0""",
        "Quỹ luân chuyển của dự án {project} âm ({balance:vnd} đ): đã cho vay lại hoặc chuyển nhiều hơn số thu hồi.",
    ),
    (
        "fund_lineage",
        """SELECT p.code AS project, h.code AS household, m.support_amount, coalesce(sum(d.amount), 0) AS drawn
           FROM membership m JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
           LEFT JOIN fund_draw d ON d.membership_id = m.id
           GROUP BY m.id
           HAVING (m.source = 'fund' AND drawn != m.support_amount) OR (m.source != 'fund' AND drawn != 0)""",
        "Khoản hỗ trợ hộ {household} (dự án {project}): nguồn vốn thu hồi ghi nhận {drawn:vnd} đ, "
        "khác số cho vay {support_amount:vnd} đ.",
    ),
]


def _format(template: str, row: dict) -> str:
    text = template
    for key, value in row.items():
        text = text.replace("{" + key + ":vnd}", format_vnd(value) if isinstance(value, int) else str(value))
        text = text.replace("{" + key + "}", str(value))
    return text


def _damaged(exc: Exception) -> dict:
    return {"code": "integrity", "message": f"Tệp dữ liệu hỏng, không đọc được hết ({exc}). "
                                            "Hãy khôi phục từ bản sao lưu gần nhất."}


def check_books(books: Books) -> list[dict]:
    """All problems found; an empty list means the books are consistent.

    A damaged file is itself a finding: whatever a check cannot read is reported, and the others still run.
    """
    conn = books.conn
    problems: list[dict] = []
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            # One finding the clerk can act on; SQLite's own lines stay in "details" for support staff.
            problems.append({"code": "integrity", "details": integrity[:50],
                             "message": f"Tệp dữ liệu bị hỏng ({len(integrity)} lỗi SQLite tìm thấy, đầu tiên: "
                                        f"{integrity[0].splitlines()[0]}). Hãy khôi phục từ bản sao lưu gần nhất."})
        for row in conn.execute("PRAGMA foreign_key_check"):
            problems.append({"code": "foreign_key", "message": f"Bảng {row[0]} dòng {row[1]} trỏ tới {row[2]} "
                                                             "không tồn tại."})
    except DAMAGE_ERRORS as exc:
        problems.append(_damaged(exc))
    for code, sql, template in _CHECKS:
        try:
            for row in conn.execute(sql):
                problems.append({"code": code, "message": _format(template, dict(row))})
        except DAMAGE_ERRORS as exc:
            problems.append(_damaged(exc))
    return problems

