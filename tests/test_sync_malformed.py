"""A corpus of bad packages, built from a good one: each is refused with a clear Vietnamese reason and the
upper-level store is left byte-for-byte as it was."""

from __future__ import annotations

import hashlib
import json
import struct
import warnings
import zipfile

import pytest

from desktop import signing
from desktop.books import Books
from desktop.sync import format as fmt
from tests.sync_helpers import build_zip, export, make_commune, make_upper, run, store_state, zip_entries

# Every test here runs on both engines of the upper store (PostgreSQL when a test server is given).
pytestmark = pytest.mark.usefixtures("upper_engine")


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    """An upper level that has registered the commune (package 1), and the commune's next package (2)."""
    root = tmp_path_factory.mktemp("malformed")
    commune = make_commune(root, seed=7, households=40)
    upper = make_upper(root)
    first = export(commune, root / "out")
    assert run(upper, "upper", "import", str(first)).code == 0
    good = export(commune, root / "out")
    with Books.open(commune) as books:
        key = signing.load_private_key(books.conn)
    return root, upper, good, key


def _resign(good, key, *, manifest_change=None, part_change=None) -> bytes:
    """A package with changed content but a valid signature by the commune's own key: only the row-level
    checks can catch what is wrong with it."""
    entries = zip_entries(good)
    manifest = json.loads(entries[fmt.MANIFEST])
    if part_change:
        table, change = part_change
        path = fmt.part_path(table)
        lines = entries[path].decode().splitlines()
        lines = change(lines)
        data = ("\n".join(lines) + "\n").encode()
        entries[path] = data
        for part in manifest["parts"]:
            if part["table"] == table:
                part.update(rows=len(lines) - 1, bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    if manifest_change:
        manifest_change(manifest)
    entries[fmt.MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
    entries[fmt.SIGNATURE] = key.sign(entries[fmt.MANIFEST])
    return build_zip(entries)


def _edit_row(table, column, value, line=1):
    def change(lines):
        header = json.loads(lines[0])
        row = json.loads(lines[line])
        row[header.index(column)] = value
        lines[line] = json.dumps(row, ensure_ascii=False)
        return lines
    return table, change


def _set_sizes(blob: bytes, entry: str, size: int) -> bytes:
    """Write a false uncompressed size for ``entry`` in its local header and the central directory."""
    data = bytearray(blob)
    name = entry.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[start + offset:start + offset + 4] = struct.pack("<I", size)
            start += 4
    return bytes(data)


def _docx() -> bytes:
    return build_zip([("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
                      ("word/document.xml", b"<w:document>Bao cao</w:document>")])


def _with_duplicate(good) -> bytes:
    entries = list(zip_entries(good).items())
    entries.append((fmt.part_path("household"), entries[-1][1]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return build_zip(entries)


def _flip(blob: bytes) -> bytes:
    data = bytearray(blob)
    # A byte inside the compressed household rows: the first entries are small, so the middle is data.
    data[len(data) // 3] ^= 0xFF
    return bytes(data)


def _bomb(good) -> bytes:
    entries = zip_entries(good)
    entries[fmt.part_path("audit_log")] = entries[fmt.part_path("audit_log")] + b" " * (60 * 1024 * 1024)
    return build_zip(entries)


def _foreign_key():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()


def _signed_by_other_key(good) -> bytes:
    """Properly signed, by a key the upper level has never registered for this commune."""
    from cryptography.hazmat.primitives import serialization

    other = _foreign_key()
    raw = other.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def change(manifest):
        manifest["public_key"] = raw.hex()
        manifest["key_fingerprint"] = signing.fingerprint(raw)
    return _resign(good, other, manifest_change=change)


CASES = {
    "truncated": (lambda good, key: good.read_bytes()[: good.stat().st_size // 2], "cắt cụt"),
    "flipped byte": (lambda good, key: _flip(good.read_bytes()), "hỏng"),
    "wrong signature": (lambda good, key: build_zip({
        **zip_entries(good),
        fmt.MANIFEST: zip_entries(good)[fmt.MANIFEST].replace(b'"seq": 2', b'"seq": 99')}), "chữ ký số không đúng"),
    "signature by another key": (lambda good, key: build_zip({
        **zip_entries(good), fmt.SIGNATURE: _foreign_key().sign(zip_entries(good)[fmt.MANIFEST])}),
        "chữ ký số không đúng"),
    "unknown commune key": (lambda good, key: _signed_by_other_key(good), "khóa khác"),
    "dot-dot path": (lambda good, key: build_zip({**zip_entries(good), "../../evil.txt": b"x"}), "không an toàn"),
    "absolute path": (lambda good, key: build_zip({**zip_entries(good), "/etc/evil": b"x"}), "không an toàn"),
    "backslash path": (lambda good, key: build_zip({**zip_entries(good), "data\\evil.jsonl": b"x"}), "không an toàn"),
    "huge declared size": (lambda good, key: _set_sizes(build_zip(zip_entries(good)), fmt.part_path("household"),
                                                        0xF0000000), "bom zip"),
    "actual size above declared": (lambda good, key: _set_sizes(build_zip(zip_entries(good)),
                                                                fmt.part_path("household"), 1000), "hỏng"),
    "highly compressed bomb": (lambda good, key: _bomb(good), "bom zip"),
    "duplicate entries": (lambda good, key: _with_duplicate(good), "hai mục cùng tên"),
    "missing part": (lambda good, key: build_zip({k: v for k, v in zip_entries(good).items()
                                                  if k != fmt.part_path("receipt")}), "thiếu phần"),
    "missing part in manifest": (lambda good, key: _resign(good, key, manifest_change=lambda m: m.update(
        parts=[p for p in m["parts"] if p["table"] != "allocation"])), "thiếu phần dữ liệu: allocation"),
    "extra part": (lambda good, key: build_zip({**zip_entries(good), "data/extra.jsonl": b"[]\n"}), "phần thừa"),
    "malformed JSON": (lambda good, key: _resign(good, key, part_change=("household", lambda lines: [
        *lines[:3], lines[3][:-5], *lines[4:]])), "dòng 4: JSON hỏng"),
    "row referencing a missing household": (lambda good, key: _resign(
        good, key, part_change=_edit_row("receipt", "household_id", 999_999)), "tham chiếu tới hộ"),
    "negative amount": (lambda good, key: _resign(good, key, part_change=_edit_row("receipt", "amount", -50_000)),
                        "số âm"),
    "amount as text": (lambda good, key: _resign(good, key, part_change=_edit_row("installment", "amount", "5000")),
                       "phải là số nguyên"),
    "unknown category": (lambda good, key: _resign(
        good, key, part_change=_edit_row("household_category", "category", "rich")), "household_category"),
    "impossible date": (lambda good, key: _resign(good, key, part_change=_edit_row("installment", "due_on",
                                                                                   "2026-13-01")), "due_on"),
    "newer format version": (lambda good, key: _resign(good, key, manifest_change=lambda m: m.update(
        format_version=fmt.FORMAT_VERSION + 1)), "mới hơn"),
    "newer schema version": (lambda good, key: _resign(good, key, manifest_change=lambda m: m.update(
        schema_version=999)), "mới hơn"),
    "same sequence, other content": (lambda good, key: _resign(good, key, manifest_change=lambda m: m.update(
        seq=1)), "với nội dung khác"),
    "a commune database instead": (lambda good, key: good.parent.parent.joinpath(
        "xa-10507-7", "vonxoay.sqlite").read_bytes(), "không phải tệp nén zip"),
    "a .docx renamed": (lambda good, key: _docx(), "không phải gói đồng bộ"),
    "a text file renamed": (lambda good, key: "Báo cáo quý III".encode(), "không phải tệp nén zip"),
    "empty file": (lambda good, key: b"", "không phải"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_package_is_refused_and_the_store_is_unchanged(setting, case):
    root, upper, good, key = setting
    build, expected = CASES[case]
    bad = root / f"{case.replace(' ', '-')}.vxp"
    bad.write_bytes(build(good, key))
    before = store_state(upper)
    result = run(upper, "--json", "upper", "import", str(bad))
    assert result.code == 2, result.stdout
    # The only package's result is printed all the same, and the refusal goes to stderr.
    assert [r["status"] for r in result.json["results"]] == ["rejected"]
    assert expected in result.json["results"][0]["reason"]
    assert expected in result.stderr, result.stderr
    assert result.stderr.startswith("Lỗi: ") and result.stderr.count("\n") == 1
    assert store_state(upper) == before


def test_good_package_of_the_corpus_is_accepted(setting):
    """The corpus is made from a package that itself imports: each refusal is the corruption's doing."""
    root, upper, good, key = setting
    resigned = root / "resigned.vxp"
    resigned.write_bytes(_resign(good, key, part_change=("receipt", lambda lines: lines)))
    result = run(upper, "--json", "upper", "import", "--dry-run", str(resigned))
    assert result.code == 0, result.stderr
    assert result.json["results"][0]["status"] == "imported"


def test_a_batch_with_one_bad_package_imports_the_good_one(setting, tmp_path):
    root, upper, good, key = setting
    bad = tmp_path / "bad.vxp"
    bad.write_bytes(b"not a zip")
    result = run(upper, "--json", "upper", "import", "--dry-run", str(bad), str(good))
    assert result.code == 2  # one was rejected; the other is imported all the same
    statuses = [r["status"] for r in result.json["results"]]
    assert statuses == ["rejected", "imported"]
    assert "không phải tệp nén zip" in result.json["results"][0]["reason"]


def test_zip_limits_are_kept_with_small_limits(setting):
    """The entry-count limit, and the total limit across entries, with limits small enough to hit."""
    from desktop.errors import Refused
    from desktop.sync.verify import verify_package

    root, upper, good, key = setting
    with pytest.raises(Refused, match="mục, nhiều hơn"):
        verify_package(good, fmt.Limits(max_entries=5), staging_dir=root / "staging")
    with pytest.raises(Refused, match="bom zip"):
        verify_package(good, fmt.Limits(max_total_bytes=10_000), staging_dir=root / "staging")
    with zipfile.ZipFile(good) as archive:
        assert len(archive.infolist()) == len(fmt.PARTS) + 2
