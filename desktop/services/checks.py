"""``check``: every invariant of the books, each broken one reported as a problem the clerk can read, with
what to do about it. ``check`` only reads.

The rules a support, a payment or a transfer is refused for (budget, cap, eligibility on the support date,
one round-1 support, receipts in date order, the fund never below zero on any day) are judged here with the
same predicates as the refusals (``desktop.queries.rules``): books the program would refuse to write are
exactly the books ``check`` reports."""

from __future__ import annotations

import sqlite3
from datetime import date

from db.connection import DAMAGE_ERRORS
from db.guards import trigger_tampering
from desktop.books import Books
from desktop.domain import Category, FundingSource
from desktop.errors import Refused
from desktop.fund import plan_schedule
from desktop.money import format_vnd
from desktop.queries import rules
from desktop.queries.fund import first_negative_day
from desktop.queries.rules import RECEIPTS_OUT_OF_ORDER

# Each check is (kind, SQL returning offending rows, message template over the row's columns, remedy).
_CHECKS: list[tuple[str, str, str, str]] = [
    (
        "schedule_sum",
        """SELECT m.uuid, p.code AS project, h.code AS household, m.to_return, coalesce(sum(i.amount), 0) AS total
           FROM membership m JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
           LEFT JOIN installment i ON i.membership_id = m.id
           GROUP BY m.id HAVING total != m.to_return""",
        "Lịch trả của hộ {household} ở dự án {project} cộng lại {total:vnd} đ, "
        "khác số phải hoàn trả {to_return:vnd} đ.",
        "Lịch trả bị sửa ngoài chương trình: khôi phục từ bản sao lưu gần nhất trước ngày lịch bị sửa.",
    ),
    (
        "receipt_allocations",
        """SELECT r.book, r.year, r.number, r.amount, coalesce(sum(a.amount), 0) AS allocated
           FROM receipt r LEFT JOIN allocation a ON a.receipt_id = r.id
           WHERE r.voided_at IS NULL GROUP BY r.id HAVING allocated != r.amount""",
        "Phiếu thu quyển {book} số {number}/{year}: {amount:vnd} đ nhưng phân bổ vào các kỳ {allocated:vnd} đ.",
        "Phiếu bị sửa ngoài chương trình: khôi phục từ bản sao lưu; nếu phiếu ghi sai, hủy phiếu và lập phiếu mới.",
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
        "Hủy phiếu thu ghi thừa rồi lập lại phiếu đúng số tiền; hoặc khôi phục từ bản sao lưu.",
    ),
    (
        "allocation_mismatch",
        """SELECT r.book, r.year, r.number
           FROM allocation a JOIN receipt r ON r.id = a.receipt_id
           JOIN installment i ON i.id = a.installment_id JOIN membership m ON m.id = i.membership_id
           WHERE m.project_id != r.project_id OR m.household_id != r.household_id""",
        "Phiếu thu quyển {book} số {number}/{year} được phân bổ vào kỳ trả của hộ hoặc dự án khác.",
        "Dữ liệu bị sửa ngoài chương trình: khôi phục từ bản sao lưu gần nhất.",
    ),
    (
        "receipt_gaps",
        """SELECT book, year, count(*) AS n, min(number) AS first, max(number) AS last
           FROM receipt GROUP BY book, year HAVING first != 1 OR last != n""",
        "Quyển {book} năm {year}: số phiếu không liên tục ({n} phiếu, từ số {first} đến {last}).",
        "Tìm cuống phiếu còn thiếu trong quyển giấy; số phiếu bị xóa ngoài chương trình thì khôi phục từ bản sao lưu.",
    ),
    (
        "membership_after_support",
        """SELECT r.book, r.year, r.number, h.code AS household
           FROM receipt r JOIN household h ON h.id = r.household_id
           WHERE NOT EXISTS (SELECT 1 FROM membership m WHERE m.project_id = r.project_id
                             AND m.household_id = r.household_id AND m.supported_on <= r.issued_on)""",
        "Phiếu thu quyển {book} số {number}/{year} của hộ {household} lập trước khi hộ nhận hỗ trợ.",
        "Hủy phiếu thu lập nhầm ngày (hoặc nhầm hộ) rồi lập lại phiếu đúng.",
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
        "Dữ liệu cho vay lại bị sửa ngoài chương trình: khôi phục từ bản sao lưu gần nhất.",
    ),
    (
        "receipt_out_of_order",
        RECEIPTS_OUT_OF_ORDER,
        "Quyển {book} năm {year}: phiếu số {number} ngày {issued_on:date} lập trước phiếu số {earlier_number} "
        "ngày {earlier_on:date} (số nhỏ hơn nhưng ngày sau); phiếu thu phải ghi theo thứ tự ngày.",
        "Đối chiếu với cuống phiếu giấy; phiếu ghi nhầm ngày thì hủy và lập lại phiếu đúng ngày ở một quyển khác.",
    ),
    (
        "installment_before_support",
        f"""SELECT p.code AS project, h.code AS household, i.seq, i.due_on, m.supported_on
           FROM installment i JOIN membership m ON m.id = i.membership_id JOIN project p ON p.id = m.project_id
           JOIN household h ON h.id = m.household_id
           WHERE NOT ({rules.DUE_AFTER_SUPPORT}) ORDER BY p.code, h.code, i.seq""",
        "Kỳ {seq} của hộ {household} (dự án {project}) đến hạn ngày {due_on:date}, trước cả ngày nhận hỗ trợ "
        "{supported_on:date}.",
        "Lịch trả bị sửa ngoài chương trình: khôi phục từ bản sao lưu gần nhất trước ngày lịch bị sửa.",
    ),
    (
        "voided_support_paid",
        f"""SELECT DISTINCT p.code AS project, h.code AS household, m.voided_on, r.book, r.number, r.year
           FROM membership m JOIN installment i ON i.membership_id = m.id
           JOIN allocation a ON a.installment_id = i.id JOIN receipt r ON r.id = a.receipt_id
           JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
           WHERE m.voided_on IS NOT NULL AND {rules.receipt_valid_on("m.voided_on")}
           ORDER BY p.code, h.code, r.book, r.year, r.number""",
        "Khoản hỗ trợ hộ {household} (dự án {project}) đã hủy từ ngày {voided_on:date} nhưng phiếu thu quyển "
        "{book} số {number}/{year} trả vào lịch của nó vẫn còn hiệu lực vào ngày đó.",
        "Dữ liệu bị sửa ngoài chương trình: khôi phục từ bản sao lưu gần nhất; nếu phiếu thu ghi nhầm, hủy phiếu "
        "(từ ngày không sau ngày hủy hỗ trợ).",
    ),
    (
        "fund_draw_other_project",
        f"""SELECT p.code AS project, h.code AS household, ps.code AS source_project, d.amount
           FROM fund_draw d JOIN membership m ON m.id = d.membership_id
           JOIN membership s ON s.id = d.source_membership_id
           JOIN project p ON p.id = m.project_id JOIN project ps ON ps.id = s.project_id
           JOIN household h ON h.id = m.household_id
           WHERE NOT ({rules.DRAW_FROM_OWN_PROJECT}) ORDER BY p.code, h.code""",
        "Khoản cho vay lại hộ {household} (dự án {project}) lấy {amount:vnd} đ từ vốn thu hồi của dự án "
        "{source_project}: quỹ luân chuyển của một dự án chỉ cho vay lại trong dự án đó.",
        "Dữ liệu cho vay lại bị sửa ngoài chương trình: khôi phục từ bản sao lưu gần nhất.",
    ),
    (
        "void_before_receipt",
        """SELECT book, year, number, issued_on, voided_on FROM receipt
           WHERE voided_on IS NOT NULL AND voided_on < issued_on""",
        "Phiếu thu quyển {book} số {number}/{year} lập ngày {issued_on:date} nhưng ghi hủy từ ngày "
        "{voided_on:date}, trước cả ngày lập phiếu.",
        "Dữ liệu bị sửa ngoài chương trình: khôi phục từ bản sao lưu gần nhất.",
    ),
]


def _format(template: str, row: dict) -> str:
    text = template
    for key, value in row.items():
        if "{" + key + ":date}" in text:
            text = text.replace("{" + key + ":date}", f"{date.fromisoformat(value):%d/%m/%Y}" if value else "")
        text = text.replace("{" + key + ":vnd}", format_vnd(value) if isinstance(value, int) else str(value))
        text = text.replace("{" + key + "}", str(value))
    return text


def problem(kind: str, message: str, remedy: str, **extra) -> dict:
    """One finding: ``kind`` names the rule (``code`` is the same name, kept for older readers)."""
    return {"kind": kind, "code": kind, "message": message, "remedy": remedy, **extra}


_RESTORE = "Hãy khôi phục từ bản sao lưu gần nhất."


def _damaged(exc: Exception) -> dict:
    return problem("integrity", f"Tệp dữ liệu hỏng, không đọc được hết ({exc}). {_RESTORE}", _RESTORE)


def _fund_overdrawn(conn) -> list[dict]:
    found = []
    for project in conn.execute("SELECT id, code FROM project ORDER BY code").fetchall():
        negative = first_negative_day(conn, project["id"])
        if negative is not None:
            day, balance = negative
            found.append(problem(
                "fund_overdrawn",
                f"Quỹ luân chuyển của dự án {project['code']} âm {format_vnd(-balance)} đ vào ngày {day:%d/%m/%Y}: "
                "đã cho vay lại hoặc chuyển đi nhiều hơn số đã thu hồi đến ngày đó.",
                "Xem lại các khoản cho vay lại, chuyển công trình công ích và phiếu thu bị hủy quanh ngày đó; "
                "khoản ghi nhầm ngày thì hủy và ghi lại đúng ngày.", project=project["code"], on=day.isoformat(),
                balance=balance))
    return found


def _budgets(conn) -> list[dict]:
    found = []
    for project in conn.execute("SELECT * FROM project ORDER BY code").fetchall():
        for source in (FundingSource.CENTRAL, FundingSource.OTHER):
            line = rules.budget_line(project, source)
            paid = rules.paid_from(conn, project["id"], source)
            if line is not None and rules.over(paid, line.limit):
                found.append(problem(
                    "budget_exceeded",
                    f"Dự án {project['code']} được duyệt {format_vnd(line.limit)} đ {line.label} nhưng đã hỗ trợ "
                    f"{format_vnd(paid)} đ, vượt {format_vnd(paid - line.limit)} đ.",
                    "Bổ sung quyết định điều chỉnh dự toán của dự án, hoặc hủy khoản hỗ trợ ghi nhầm.",
                    project=project["code"]))
        policy = rules.policy_of(project)
        paid = rules.paid_from(conn, project["id"], FundingSource.CENTRAL)
        if rules.over(paid, policy.cap_per_project):
            found.append(problem(
                "cap_exceeded",
                f"Dự án {project['code']} đã hỗ trợ {format_vnd(paid)} đ từ ngân sách, vượt mức trần "
                f"{format_vnd(policy.cap_per_project)} đ một dự án (quy định {policy.code}).",
                "Hủy khoản hỗ trợ ghi nhầm, hoặc tách phần vượt sang một dự án khác có quyết định riêng.",
                project=project["code"]))
    return found


def _support_words(m, on: date):
    """How a finding names the support, written only when there is a finding (most supports have none)."""
    return lambda: f"Khoản hỗ trợ ngày {on:%d/%m/%Y} ({format_vnd(m['support_amount'])} đ, dự án {m['project']})"


def _supports(conn) -> list[dict]:
    found = []
    seen: set[tuple[int, int]] = set()
    capped: set[tuple[int, int]] = set()
    budget = {s.value for s in rules.BUDGET_SOURCES}
    # The register and the budget totals are read once for the whole book (the upper level checks every
    # commune's package this way), then judged support by support with the refusals' own predicates.
    register = rules.supported_categories(conn)
    budget_totals = rules.budget_supports(conn)
    for m in conn.execute(
            f"""SELECT m.id, m.project_id, m.household_id, m.round, m.source, m.supported_on, m.support_amount,
                       p.code AS project, p.policy_json, h.code AS household
                FROM membership m JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
                WHERE {rules.LIVE_SUPPORT} ORDER BY p.code, h.code, m.supported_on, m.id""").fetchall():
        on, policy = date.fromisoformat(m["supported_on"]), rules.policy_of(m)
        where = _support_words(m, on)
        if m["household_id"] in register:
            held = rules.category_from(register[m["household_id"]], on)
            if rules.non_poor_with_state_money(held, m["source"]):
                found.append(problem(
                    "ineligible_support", f"{where()}: {rules.non_poor_message(m['household'])}.",
                    "Hủy khoản hỗ trợ và ghi lại với nguồn “other” (hộ tự đầu tư), hoặc sửa phân loại hộ nếu "
                    "ghi nhầm.", project=m["project"], household=m["household"]))
            elif rules.category_not_supported(held, policy, m["source"]):
                found.append(problem(
                    "category_not_eligible",
                    f"{where()}: {rules.category_not_supported_message(m['household'], held, policy)}.",
                    "Hủy khoản hỗ trợ nếu hộ không thuộc đối tượng của quy định; nếu hộ đã được xếp loại khác "
                    "trước ngày hỗ trợ, ghi phân loại đó; nếu dự án áp dụng nhầm quy định, báo cấp trên.",
                    project=m["project"], household=m["household"]))
            elif rules.escaped_too_long(held, on, policy):
                found.append(problem(
                    "ineligible_support", f"{where()}: {rules.escaped_message(m['household'], held, on, policy)}.",
                    "Hủy khoản hỗ trợ nếu hộ không đúng đối tượng; nếu rà soát đã xếp lại hộ trước ngày hỗ trợ, "
                    "ghi phân loại đó.", project=m["project"], household=m["household"]))
        key = (m["project_id"], m["household_id"])
        if m["source"] in budget and key not in capped:
            capped.add(key)
            total = budget_totals.get(key, 0)
            if rules.over_household_cap(total, policy):
                found.append(problem(
                    "household_cap_exceeded", f"{rules.household_cap_message(m['household'], total, policy)} "
                                              f"(dự án {m['project']}).",
                    "Hủy khoản hỗ trợ ghi quá mức rồi ghi lại không quá mức trần; phần vượt (nếu đã giao) ghi "
                    "là vốn đối ứng hoặc nguồn huy động khác.", project=m["project"], household=m["household"],
                    amount=total, cap=policy.cap_per_household))
        if m["round"] == 1 and key in seen:
            found.append(problem(
                "duplicate_support",
                f"Hộ {m['household']} nhận hỗ trợ vòng 1 của dự án {m['project']} hơn một lần (lần sau ngày "
                f"{on:%d/%m/%Y}, {format_vnd(m['support_amount'])} đ).",
                "Hủy khoản ghi trùng (nếu chưa có phiếu thu); vòng sau phải ghi là cho vay lại từ quỹ.",
                project=m["project"], household=m["household"]))
        if m["round"] == 1:
            seen.add(key)
    return found


def _schedules(conn) -> list[dict]:
    """Each support's amount to return and installments as ``support add`` planned them: the same
    ``fund.plan_schedule`` of the support's amount, date and category at entry under its project's frozen
    policy (a non-poor household funds itself and owes nothing back). The schedule is never rewritten after,
    so any difference is an edit made outside the program."""
    found = []
    planned: dict[int, list[tuple[int, str, int]]] = {}
    for membership_id, seq, due_on, amount in conn.execute(
            "SELECT membership_id, seq, due_on, amount FROM installment ORDER BY membership_id, seq"):
        planned.setdefault(membership_id, []).append((seq, due_on, amount))
    for m in conn.execute("""SELECT m.id, m.supported_on, m.support_amount, m.to_return, m.category_at_entry,
                                    p.code AS project, p.policy_json, h.code AS household
                             FROM membership m JOIN project p ON p.id = m.project_id
                             JOIN household h ON h.id = m.household_id ORDER BY p.code, h.code, m.id""").fetchall():
        on, policy = date.fromisoformat(m["supported_on"]), rules.policy_of(m)
        if m["category_at_entry"] != Category.NON_POOR.value and not policy.rule_for(
                m["category_at_entry"]).eligible:
            continue  # a category the policy gives nothing: "category_not_eligible" reports the support itself
        try:
            plan = ([] if m["category_at_entry"] == Category.NON_POOR.value
                    else plan_schedule(m["support_amount"], on, policy, m["category_at_entry"]))
        except Refused:
            plan = None  # a support the policy could never have given: no schedule of it is right
        want = None if plan is None else [(i.seq, i.due_on.isoformat(), i.amount) for i in plan]
        got = planned.get(m["id"], [])
        if want == got or m["to_return"] != sum(i[2] for i in got):
            continue  # a schedule that does not add up is reported once, as such ("schedule_sum")
        where = _support_words(m, on)()
        if want is None:
            told = f"quy định {policy.code} của dự án không cho mức hỗ trợ này"
        else:
            told = (f"theo quy định {policy.code} của dự án phải hoàn trả {format_vnd(sum(i[2] for i in want))} đ "
                    f"trong {len(want)} kỳ" + (f", kỳ đầu {format_vnd(want[0][2])} đ đến hạn ngày "
                                               f"{date.fromisoformat(want[0][1]):%d/%m/%Y}" if want else ""))
        found.append(problem(
            "schedule_policy", f"{where} của hộ {m['household']}: sổ ghi phải hoàn trả {format_vnd(m['to_return'])} đ "
            f"trong {len(got)} kỳ, nhưng {told}.",
            "Lịch trả bị sửa ngoài chương trình: khôi phục từ bản sao lưu gần nhất trước ngày lịch bị sửa.",
            project=m["project"], household=m["household"]))
    return found


def check_books(books: Books) -> list[dict]:
    """All problems found; an empty list means the books are consistent.

    A damaged file is itself a finding: whatever a check cannot read is reported, and the others still run.
    """
    return check_conn(books.conn) + _unapproved(books.conn, required=True)


def _unapproved(conn: sqlite3.Connection, *, required: bool) -> list[dict]:
    """Supports of state money no decision in force covers (``rules.APPROVED_SUPPORT``, as ``support add``
    refuses): a problem when the books require approval, a notice otherwise. Only the commune's own check
    reads them: decisions do not travel in sync packages, so a staging copy cannot judge them."""
    try:
        if rules.approval_required(conn) is not required:
            return []
        rows = conn.execute(rules.UNAPPROVED_SUPPORTS).fetchall()
    except DAMAGE_ERRORS as exc:
        return [_damaged(exc)] if required else []
    remedy = ("Ghi quyết định phê duyệt của chủ tịch xã cho hộ, đúng dự án và vòng, ký trước ngày hỗ trợ "
              "(approval add); nếu hỗ trợ ghi nhầm, hủy khoản hỗ trợ.")
    return [problem("support_unapproved",
                    rules.unapproved_message(r["project"], r["household"], r["round"],
                                             date.fromisoformat(r["supported_on"])) + ".",
                    remedy, project=r["project"], household=r["household"], round=r["round"]) for r in rows]


def check_conn(conn: sqlite3.Connection, *, storage: bool = True, payouts: bool = True) -> list[dict]:
    """``check_books`` on any database with the commune schema (rows as ``sqlite3.Row``), such as the staging
    copy of a package at the upper level. ``storage=False`` leaves out the file's own integrity and references:
    a database this program has just written and checked itself need not pay for them again."""
    problems: list[dict] = []
    if storage:
        problems.extend(_storage(conn))
    for kind, sql, template, remedy in _CHECKS:
        try:
            for row in conn.execute(sql):
                problems.append(problem(kind, _format(template, dict(row)), remedy))
        except DAMAGE_ERRORS as exc:
            problems.append(_damaged(exc))
    # The rules the write-time controls enforce, judged on the books as they are (same predicates).
    # The payout documents (vouchers, handover records, management spending) do not travel in a sync package
    # yet: a staged package is judged without them (``payouts=False``).
    for rule_check in (_schedules, _fund_overdrawn, _budgets, _supports, _programme_validity) + (
            (_payouts,) if payouts else ()):
        try:
            problems.extend(rule_check(conn))
        except DAMAGE_ERRORS as exc:
            problems.append(_damaged(exc))
    return problems


def _programme_validity(conn: sqlite3.Connection) -> list[dict]:
    """Projects approved outside their programme's validity (the refusal of ``project add``, same rule)."""
    found = []
    for p in conn.execute("SELECT code, programme_code, component, decision_date FROM project "
                          "WHERE decision_date IS NOT NULL AND programme_code IS NOT NULL ORDER BY code"):
        breach = rules.programme_validity_breach(conn, p["programme_code"], p["component"],
                                                 date.fromisoformat(p["decision_date"]))
        if breach:
            found.append(problem("programme_validity", f"Dự án {p['code']} phê duyệt ngày "
                                 f"{date.fromisoformat(p['decision_date']):%d/%m/%Y}: {breach}.",
                                 "Kiểm tra lại ngày quyết định hoặc chương trình của dự án.", project=p["code"]))
    return found


def _storage(conn: sqlite3.Connection) -> list[dict]:
    problems: list[dict] = []
    try:
        integrity = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            # One finding the clerk can act on; SQLite's own lines stay in "details" for support staff.
            problems.append(problem(
                "integrity", f"Tệp dữ liệu bị hỏng ({len(integrity)} lỗi SQLite tìm thấy, đầu tiên: "
                             f"{integrity[0].splitlines()[0]}). {_RESTORE}", _RESTORE,
                details=integrity[:50]))
        tampering = trigger_tampering(conn)
        if tampering:
            problems.append(problem(
                "integrity", f"Sổ đã bị sửa ngoài chương trình: {', '.join(tampering[:5])}"
                             f"{' …' if len(tampering) > 5 else ''} — các ràng buộc giữ phiếu thu, khoản hỗ trợ và "
                             "quyết định không bị sửa, xóa đã mất.", _RESTORE, details=tampering[:50]))
        for row in conn.execute("PRAGMA foreign_key_check"):
            problems.append(problem("foreign_key", f"Bảng {row[0]} dòng {row[1]} trỏ tới {row[2]} không tồn tại.",
                                    _RESTORE))
    except DAMAGE_ERRORS as exc:
        problems.append(_damaged(exc))
    return problems


# Supported by two active projects of one programme: the law asks communes not to support a household twice
# for the same aim, but a second project may be justified (a different livelihood), so this is a notice for
# the report, not a problem in the books.
_SAME_PROGRAMME = f"""
    SELECT h.code AS household, h.head_name, m1.programme_code AS programme,
           group_concat(m1.project, ', ') AS projects
    FROM (SELECT DISTINCT m.household_id, p.programme_code, p.code AS project
          FROM membership m JOIN project p ON p.id = m.project_id
          WHERE {rules.ACTIVE_PROGRAMME_SUPPORT}) m1
    JOIN household h ON h.id = m1.household_id
    GROUP BY m1.household_id, m1.programme_code HAVING count(*) > 1
    ORDER BY h.code
"""


def notices(books: Books) -> list[dict]:
    """What the clerk should look at but the rules allow: households in two active projects of one programme."""
    try:
        rows = books.conn.execute(_SAME_PROGRAMME).fetchall()
        before_vouchers = payout_findings(books.conn)[1]
    except DAMAGE_ERRORS:
        return []  # check_books reports the damage
    return _unapproved(books.conn, required=False) + before_vouchers + [problem("same_programme",
                    f"Hộ {r['household']} ({r['head_name']}) được hỗ trợ trong nhiều dự án đang thực hiện của "
                    f"chương trình {r['programme']}: {r['projects']}.",
                    "Xem lại quyết định hỗ trợ (nguyên tắc không hỗ trợ trùng lặp); nếu có lý do, ghi vào báo cáo.",
                    household=r["household"], programme=r["programme"]) for r in rows]


# -- money going out: every payout with its one document, voucher books in order, the cash book ------------

_PAYOUT_DOCUMENTS = f"""
    SELECT 'membership' AS entity, m.id, p.code AS project, h.code AS household, m.supported_on AS day,
           m.support_amount AS amount, m.voided_on,
           (SELECT count(*) FROM voucher v WHERE v.membership_id = m.id AND v.voided_at IS NULL) AS valid,
           (SELECT count(*) FROM voucher v WHERE v.membership_id = m.id AND v.voided_on IS NOT NULL
                AND v.voided_on IS NOT m.voided_on) AS void_mismatch,
           EXISTS (SELECT 1 FROM payout_before_vouchers b WHERE b.entity = 'membership' AND b.entity_id = m.id)
               AS before_vouchers
    FROM membership m JOIN project p ON p.id = m.project_id JOIN household h ON h.id = m.household_id
    WHERE {rules.CASH_PAYOUT}
    UNION ALL
    SELECT 'fund_transfer', t.id, p.code, '', t.decided_on, t.amount, NULL,
           (SELECT count(*) FROM voucher v WHERE v.fund_transfer_id = t.id AND v.voided_at IS NULL), 0,
           EXISTS (SELECT 1 FROM payout_before_vouchers b WHERE b.entity = 'fund_transfer' AND b.entity_id = t.id)
    FROM fund_transfer t JOIN project p ON p.id = t.project_id
    UNION ALL
    SELECT 'management_spend', s.id, coalesce(p.code, ''), '', s.spent_on, s.amount, s.voided_on,
           (SELECT count(*) FROM voucher v WHERE v.management_spend_id = s.id AND v.voided_at IS NULL),
           (SELECT count(*) FROM voucher v WHERE v.management_spend_id = s.id AND v.voided_on IS NOT NULL
                AND v.voided_on IS NOT s.voided_on), 0
    FROM management_spend s LEFT JOIN project p ON p.id = s.project_id
"""

_PAYOUT_LABELS = {"membership": "Khoản chi hỗ trợ", "fund_transfer": "Khoản chuyển công trình công ích",
                  "management_spend": "Khoản chi kinh phí quản lý"}


def _payout_label(r) -> str:
    who = f" hộ {r['household']}" if r["household"] else ""
    return (f"{_PAYOUT_LABELS[r['entity']]}{who} ngày {date.fromisoformat(r['day']):%d/%m/%Y} "
            f"({format_vnd(r['amount'])} đ" + (f", dự án {r['project']})" if r["project"] else ")"))


def payout_findings(conn) -> tuple[list[dict], list[dict]]:
    """(problems, notices) of the payouts' documents: a live payout has exactly one valid voucher, a voided one
    none, voided on the payout's void date; a payout recorded before vouchers existed is only a notice."""
    problems, later = [], []
    for r in conn.execute(_PAYOUT_DOCUMENTS).fetchall():
        live = r["voided_on"] is None
        wanted = 1 if live else 0
        if r["valid"] == wanted and not r["void_mismatch"]:
            continue
        if r["before_vouchers"] and r["valid"] == 0:
            if live:
                later.append(problem("payout_before_vouchers", f"{_payout_label(r)} được ghi trước khi chương trình "
                                     "lập phiếu chi: không có phiếu chi trong sổ.",
                                     "Đối chiếu với phiếu chi giấy lưu tại đơn vị.", project=r["project"]))
            continue
        if r["void_mismatch"] or (not live and r["valid"]):
            message = f"{_payout_label(r)}: phiếu chi và khoản chi không cùng bị hủy, hoặc hủy khác ngày."
        elif r["valid"] == 0:
            message = f"{_payout_label(r)} không có phiếu chi còn hiệu lực."
        else:
            message = f"{_payout_label(r)} có {r['valid']} phiếu chi còn hiệu lực, phải đúng một."
        problems.append(problem("payout_voucher", message,
                                "Dữ liệu bị sửa ngoài chương trình: khôi phục từ bản sao lưu gần nhất.",
                                project=r["project"]))
    for r in conn.execute(f"""SELECT p.code AS project, h.code AS household, m.supported_on, m.support_amount
                             FROM membership m JOIN project p ON p.id = m.project_id
                             JOIN household h ON h.id = m.household_id
                             WHERE {rules.IN_KIND_PAYOUT} AND NOT EXISTS (SELECT 1 FROM handover ho
                                   WHERE ho.membership_id = m.id)
                               AND NOT EXISTS (SELECT 1 FROM payout_before_vouchers b
                                   WHERE b.entity = 'membership' AND b.entity_id = m.id)""").fetchall():
        problems.append(problem(
            "handover_missing", f"Khoản hỗ trợ hiện vật của hộ {r['household']} ngày "
            f"{date.fromisoformat(r['supported_on']):%d/%m/%Y} (dự án {r['project']}) không có biên bản bàn giao.",
            "Dữ liệu bị sửa ngoài chương trình: khôi phục từ bản sao lưu gần nhất.", project=r["project"]))
    return problems, later


def _payouts(conn) -> list[dict]:
    from desktop.queries.cashbook import balance_mismatches
    from desktop.services.management import first_overspent_day

    found = payout_findings(conn)[0]
    for kind, sql, template in (
            ("voucher_gaps", rules.VOUCHER_GAPS,
             "Quyển phiếu chi {book} năm {year}: số phiếu không liên tục ({n} phiếu, từ số {first} đến {last})."),
            ("voucher_out_of_order", rules.VOUCHERS_OUT_OF_ORDER,
             "Quyển phiếu chi {book} năm {year}: phiếu số {number} ngày {issued_on:date} lập trước phiếu số "
             "{earlier_number} ngày {earlier_on:date} (số nhỏ hơn nhưng ngày sau).")):
        for row in conn.execute(sql):
            found.append(problem(kind, _format(template, dict(row)),
                                 "Đối chiếu với cuống phiếu chi giấy; khôi phục từ bản sao lưu nếu bị sửa."))
    for project, end, book, fund in balance_mismatches(conn):
        found.append(problem(
            "cashbook_balance", f"Sổ quỹ tiền mặt dự án {project} ngày {end:%d/%m/%Y}: tồn quỹ {format_vnd(book)} đ, "
            f"khác số dư quỹ {format_vnd(fund)} đ trong các báo cáo.",
            "Dữ liệu bị sửa ngoài chương trình: khôi phục từ bản sao lưu gần nhất.", project=project))
    overspent = first_overspent_day(conn)
    if overspent:
        day, balance = overspent
        found.append(problem(
            "management_overspent", f"Kinh phí quản lý ngày {day:%d/%m/%Y} đã chi vượt phần được trích "
            f"{format_vnd(-balance)} đ.", "Hủy phiếu chi kinh phí quản lý ghi nhầm."))
    return found
