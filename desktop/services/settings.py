"""Setting up a commune (or an upper level) and changing its details and signatories."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from desktop import audit, clock, signing
from desktop.books import DATED_SETTINGS, Books
from desktop.changes import Changes, Outcome
from desktop.domain import Mode
from desktop.errors import Refused
from desktop.paths import DataDir
from desktop.services.period_lock import locked_to
from desktop.text import nfc
from desktop.validation import check_book, check_code

# Keys the program knows, with their Vietnamese label (the settings page and messages use them).
KNOWN_SETTINGS = {
    "commune_code": "Mã đơn vị",
    "commune_name": "Tên đơn vị",
    "upper_code": "Mã cấp trên",
    "upper_name": "Tên cấp trên",
    "province_code": "Mã tỉnh",
    "province_name": "Tên tỉnh",
    "mode": "Chế độ",
    "unit_budget_code": "Mã QHNS",
    "signer_chairman": "Chủ tịch UBND (thủ trưởng đơn vị)",
    "signer_accountant": "Kế toán",
    "signer_cashier": "Thủ quỹ",
    "signer_clerk": "Người lập phiếu",
    "receipt_book": "Quyển phiếu thu đang dùng",
    "receipt_debit_account": "Tài khoản Nợ",
    "receipt_credit_account": "Tài khoản Có",
    "receipt_reason_label": "Nhãn dòng nội dung trên phiếu thu (“Lý do nộp” hoặc “Nội dung”)",
    "receipt_attachments": "Số chứng từ gốc kèm theo phiếu thu",
    "words_zero_tens": "Đọc số 0 hàng chục: linh hoặc lẻ",
    "words_thousand": "Đọc hàng nghìn: nghìn hoặc ngàn",
    "words_even": "Thêm “chẵn” sau “đồng” (1) hay không (0)",
    "backup_keep_days": "Giữ bản sao lưu tự động hằng ngày (số ngày)",
    "report_addressee": "Báo cáo định kỳ: “Kính gửi” (mặc định: UBND cấp trên)",
    "report_bases": "Báo cáo định kỳ: các dòng “Căn cứ” (mỗi dòng một căn cứ, hoặc ngăn bằng |)",
    "report_recipients": "Báo cáo định kỳ: “Nơi nhận” (mỗi dòng một nơi, hoặc ngăn bằng |)",
    "consolidated_addressee": "Báo cáo tổng hợp (cấp trên): “Kính gửi” (Sở, Bộ hoặc Ban chỉ đạo)",
    "require_approval": "Bắt buộc có quyết định phê duyệt trước khi hỗ trợ (1) hay không (0)",
    "two_person_voids": "Hủy phiếu, hủy hỗ trợ cần người thứ hai xác nhận (1) hay không (0)",
}

# What an unset option means; these are the national forms' usual choices.
DEFAULTS = {
    "receipt_reason_label": "Nội dung",  # the line's label on Mẫu C40-BB of TT 107/2017
    "receipt_attachments": "",
    "words_zero_tens": "linh",
    "words_thousand": "nghìn",
    "words_even": "0",
    "backup_keep_days": "30",
    "require_approval": "0",
    "two_person_voids": "0",
}

_CHOICES = {"words_zero_tens": ("linh", "lẻ"), "words_thousand": ("nghìn", "ngàn"), "words_even": ("0", "1"),
            "require_approval": ("0", "1"), "two_person_voids": ("0", "1")}


@dataclass(frozen=True)
class CommuneSetup:
    commune_code: str
    commune_name: str
    upper_code: str = ""
    upper_name: str = ""
    province_code: str = ""
    province_name: str = ""
    mode: Mode = Mode.COMMUNE
    receipt_book: str = "01"
    # Books created from now on refuse a support without an approved decision (the office may start
    # without, e.g. while copying years of paper books in).
    require_approval: bool = True


def code_rules(mode: Mode) -> dict[str, tuple[tuple[int, ...], str, bool]]:
    """For each unit code: its lengths in digits, its label, whether it may be empty. The same at set-up and
    at every later change (a code goes into the name of every package the unit exports)."""
    if mode is Mode.COMMUNE:
        return {"commune_code": ((5,), "Mã xã", False),
                "upper_code": ((2, 3), "Mã cấp trên (huyện hoặc tỉnh)", False),
                "province_code": ((2,), "Mã tỉnh", False)}
    return {"commune_code": ((2, 3), "Mã đơn vị tổng hợp (huyện hoặc tỉnh)", False),
            "upper_code": ((2, 3), "Mã cấp trên", True),
            "province_code": ((2,), "Mã tỉnh", False)}


def validate_setup(setup: CommuneSetup) -> CommuneSetup:
    codes = {key: check_code(getattr(setup, key), lengths, label, optional=optional)
             for key, (lengths, label, optional) in code_rules(setup.mode).items()}
    commune, upper, province = codes["commune_code"], codes["upper_code"], codes["province_code"]
    names = {
        "commune_name": nfc(setup.commune_name), "upper_name": nfc(setup.upper_name),
        "province_name": nfc(setup.province_name),
    }
    if not names["commune_name"]:
        raise Refused("Chưa nhập tên đơn vị (ví dụ “Xã Đức Chính”).")
    if upper and not names["upper_name"]:
        raise Refused("Chưa nhập tên cấp trên (ví dụ “Huyện Cẩm Giàng” hoặc “Tỉnh Hải Dương”).")
    if not names["province_name"]:
        raise Refused("Chưa nhập tên tỉnh.")
    book = check_book(setup.receipt_book or "01", "Quyển phiếu thu đầu tiên")
    return CommuneSetup(commune, names["commune_name"], upper, names["upper_name"], province,
                        names["province_name"], setup.mode, book, setup.require_approval)


def init_books(data_dir: DataDir, setup: CommuneSetup, *, actor: str | None = None) -> tuple[Books, str]:
    """Create the database, its settings and the signing key. Returns the open books and the key's
    fingerprint. An existing database is never touched."""
    setup = validate_setup(setup)
    if data_dir.database.exists():
        raise Refused(f"Thư mục {data_dir.root} đã có dữ liệu. Không khởi tạo lại để tránh ghi đè.")
    books = Books.open(data_dir, create=True, actor=actor)
    try:
        with books.transaction() as conn:
            values = {
                "commune_code": setup.commune_code, "commune_name": setup.commune_name,
                "upper_code": setup.upper_code, "upper_name": setup.upper_name,
                "province_code": setup.province_code, "province_name": setup.province_name,
                "mode": setup.mode.value, "receipt_book": setup.receipt_book,
                "created_at": audit.now_iso(),
            }
            if setup.mode is Mode.COMMUNE:
                values["require_approval"] = "1" if setup.require_approval else "0"
            conn.executemany("INSERT INTO settings (key, value) VALUES (?, ?)", values.items())
            fingerprint = signing.create_key(conn)
            audit.record(conn, books.actor, "settings", setup.commune_code, "init", None, values)
    except BaseException:
        books.close()
        # A half-made database would block the next attempt; remove what this call just created.
        for suffix in ("", "-wal", "-shm"):
            data_dir.database.with_name(data_dir.database.name + suffix).unlink(missing_ok=True)
        raise
    return books, fingerprint


@dataclass(frozen=True)
class SettingsSaved(Outcome):
    values: dict[str, str]  # the settings written, cleaned
    effective_on: date | None = None  # from when they hold (documents dated before keep the old values)

    # Unit names, signatories and receipt options appear on the header, receipts and reports.
    changes: ClassVar[Changes] = Changes.SETTINGS


# What the settings held before their history began holds from the beginning.
BEGINNING = "1900-01-01"


def update_settings(books: Books, changes: dict[str, str], *, effective_on: date | None = None) -> SettingsSaved:
    """Change commune details, signatories or receipt options; identity codes are fixed at set-up.

    Each change is recorded in ``setting_history`` from ``effective_on`` (default today): documents dated
    before it keep showing the old value (``books.settings_on``). A date in the future is refused (record the
    change on the day it starts), and so is a date in the locked period for what documents show (a report
    already sent would reprint differently). A key that never had a value takes its first one from the
    beginning: no document ever showed anything for it.
    """
    frozen = {"commune_code", "mode"}
    unknown = set(changes) - set(KNOWN_SETTINGS)
    if unknown:
        raise Refused(f"Không có mục cài đặt: {', '.join(sorted(unknown))}.")
    if frozen & set(changes):
        raise Refused("Mã đơn vị và chế độ được đặt khi khởi tạo và không thể đổi.")
    cleaned = {key: nfc(str(value)) for key, value in changes.items()}
    for key, value in cleaned.items():
        if key in _CHOICES and value not in _CHOICES[key]:
            raise Refused(f"Cài đặt {key} chỉ nhận: {', '.join(_CHOICES[key])}.")
    for key, (lengths, label, optional) in code_rules(Mode(books.setting("mode") or Mode.COMMUNE.value)).items():
        if key in cleaned:
            cleaned[key] = check_code(cleaned[key], lengths, label, optional=optional)
    if "receipt_book" in cleaned:
        cleaned["receipt_book"] = check_book(cleaned["receipt_book"], "Quyển phiếu thu đang dùng")
    if "backup_keep_days" in cleaned:
        days = cleaned["backup_keep_days"].strip()
        if not days.isdigit() or not 1 <= int(days) <= 3650:
            raise Refused(f"Số ngày giữ bản sao lưu tự động phải là số nguyên từ 1 đến 3650 (đang là “{days}”).")
        cleaned["backup_keep_days"] = str(int(days))
    today = clock.today()
    effective_on = effective_on or today
    if effective_on > today:
        raise Refused(f"Ngày áp dụng ở tương lai: {effective_on:%d/%m/%Y} (hôm nay là {today:%d/%m/%Y}). "
                      "Hãy ghi thay đổi vào đúng ngày bắt đầu áp dụng.")
    closed = locked_to(books.conn)
    dated = sorted(DATED_SETTINGS & set(cleaned))
    if closed is not None and effective_on <= closed and dated:
        labels = ", ".join(KNOWN_SETTINGS[k].split(" (")[0] for k in dated)
        raise Refused(f"Ngày áp dụng {effective_on:%d/%m/%Y} nằm trong kỳ đã khóa sổ (đến hết ngày "
                      f"{closed:%d/%m/%Y}): chứng từ và báo cáo kỳ đó đã lập với {labels} cũ. Hãy áp dụng từ "
                      "ngày sau ngày khóa sổ.")
    now = audit.now_iso()
    with books.transaction() as conn:
        before = {k: books.setting(k, "") for k in cleaned}
        rows = []
        for key, value in cleaned.items():
            past = [r[0] for r in conn.execute("SELECT value FROM setting_history WHERE key = ?", (key,))]
            if not any(past) and not before[key]:
                rows.append((key, value, BEGINNING))  # its first value
                continue
            if not past:
                rows.append((key, before[key], BEGINNING))
            rows.append((key, value, effective_on.isoformat()))
        conn.executemany(
            "INSERT INTO setting_history (key, value, effective_on, recorded_at, recorded_by) VALUES (?,?,?,?,?)",
            [(*row, now, books.actor) for row in rows])
        # ``settings`` holds what was recorded as in force today: a change dated before a later one leaves
        # the later (the names the 2025 reform gives are read by date, never written here).
        conn.executemany(
            """INSERT INTO settings (key, value)
               SELECT key, value FROM setting_history WHERE key = ? AND effective_on <= ?
               ORDER BY effective_on DESC, id DESC LIMIT 1
               ON CONFLICT (key) DO UPDATE SET value = excluded.value""",
            [(key, today.isoformat()) for key in cleaned],
        )
        audit.record(conn, books.actor, "settings", books.setting("commune_code", ""), "update", before,
                     {**cleaned, "effective_on": effective_on.isoformat()}, at=now)
    return SettingsSaved(cleaned, effective_on)


def words_options(books: Books) -> dict:
    """How this commune writes amounts in words (linh/lẻ, nghìn/ngàn, "chẵn")."""
    def get(key: str) -> str:
        return books.setting(key) or DEFAULTS[key]

    return {"zero_tens": get("words_zero_tens"), "thousand": get("words_thousand"),
            "even": get("words_even") == "1"}
