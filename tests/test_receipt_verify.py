"""``receipt verify``: a paper receipt's QR text checked at the commune against its own receipts and at the
upper level against the receipts the commune's package brought — valid, voided (from its date), altered
(amount, date or hash), unknown (no such receipt, another commune, a commune never imported) — and text that
is no receipt's QR refused, nothing written either way."""

from __future__ import annotations

import pytest

from desktop import clock
from desktop.books import Books
from desktop.receipt_view import QR_FORMAT
from desktop.services.receipt_check import parse_receipt_qr, verify_receipt
from desktop.services.receipts import receipt_views
from tests.sync_helpers import AS_OF, export, make_commune, make_upper, run, store_state

# Every test here runs on both engines of the upper store (PostgreSQL when a test server is given).
pytestmark = pytest.mark.usefixtures("upper_engine")


def _qrs(commune) -> list:
    with Books.open(commune) as books:
        return [v for v in receipt_views(books) if not v.voided]


def _with(qr: str, **changes) -> str:
    """The QR text with some of its fields replaced, as a forger would edit them."""
    keys = ["format", "commune", "book", "year", "number", "issued_on", "amount", "hash"]
    parts = dict(zip(keys, qr.split("|"), strict=True))
    parts.update({k: str(v) for k, v in changes.items()})
    return "|".join(parts[k] for k in keys)


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A commune with one receipt voided, its package imported by an upper level."""
    root = tmp_path_factory.mktemp("verify")
    commune = make_commune(root, "10801", seed=1, households=30)
    views = _qrs(commune)
    kept, voided = views[0], views[1]
    with clock.frozen(AS_OF):
        result = run(commune, "--json", "receipt", "void", "--book", voided.book, "--number", str(voided.number),
                     "--year", str(voided.year), "--reason", "ghi nhầm hộ", "--on", AS_OF.isoformat())
    assert result.code == 0, result.stderr
    upper = make_upper(root)
    imported = run(upper, "--json", "upper", "import", str(export(commune, root / "out")))
    assert imported.code == 0, imported.stderr
    return commune, upper, kept, voided


@pytest.mark.parametrize("where", ["commune", "upper"])
def test_each_status_at_the_commune_and_the_upper_level(world, where):
    commune, upper, kept, voided = world
    data_dir = commune if where == "commune" else upper
    before = store_state(data_dir)

    def verify(text):
        result = run(data_dir, "--json", "receipt", "verify", text)
        assert result.code == 0, result.stderr
        return result.json

    valid = verify(kept.qr_payload)
    assert valid["status"] == "valid" and valid["commune_name"] == "Xã Thử 10801"
    assert {k: valid[k] for k in ("commune_code", "book", "number", "issued_on", "amount")} == {
        "commune_code": "10801", "book": kept.book, "number": kept.number,
        "issued_on": kept.issued_on.isoformat(), "amount": kept.amount}
    assert valid["household"] == kept.household_code and "hợp lệ" in valid["message"]

    gone = verify(voided.qr_payload)
    assert gone["status"] == "voided" and gone["voided_on"] == AS_OF.isoformat()
    assert gone["void_reason"] == "ghi nhầm hộ" and "ĐÃ HỦY từ ngày 30/06/2026" in gone["message"]

    more = verify(_with(kept.qr_payload, amount=kept.amount + 1_000_000))
    assert more["status"] == "altered" and more["differences"] == ["amount"]
    assert more["amount"] == kept.amount and more["scanned"]["amount"] == kept.amount + 1_000_000
    assert "BỊ SỬA HOẶC GIẢ" in more["message"]
    moved = verify(_with(kept.qr_payload, issued_on="2020-01-02"))
    assert moved["status"] == "altered" and moved["differences"] == ["issued_on"]
    guessed = verify(_with(kept.qr_payload, hash="0123456789"))
    assert guessed["status"] == "altered" and guessed["differences"] == ["hash"]
    assert "mã kiểm tra không khớp" in guessed["message"]

    missing = verify(_with(kept.qr_payload, number=99999))
    assert missing["status"] == "unknown" and missing["number"] == 99999
    other = verify(_with(kept.qr_payload, commune="10899"))
    assert other["status"] == "unknown" and "10899" in other["message"]
    if where == "upper":
        assert "Chưa nhập dữ liệu của xã mã 10899" in other["message"]
        later = verify(_with(kept.qr_payload, number=99999, issued_on="2026-07-15"))
        assert later["status"] == "unknown" and "sau ngày số liệu đã nhập" in later["message"]
    text = run(data_dir, "receipt", "verify", kept.qr_payload)
    assert text.code == 0 and "hợp lệ" in text.stdout
    assert store_state(data_dir) == before


@pytest.mark.parametrize(("text", "words"), [
    ("", "chưa có nội dung"),
    ("https://example.com/pay?id=1", f"không bắt đầu bằng “{QR_FORMAT}|”"),
    ("VXR1|10801|01|2026|5", "thiếu phần"),
    ("VXR1|1080X|01|2026|5|2026-01-02|100000|0123456789", "mã xã"),
    ("VXR1|10801||2026|5|2026-01-02|100000|0123456789", "thiếu quyển"),
    ("VXR1|10801|01|26|5|2026-01-02|100000|0123456789", "năm “26”"),
    ("VXR1|10801|01|2026|0|2026-01-02|100000|0123456789", "số phiếu “0”"),
    ("VXR1|10801|01|2026|-5|2026-01-02|100000|0123456789", "số phiếu “-5”"),
    ("VXR1|10801|01|2026|5|2026-02-30|100000|0123456789", "ngày “2026-02-30”"),
    ("VXR1|10801|01|2026|5|02/01/2026|100000|0123456789", "ngày “02/01/2026”"),
    ("VXR1|10801|01|2026|5|2026-01-02|1.000.000|0123456789", "số tiền “1.000.000”"),
    ("VXR1|10801|01|2026|5|2026-01-02|" + "9" * 30 + "|0123456789", "số tiền"),
    ("VXR1|10801|01|2026|5|2026-01-02|100000|XYZ", "mã kiểm tra “XYZ”"),
    ("VXR1|" + "x" * 600, "quá dài"),
])
@pytest.mark.parametrize("where", ["commune", "upper"])
def test_text_that_is_no_receipts_qr_is_refused(world, where, text, words):
    commune, upper, _, _ = world
    data_dir = commune if where == "commune" else upper
    before = store_state(data_dir)
    result = run(data_dir, "receipt", "verify", text)
    assert result.code == 2 and words in result.stderr and "Không phải mã QR của phiếu thu" in result.stderr
    assert store_state(data_dir) == before


def test_a_qr_typed_with_a_lowercase_hash_or_spaces_still_reads(world):
    _, _, kept, _ = world
    qr = parse_receipt_qr("  " + _with(kept.qr_payload, hash=kept.short_hash.lower()) + "\n")
    assert (qr.book, qr.number, qr.amount, qr.short_hash) == (kept.book, kept.number, kept.amount, kept.short_hash)


def test_a_commune_not_yet_imported_is_unknown(tmp_path, world):
    _, _, kept, _ = world
    upper = make_upper(tmp_path)
    with Books.open(upper) as books:
        result = verify_receipt(books, kept.qr_payload)
    assert result.status == "unknown" and "Chưa nhập dữ liệu của xã mã 10801" in result.message
