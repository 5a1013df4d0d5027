"""The rotating fund on the command line: ``support add``/``void``, ``pay``, ``receipt void``/``pdf``/``verify``,
``schedule`` and ``fund public-works`` (the ``report`` group lives in ``reports.py``)."""

from __future__ import annotations

from pathlib import Path

from desktop.commands.common import Outcome, amount_arg, date_arg, only_in, open_books, positive_int
from desktop.dates import format_date
from desktop.domain import FundingSource, Mode
from desktop.errors import Refused
from desktop.money import vnd
from desktop.queries.receipts import ReceiptFilter
from desktop.services import payments, receipts, schedules, support, void_requests
from desktop.services import support_void as support_void_service
from desktop.services.handovers import HandoverInput


def register(commands, common) -> None:
    support_cmds = only_in(Mode.COMMUNE, commands.add_parser("support", help="hỗ trợ cho hộ")).add_subparsers(
        dest="action", required=True)
    p = support_cmds.add_parser("add", parents=[common], help="ghi khoản hỗ trợ và lập lịch hoàn trả")
    p.add_argument("--project", required=True)
    p.add_argument("--household", required=True)
    p.add_argument("--amount", type=amount_arg, help="mặc định: mức của quy định theo phân loại hộ")
    p.add_argument("--on", type=date_arg, required=True, help="ngày hỗ trợ")
    p.add_argument("--in-kind", default="", help="hỗ trợ bằng hiện vật, ví dụ “1 con bò cái”")
    p.add_argument("--from-fund", action="store_true", help="cho vay lại từ vốn đã thu hồi (vòng 2, 3, …)")
    p.add_argument("--source", choices=[s.value for s in FundingSource if s is not FundingSource.FUND],
                   default=FundingSource.CENTRAL.value, help="nguồn ngân sách (vòng 1)")
    p.add_argument("--counterpart", type=amount_arg, default=0, help="vốn đối ứng của hộ")
    p.add_argument("--voucher-book", default="", help="quyển phiếu chi (mặc định: quyển đang dùng)")
    p.add_argument("--recipient", default="", help="người nhận tiền thay chủ hộ (người đại diện)")
    p.add_argument("--quantity", type=positive_int, default=1, help="hiện vật: số lượng")
    p.add_argument("--unit", default="", help="hiện vật: đơn vị tính, ví dụ “con”")
    p.add_argument("--unit-price", type=amount_arg, help="hiện vật: đơn giá (mặc định: số tiền / số lượng)")
    p.add_argument("--supplier", default="", help="hiện vật: đơn vị cung ứng")
    p.add_argument("--witnesses", default="", help="hiện vật: người chứng kiến bàn giao")
    p.set_defaults(handler=support_add)
    p = support_cmds.add_parser("void", parents=[common],
                                help="hủy khoản hỗ trợ ghi nhầm (chưa có phiếu thu còn hiệu lực)")
    p.add_argument("--project", required=True)
    p.add_argument("--household", required=True)
    p.add_argument("--round", type=positive_int, help="vòng hỗ trợ, khi hộ có nhiều khoản trong dự án")
    p.add_argument("--reason", required=True)
    p.add_argument("--on", type=date_arg, help="hủy từ ngày (mặc định: hôm nay)")
    p.set_defaults(handler=support_void)

    p = only_in(Mode.COMMUNE, commands.add_parser("pay", parents=[common],
                                                  help="thu tiền hoàn trả, cấp số phiếu thu tiếp theo"))
    p.add_argument("--project", required=True)
    p.add_argument("--household", required=True)
    p.add_argument("--amount", type=amount_arg, required=True)
    p.add_argument("--on", type=date_arg, required=True)
    p.add_argument("--payer", default="", help="người nộp (mặc định: chủ hộ)")
    p.add_argument("--in-kind", default="", help="thu bằng hiện vật theo giá thỏa thuận, mô tả hiện vật")
    p.add_argument("--book", default="", help="quyển phiếu thu (mặc định: quyển đang dùng)")
    p.set_defaults(handler=pay)

    receipt = only_in(Mode.COMMUNE, commands.add_parser("receipt", help="phiếu thu")).add_subparsers(
        dest="action", required=True)
    p = receipt.add_parser("void", parents=[common], help="hủy phiếu thu; số phiếu vẫn giữ")
    p.add_argument("--book", required=True)
    p.add_argument("--number", type=positive_int, required=True)
    p.add_argument("--year", type=positive_int)
    p.add_argument("--reason", required=True)
    p.add_argument("--on", type=date_arg, help="hủy từ ngày (mặc định: hôm nay); trước ngày đó phiếu vẫn có hiệu lực")
    p.set_defaults(handler=receipt_void)

    p = receipt.add_parser("pdf", parents=[common], help="in phiếu thu ra PDF (một phiếu hoặc cả loạt)")
    p.add_argument("--book")
    p.add_argument("--number", type=positive_int)
    p.add_argument("--year", type=positive_int)
    p.add_argument("--project", help="in cả loạt phiếu của một dự án")
    p.add_argument("--from", dest="date_from", type=date_arg)
    p.add_argument("--to", dest="date_to", type=date_arg)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--copy", action="store_true", help="in bản sao (BẢN SAO)")
    layout = p.add_mutually_exclusive_group()
    layout.add_argument("--two-up", action="store_true", help="hai liên trên một tờ A4")
    layout.add_argument("--a4", action="store_true", help="mỗi phiếu một tờ A4 (mặc định: A5)")
    p.set_defaults(handler=receipt_pdf)

    p = receipt.add_parser("verify", parents=[common],
                           help="kiểm tra phiếu thu theo dòng chữ của mã QR (ở xã và ở cấp trên)")
    p.add_argument("text", metavar="TEXT", help="nội dung mã QR trên phiếu, ví dụ “VXR1|10507|01|2026|5|…”")
    # The only receipt command an upper level runs too: it checks against the communes' imported receipts.
    p.set_defaults(handler=receipt_verify, only_in=None)

    p = only_in(Mode.COMMUNE, commands.add_parser("schedule", parents=[common], help="lịch hoàn trả, đã trả, còn nợ"))
    p.add_argument("--project", required=True)
    p.add_argument("--household")
    p.add_argument("--as-of", type=date_arg)
    p.set_defaults(handler=schedule)

    fund = only_in(Mode.COMMUNE, commands.add_parser("fund", help="quỹ luân chuyển")).add_subparsers(
        dest="action", required=True)
    p = fund.add_parser("public-works", parents=[common], help="chuyển số dư quỹ sang công trình công ích")
    p.add_argument("--project", required=True)
    p.add_argument("--on", type=date_arg, required=True, help="ngày quyết định")
    p.add_argument("--decision", required=True, help="số quyết định của xã")
    p.add_argument("--note", default="")
    p.set_defaults(handler=public_works)


def support_add(args) -> Outcome:
    data = support.SupportInput(
        project=args.project, household=args.household, supported_on=args.on, amount=args.amount,
        in_kind=args.in_kind, from_fund=args.from_fund, source=FundingSource(args.source),
        counterpart=args.counterpart, voucher_book=args.voucher_book, recipient=args.recipient,
        handover=HandoverInput(quantity=args.quantity, unit=args.unit, unit_price=args.unit_price,
                               supplier=args.supplier, witnesses=args.witnesses, receiver=args.recipient),
    )
    with open_books(args) as books:
        result = support.record_support(books, data)
    lines = [f"Đã ghi hỗ trợ {vnd(result.support_amount)} (vòng {result.round}); phải hoàn trả "
             f"{vnd(result.to_return)}" + (":" if result.schedule else " (hộ tự đầu tư).")]
    lines += [f"  Kỳ {i.seq}: {vnd(i.amount)} — hạn {format_date(i.due_on)}" for i in result.schedule]
    if result.voucher:
        lines.append(f"Phiếu chi quyển {result.voucher.book} số {result.voucher.number}/{result.voucher.year}.")
    if result.handover:
        lines.append(f"Biên bản bàn giao hiện vật ngày {format_date(result.handover.delivered_on)}.")
    lines += [f"Cảnh báo: {w.message}" for w in result.warnings]
    return Outcome(result.to_json(), "\n".join(lines))


def pay(args) -> Outcome:
    data = payments.PaymentInput(project=args.project, household=args.household, amount=args.amount,
                                 paid_on=args.on, payer=args.payer, in_kind=args.in_kind, book=args.book)
    with open_books(args) as books:
        result = payments.record_payment(books, data)
    receipt = result.receipt
    return Outcome(result.to_json(), f"Phiếu thu quyển {receipt.book} số {receipt.number}: {vnd(receipt.amount)} "
                                     f"({receipt.amount_in_words}). Còn phải trả {vnd(result.outstanding)}.")


def receipt_void(args) -> Outcome:
    with open_books(args) as books:
        if void_requests.two_person_voids(books.conn):
            return _requested(void_requests.request_receipt_void(books, args.book, args.number, args.reason,
                                                                 year=args.year, on=args.on))
        result = payments.void_receipt(books, args.book, args.number, args.reason, year=args.year, on=args.on)
    return Outcome(result.to_json(), f"Đã hủy phiếu thu quyển {result.book} số {result.number}/{result.year} "
                                     f"từ ngày {format_date(result.voided_on)}; số phiếu vẫn được giữ.")


def receipt_verify(args) -> Outcome:
    from desktop.services.receipt_check import verify_receipt

    with open_books(args) as books:
        result = verify_receipt(books, args.text)
    return Outcome(result.to_json(), result.message)


def _requested(result) -> Outcome:
    return Outcome(result.to_json(), f"Đã tạo yêu cầu hủy số {result.request_id}: {result.label} từ ngày "
                                     f"{format_date(result.void_on)}. Chưa hủy: chờ kế toán hoặc chủ tịch (người "
                                     f"khác) xác nhận bằng “void confirm {result.request_id}”.")


def support_void(args) -> Outcome:
    with open_books(args) as books:
        if void_requests.two_person_voids(books.conn):
            return _requested(void_requests.request_support_void(books, args.project, args.household, args.reason,
                                                                 round=args.round, on=args.on))
        result = support_void_service.void_support(books, args.project, args.household, args.reason,
                                                   round=args.round, on=args.on)
    return Outcome(result.to_json(), f"Đã hủy khoản hỗ trợ vòng {result.round} của hộ {result.household} "
                                     f"trong dự án {result.project} từ ngày {format_date(result.voided_on)}; "
                                     "lịch hoàn trả của khoản này không còn tính từ ngày đó.")


def receipt_pdf(args) -> Outcome:
    # reportlab is loaded by the command that prints, not by every command of vonxoay-cli.
    from desktop.reports.receipt_prints import print_receipts

    with open_books(args) as books:
        if args.number is not None:
            if not args.book:
                raise Refused("Hãy ghi quyển phiếu thu (--book) cùng với số phiếu.")
            views = [receipts.receipt_view(books, args.book, args.number, args.year)]
        elif args.project or args.date_from or args.date_to or args.book:
            views = receipts.receipt_views(books, ReceiptFilter(book=args.book, date_from=args.date_from,
                                                                date_to=args.date_to, project=args.project))
        else:
            raise Refused("Hãy chọn một phiếu (--book và --number) hoặc một loạt (--project, --from, --to).")
        result = print_receipts(books, views, args.out, force_copy=args.copy, two_up=args.two_up,
                                a4=args.a4)
    kind = "bản sao" if result.originals == 0 else "bản chính"
    text = (f"Đã ghi {result.receipts} phiếu thu vào {result.path}."
            if result.receipts > 1 else f"Đã ghi phiếu thu ({kind}) vào {result.path}.")
    return Outcome(result.to_json(), text)


def schedule(args) -> Outcome:
    with open_books(args) as books:
        rows = schedules.schedule(books, args.project, args.household, as_of=args.as_of)
    lines = [f"{r['household']:<8} kỳ {r['seq']} hạn {format_date(r['due_on'])}: {vnd(r['amount'])}, đã trả "
             f"{vnd(r['paid'])}, còn {vnd(r['outstanding'])}" for r in rows]
    return Outcome({"rows": rows}, "\n".join(lines) or "Chưa có lịch hoàn trả.")


def public_works(args) -> Outcome:
    with open_books(args) as books:
        result = schedules.transfer_to_public_works(books, args.project, args.on, args.decision, args.note)
    return Outcome(result.to_json(), f"Đã chuyển {result.amount_text} của dự án {result.project} sang công trình "
                                     "công ích.")
