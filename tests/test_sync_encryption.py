"""Encrypted packages: the commune seals its signed package to the upper level's key; whatever is wrong with
the envelope (another recipient, a changed header, a segment changed, dropped, moved or cut off, a package
re-encrypted by someone else around changed content) is refused with its reason and the store unchanged."""

from __future__ import annotations

import hashlib
import json
import struct
import zipfile
from pathlib import Path

import pytest

from desktop import signing
from desktop.books import Books
from desktop.errors import Refused
from desktop.paths import DataDir
from desktop.services.settings import init_books
from desktop.sync import envelope
from desktop.sync import format as fmt
from desktop.sync.verify import verify_package
from tests.conftest import books_digest
from tests.sync_helpers import (
    UPPER,
    build_zip,
    export,
    load_recipient,
    make_commune,
    make_upper,
    run,
    store_state,
    zip_entries,
)

# Every test here runs on both engines of the upper store (PostgreSQL when a test server is given).
pytestmark = pytest.mark.usefixtures("upper_engine")

SMALL = 1024  # segments this small give a 30-household package many of them


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    """An upper level that imported the commune's first (encrypted) package, and a second unit elsewhere."""
    root = tmp_path_factory.mktemp("encryption")
    commune = make_commune(root, seed=11, households=30)
    upper = make_upper(root)
    first = export(commune, root / "out", to=upper)
    assert run(upper, "upper", "import", str(first)).code == 0
    other = DataDir(root / "cap-tren-khac")
    init_books(other, UPPER)[0].close()
    with Books.open(upper) as books:
        recipient = _recipient(books)
    return root, commune, upper, other, recipient


def _recipient(books: Books) -> envelope.Recipient:
    public = envelope.upper_private_key(books).public_key().public_bytes_raw()
    return envelope.Recipient("290", "Huyện Cẩm Giàng", public.hex(), signing.fingerprint(public))


def _refused(upper: DataDir, path: Path, expected: str | tuple[str, ...]) -> str:
    before = store_state(upper)
    result = run(upper, "upper", "import", str(path))
    assert result.code == 2, result.stdout
    # Every package of a batch gets its result on stdout; the reason of a refusal also goes to stderr.
    assert result.stdout.startswith("Bị từ chối: ") and result.stderr.startswith("Lỗi: ")
    assert any(words in result.stderr for words in ((expected,) if isinstance(expected, str) else expected)), \
        result.stderr
    assert store_state(upper) == before
    assert not list((upper.root / "staging").glob("*"))  # the plain copy never stays behind
    return result.stderr


def _plain_package(commune: DataDir, out: Path) -> Path:
    return export(commune, out)  # --unencrypted: the signed zip itself


def _segments(blob: bytes, size: int = SMALL) -> tuple[bytes, list[bytes]]:
    header, body = blob[:envelope.HEADER_BYTES], blob[envelope.HEADER_BYTES:]
    step = size + envelope.TAG_BYTES
    return header, [body[i:i + step] for i in range(0, len(body), step)]


# -- the normal way ---------------------------------------------------------------------------------

def test_round_trip_encrypted_imported_and_acknowledged(setting, tmp_path):
    root, commune, upper, _, recipient = setting
    shown = run(commune, "--json", "sync", "recipient", "show").json
    assert shown == {"fingerprint": recipient.fingerprint, "name": "Huyện Cẩm Giàng"}
    result = run(commune, "--json", "sync", "export", "--out", str(tmp_path))
    assert result.code == 0, result.stderr
    assert result.json["encrypted"] is True and result.json["recipient_fingerprint"] == recipient.fingerprint
    text = run(commune, "sync", "export", "--out", str(tmp_path / "text")).stdout
    assert f"Đã mã hóa cho Huyện Cẩm Giàng (vân tay khóa {recipient.fingerprint})" in text
    path = Path(result.json["path"])
    assert path.suffix == fmt.SUFFIX and path.read_bytes().startswith(envelope.MAGIC)
    assert path.stat().st_size == result.json["bytes"]
    assert not list(commune.root.glob(".vonxoay-export-*")) and not list(tmp_path.glob(".vonxoay-*"))
    imported = run(upper, "--json", "upper", "import", str(path))
    assert imported.code == 0, imported.stderr
    entry = imported.json["results"][0]
    assert entry["status"] == "imported"
    # The package's SHA-256 is the signed zip's: the acknowledgement names what the commune signed.
    assert entry["file_sha256"] == result.json["sha256"]
    assert not list((upper.root / "staging").glob("*"))
    ack = run(upper, "--json", "upper", "ack", "--commune", "10507", "--out", str(tmp_path / "acks"))
    assert ack.code == 0, ack.stderr
    accepted = run(commune, "--json", "sync", "ack", ack.json["path"])
    assert accepted.code == 0, accepted.stderr
    assert accepted.json["seq"] == entry["seq"] == result.json["seq"]


def test_the_encrypted_file_holds_no_id_number_or_name_in_clear(setting, tmp_path):
    root, commune, upper, _, _ = setting
    path = Path(run(commune, "--json", "sync", "export", "--out", str(tmp_path)).json["path"])
    with Books.open(commune) as books:
        people = books.conn.execute("SELECT id_number, head_name FROM household WHERE id_number IS NOT NULL").fetchall()
    assert len(people) >= 10
    sealed = path.read_bytes()
    with Books.open(upper) as books, envelope.unsealed(path, envelope.Unsealer.of(books), 1 << 30) as plain:
        inner = zip_entries(plain)[fmt.part_path("household")]
    for id_number, head_name in people:
        assert id_number.encode() in inner  # the test looks for what is really there
        for form in (id_number.encode(), id_number.encode("utf-16-le"), head_name.encode()):
            assert form not in sealed
    assert b"PK\x03\x04" not in sealed and fmt.MANIFEST.encode() not in sealed


def test_unencrypted_on_request_is_read_as_before(setting, tmp_path):
    root, commune, upper, _, _ = setting
    result = run(commune, "--json", "sync", "export", "--unencrypted", "--out", str(tmp_path))
    assert result.code == 0 and result.json["encrypted"] is False and "recipient_fingerprint" not in result.json
    path = Path(result.json["path"])
    assert path.read_bytes()[:4] == b"PK\x03\x04"
    assert "KHÔNG được mã hóa" in run(commune, "sync", "export", "--unencrypted", "--out", str(tmp_path)).stdout
    imported = run(upper, "--json", "upper", "import", str(path))
    assert imported.code == 0 and imported.json["results"][0]["status"] == "imported"


def test_small_segments_round_trip(setting, tmp_path):
    """Many segments, and a package whose size is an exact multiple of the segment (the last one full)."""
    root, commune, upper, _, recipient = setting
    plain = _plain_package(commune, tmp_path / "plain")
    sealed = tmp_path / "sealed" / plain.name
    sealed.parent.mkdir()
    envelope.seal(plain, sealed, recipient, segment_bytes=SMALL)
    header, segments = _segments(sealed.read_bytes())
    assert len(segments) > 5
    with Books.open(upper) as books:
        unsealer = envelope.Unsealer.of(books)
        with envelope.unsealed(sealed, unsealer, 1 << 30) as opened:
            assert opened.read_bytes() == plain.read_bytes() and opened.name == plain.name
        exact = tmp_path / "exact.bin"
        exact.write_bytes(bytes(range(256)) * 8)  # 2 KiB: two full segments
        envelope.seal(exact, tmp_path / "exact.sealed", recipient, segment_bytes=SMALL)
        with envelope.unsealed(tmp_path / "exact.sealed", unsealer, 1 << 30) as opened:
            assert opened.read_bytes() == exact.read_bytes()
        # After a full last segment, whatever is appended is seen as such.
        header, full = _segments((tmp_path / "exact.sealed").read_bytes())
        (tmp_path / "longer.sealed").write_bytes(header + b"".join(full) + full[0])
        with pytest.raises(Refused, match="nối thêm sau đoạn cuối"), \
                envelope.unsealed(tmp_path / "longer.sealed", unsealer, 1 << 30):
            pass
        empty = tmp_path / "empty.bin"
        empty.write_bytes(b"")
        envelope.seal(empty, tmp_path / "empty.sealed", recipient, segment_bytes=SMALL)
        with envelope.unsealed(tmp_path / "empty.sealed", unsealer, 1 << 30) as opened:
            assert opened.read_bytes() == b""
    imported = run(upper, "--json", "upper", "import", str(sealed))
    assert imported.code == 0 and imported.json["results"][0]["status"] in ("imported", "unchanged")


# -- refusals at the upper level ------------------------------------------------------------------------

def test_encrypted_for_another_upper_level_is_refused(setting, tmp_path):
    root, commune, upper, other, recipient = setting
    with Books.open(other) as books:
        elsewhere = _recipient(books)
    plain = _plain_package(commune, tmp_path / "plain")
    sealed = tmp_path / plain.name
    envelope.seal(plain, sealed, elsewhere)
    _refused(upper, sealed, f"Gói {sealed.name} được mã hóa cho đơn vị khác (vân tay {elsewhere.fingerprint}), "
                            f"không phải cho đơn vị này (vân tay {recipient.fingerprint}).")


def test_a_commune_that_loaded_another_units_key_is_refused_by_this_one(tmp_path):
    commune = make_commune(tmp_path, seed=12, households=10, projects=1)
    upper, other = make_upper(tmp_path), DataDir(tmp_path / "khac")
    init_books(other, UPPER)[0].close()
    fingerprint = load_recipient(commune, other)
    path = Path(run(commune, "--json", "sync", "export", "--out", str(tmp_path / "out")).json["path"])
    _refused(upper, path, f"được mã hóa cho đơn vị khác (vân tay {fingerprint})")
    assert run(other, "--json", "upper", "import", str(path)).json["results"][0]["status"] == "imported"


def _with_header(blob: bytes, **fields) -> bytes:
    names = ("magic", "version", "cipher", "segment", "ephemeral", "recipient")
    values = dict(zip(names, struct.unpack(">8sBBI32s32s", blob[:envelope.HEADER_BYTES]), strict=True))
    values.update(fields)
    return struct.pack(">8sBBI32s32s", *(values[n] for n in names)) + blob[envelope.HEADER_BYTES:]


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


HEADER_CASES = {
    "ephemeral key changed": (lambda b: _flip(b, 20), "đoạn thứ 1 không qua kiểm tra xác thực"),
    "segment size changed": (lambda b: _with_header(b, segment=SMALL * 2), "không qua kiểm tra xác thực"),
    "segment size absurd": (lambda b: _with_header(b, segment=1 << 31), "phần đầu không hợp lệ"),
    "newer version": (lambda b: _with_header(b, version=2), "mới hơn phiên bản chương trình này hiểu (1)"),
    "unknown cipher": (lambda b: _with_header(b, cipher=7), "phần đầu không hợp lệ"),
    "recipient changed": (lambda b: _flip(b, envelope.HEADER_BYTES - 1), "được mã hóa cho đơn vị khác"),
    "magic changed": (lambda b: _flip(b, 1), "không phải gói đồng bộ VốnXoay"),
    "ephemeral key of small order": (lambda b: _with_header(b, ephemeral=bytes(32)), "phần đầu không hợp lệ"),
    "header cut short": (lambda b: b[:40], "bị cắt cụt (thiếu phần đầu)"),
    "nothing after the header": (lambda b: b[:envelope.HEADER_BYTES], "không còn dữ liệu sau phần đầu"),
}

SEGMENT_CASES = {
    "a byte flipped in a middle segment": (
        lambda h, s: h + b"".join(s[:3]) + _flip(s[3], 100) + b"".join(s[4:]),
        "đoạn thứ 4 không qua kiểm tra xác thực"),
    "a tag flipped": (lambda h, s: h + b"".join(s[:-1]) + _flip(s[-1], len(s[-1]) - 1),
                      "không qua kiểm tra xác thực"),
    "cut after a segment": (lambda h, s: h + b"".join(s[:3]), "bị cắt cụt sau đoạn thứ 3"),
    "cut inside a segment": (lambda h, s: h + b"".join(s[:3]) + s[3][:500], "đoạn thứ 4 không qua"),
    "two segments swapped": (lambda h, s: h + s[0] + s[2] + s[1] + b"".join(s[3:]), "đoạn thứ 2 không qua"),
    "a segment dropped": (lambda h, s: h + s[0] + b"".join(s[2:]), "đoạn thứ 2 không qua"),
    "a segment repeated": (lambda h, s: h + s[0] + s[0] + b"".join(s[1:]), "đoạn thứ 2 không qua"),
    "the last segment moved first": (lambda h, s: h + s[-1] + b"".join(s[:-1]), "đoạn thứ 1 không qua"),
    # A copy of the last segment appended: when the package's last segment happens to be a full one, the copy
    # starts a segment of its own and the reader names it as appended data; otherwise the boundaries shift
    # and the segment fails its authentication. Both refuse; which one depends on the package's size.
    "data appended after the end": (lambda h, s: h + b"".join(s) + s[-1],
                                    ("không qua kiểm tra xác thực", "nối thêm sau đoạn cuối")),
    "segments of another file spliced in": (None, "không qua kiểm tra xác thực"),
}


@pytest.mark.parametrize("case", list(HEADER_CASES))
def test_a_changed_header_is_refused(setting, tmp_path, case):
    root, commune, upper, _, recipient = setting
    change, expected = HEADER_CASES[case]
    plain = _plain_package(commune, tmp_path / "plain")
    sealed = tmp_path / plain.name
    envelope.seal(plain, sealed, recipient, segment_bytes=SMALL)
    sealed.write_bytes(change(sealed.read_bytes()))
    _refused(upper, sealed, expected)


@pytest.mark.parametrize("case", list(SEGMENT_CASES))
def test_a_changed_segment_is_refused(setting, tmp_path, case):
    root, commune, upper, _, recipient = setting
    change, expected = SEGMENT_CASES[case]
    plain = _plain_package(commune, tmp_path / "plain")
    sealed = tmp_path / plain.name
    envelope.seal(plain, sealed, recipient, segment_bytes=SMALL)
    header, segments = _segments(sealed.read_bytes())
    assert len(segments) >= 6
    if change is None:  # the same recipient, another file's key: its segments never fit this header
        envelope.seal(plain, tmp_path / "again", recipient, segment_bytes=SMALL)
        _, others = _segments((tmp_path / "again").read_bytes())
        blob = header + segments[0] + b"".join(others[1:])
    else:
        blob = change(header, segments)
    sealed.write_bytes(blob)
    _refused(upper, sealed, expected)


def test_reencrypted_by_a_third_party_is_only_as_good_as_its_inner_signature(setting, tmp_path):
    """Anyone can encrypt to the upper level's public key: the commune's signature inside is what counts."""
    root, commune, upper, _, recipient = setting
    plain = _plain_package(commune, tmp_path / "plain")
    entries = zip_entries(plain)
    # 1. A part changed (an ID number), the manifest left as signed: its hash no longer matches.
    part = fmt.part_path("household")
    entries_1 = dict(entries)
    changed = bytearray(entries[part])
    changed[len(changed) // 2] ^= 0x01
    entries_1[part] = bytes(changed)
    # 2. The manifest changed to match, the commune's signature left: the signature fails.
    entries_2 = dict(entries_1)
    manifest = json.loads(entries[fmt.MANIFEST])
    for item in manifest["parts"]:
        if item["path"] == part:
            item["sha256"] = hashlib.sha256(entries_2[part]).hexdigest()
    entries_2[fmt.MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
    # 3. Re-signed by the third party's own key: not the key registered for the commune.
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    intruder = Ed25519PrivateKey.generate()
    manifest_3 = dict(manifest, public_key=intruder.public_key().public_bytes_raw().hex())
    manifest_3["key_fingerprint"] = signing.fingerprint(intruder.public_key().public_bytes_raw())
    entries_3 = dict(entries_2)
    entries_3[fmt.MANIFEST] = json.dumps(manifest_3, ensure_ascii=False).encode()
    entries_3[fmt.SIGNATURE] = intruder.sign(entries_3[fmt.MANIFEST])
    cases = [(entries_1, "không khớp mã băm SHA-256"), (entries_2, "chữ ký số không đúng"),
             (entries_3, "được ký bằng khóa khác")]
    for index, (changed, expected) in enumerate(cases):
        inner = tmp_path / f"inner-{index}.zip"
        inner.write_bytes(build_zip(changed))
        sealed = tmp_path / f"lai-{index}" / plain.name
        sealed.parent.mkdir()
        envelope.seal(inner, sealed, recipient)
        _refused(upper, sealed, expected)
    # The commune's own package, unchanged, re-encrypted by anyone: it is the same package, taken as such.
    again = tmp_path / "same" / plain.name
    again.parent.mkdir()
    envelope.seal(plain, again, recipient)
    first = run(upper, "--json", "upper", "import", str(again)).json["results"][0]
    assert first["status"] == "imported"
    assert run(upper, "--json", "upper", "import", str(plain)).json["results"][0]["status"] == "unchanged"


def test_an_encrypted_package_is_not_opened_without_the_key(setting, tmp_path):
    root, commune, upper, _, recipient = setting
    plain = _plain_package(commune, tmp_path / "plain")
    sealed = tmp_path / plain.name
    envelope.seal(plain, sealed, recipient)
    with pytest.raises(Refused, match="đã được mã hóa"):
        verify_package(sealed, staging_dir=tmp_path / "staging")


def test_an_encrypted_package_over_the_size_limit_is_refused_before_decrypting(setting, tmp_path):
    root, commune, upper, _, recipient = setting
    plain = _plain_package(commune, tmp_path / "plain")
    sealed = tmp_path / plain.name
    envelope.seal(plain, sealed, recipient)
    with Books.open(upper) as books:
        with pytest.raises(Refused, match="quá lớn"):
            verify_package(sealed, fmt.Limits(max_file_bytes=100), staging_dir=tmp_path / "staging",
                           unsealer=envelope.Unsealer.of(books))
        assert not list((upper.root / "staging").glob("*"))


# -- the key file and the recipient at the commune ---------------------------------------------------

def test_key_file_export_and_recipient_commands(tmp_path):
    commune = make_commune(tmp_path, seed=13, households=5, projects=1)
    upper = make_upper(tmp_path)
    assert run(commune, "--json", "sync", "recipient", "show").json == {"fingerprint": None, "name": None}
    (tmp_path / "keys").mkdir()
    written = run(upper, "--json", "upper", "key", "export", "--out", str(tmp_path / "keys"))
    assert written.code == 0, written.stderr
    path = Path(written.json["path"])
    assert path.name == "khoa-ma-hoa_290.vxk"
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "vonxoay-recipient" and document["unit"] == {"code": "290", "name": "Huyện Cẩm Giàng"}
    assert document["fingerprint"] == written.json["fingerprint"]
    assert "private" not in path.read_text().lower()
    # The same key every time (it belongs to the unit), and never the signing key itself.
    again = run(upper, "--json", "upper", "key", "export", "--out", str(tmp_path / "again.vxk")).json
    assert again["fingerprint"] == written.json["fingerprint"]
    with Books.open(upper) as books:
        assert document["public_key"] != signing.public_key_hex(books.conn)
    loaded = run(commune, "--json", "sync", "recipient", "set", str(path))
    assert loaded.json == {"fingerprint": written.json["fingerprint"], "name": "Huyện Cẩm Giàng"}
    assert run(commune, "sync", "recipient", "show").stdout.count(written.json["fingerprint"]) == 1
    with Books.open(commune) as books:
        audit = books.conn.execute("SELECT after FROM audit_log WHERE action = 'recipient'").fetchall()
    assert len(audit) == 1 and written.json["fingerprint"] in audit[0][0]
    # Each command belongs to its level.
    refused = run(commune, "upper", "key", "export", "--out", str(tmp_path / "x.vxk"))
    assert refused.code == 2 and "chỉ dùng ở cấp trên" in refused.stderr
    refused = run(upper, "sync", "recipient", "set", str(path))
    assert refused.code == 2 and "chỉ dùng ở xã" in refused.stderr


def _key_document(upper: DataDir, tmp_path: Path) -> dict:
    path = tmp_path / "goc.vxk"
    assert run(upper, "upper", "key", "export", "--out", str(path)).code == 0
    return json.loads(path.read_text(encoding="utf-8"))


def _low_order(document: dict) -> dict:
    zero = bytes(32)
    return dict(document, public_key=zero.hex(), fingerprint=signing.fingerprint(zero))


def _other_key(document: dict) -> dict:
    raw = bytearray(bytes.fromhex(document["public_key"]))
    raw[0] ^= 1
    return dict(document, public_key=bytes(raw).hex())


KEY_FILE_CASES = {
    "not JSON": (lambda d: b"\xff\xfe not json", "không phải tệp khóa mã hóa của cấp trên"),
    "a signed package instead": (lambda d: build_zip({"manifest.json": b"{}"}), "không phải tệp khóa"),
    "another format": (lambda d: dict(d, format="vonxoay-ack"), "không phải tệp khóa"),
    "newer format version": (lambda d: dict(d, format_version=2), "định dạng mới hơn"),
    "key missing": (lambda d: {k: v for k, v in d.items() if k != "public_key"}, "không phải tệp khóa"),
    "key not hex": (lambda d: dict(d, public_key="z" * 64), "không phải tệp khóa"),
    "key too short": (lambda d: dict(d, public_key=d["public_key"][:62]), "không phải tệp khóa"),
    "key changed": (lambda d: _other_key(d), "đã bị sửa: vân tay ghi trong tệp"),
    "fingerprint changed": (lambda d: dict(d, fingerprint="0000-0000-0000-0000"), "đã bị sửa"),
    "key of small order": (_low_order, "khóa không dùng được để mã hóa"),
    "unit code not a code": (lambda d: dict(d, unit={"code": "../..", "name": "X"}), "không phải tệp khóa"),
    "another upper level": (lambda d: dict(d, unit={"code": "291", "name": "Huyện Khác"}),
                            "là của Huyện Khác (mã 291), không phải cấp trên của xã này"),
    "too large": (lambda d: dict(d, padding="x" * 20000), "quá lớn"),
}


@pytest.mark.parametrize("case", list(KEY_FILE_CASES))
def test_a_bad_key_file_is_refused_and_nothing_changes(tmp_path, case):
    commune = make_commune(tmp_path, seed=14, households=5, projects=1)
    upper = make_upper(tmp_path)
    change, expected = KEY_FILE_CASES[case]
    changed = change(_key_document(upper, tmp_path))
    path = tmp_path / "khoa.vxk"
    path.write_bytes(changed if isinstance(changed, bytes) else json.dumps(changed, ensure_ascii=False).encode())
    before = books_digest(commune.database)
    result = run(commune, "sync", "recipient", "set", str(path))
    assert result.code == 2 and expected in result.stderr, result.stderr
    assert books_digest(commune.database) == before
    assert run(commune, "--json", "sync", "recipient", "show").json["fingerprint"] is None


def test_a_missing_key_file_is_refused(tmp_path):
    commune = make_commune(tmp_path, seed=15, households=5, projects=1)
    result = run(commune, "sync", "recipient", "set", str(tmp_path / "khong-co.vxk"))
    assert result.code == 2 and "Không tìm thấy tệp khóa" in result.stderr


def test_export_without_a_recipient_is_refused_and_writes_nothing(tmp_path):
    commune = make_commune(tmp_path, seed=16, households=5, projects=1)
    before = books_digest(commune.database)
    out = tmp_path / "usb"
    result = run(commune, "--json", "sync", "export", "--out", str(out))
    assert result.code == 2 and result.stdout == ""
    for words in ("Chưa có khóa mã hóa của cấp trên", "upper key export", "sync recipient set", "--unencrypted"):
        assert words in result.stderr
    assert books_digest(commune.database) == before
    assert not out.exists() and not commune.exports.exists()
    with Books.open(commune) as books:
        assert books.conn.execute("SELECT count(*) FROM sync_export").fetchone()[0] == 0
    assert not list(commune.root.glob(".vonxoay-export-*"))


def test_export_to_a_recipient_no_longer_the_communes_upper_level_is_refused(tmp_path):
    commune = make_commune(tmp_path, seed=17, households=5, projects=1)
    load_recipient(commune, make_upper(tmp_path))
    assert run(commune, "settings", "--set", "upper_code", "291", "--set", "upper_name", "Huyện Mới").code == 0
    before = books_digest(commune.database)
    result = run(commune, "sync", "export", "--out", str(tmp_path / "out"))
    assert result.code == 2 and "không phải cấp trên hiện nay của xã" in result.stderr
    assert books_digest(commune.database) == before


def test_a_failed_encryption_leaves_no_plain_copy(tmp_path, monkeypatch):
    commune = make_commune(tmp_path, seed=18, households=5, projects=1)
    load_recipient(commune, make_upper(tmp_path))

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(envelope, "seal", full_disk)
    before = books_digest(commune.database)
    result = run(commune, "sync", "export", "--out", str(tmp_path / "out"))
    assert result.code == 2 and "Dữ liệu của xã không đổi" in result.stderr
    assert books_digest(commune.database) == before
    assert not list(commune.root.glob(".vonxoay-export-*")) and not list((tmp_path / "out").iterdir())


def test_the_zip_inside_is_exactly_the_signed_package(setting, tmp_path):
    """Sign-then-encrypt: the plain zip inside has the commune's signature over its manifest."""
    root, commune, upper, _, _ = setting
    path = Path(run(commune, "--json", "sync", "export", "--out", str(tmp_path)).json["path"])
    with Books.open(upper) as books, envelope.unsealed(path, envelope.Unsealer.of(books), 1 << 30) as plain:
        with zipfile.ZipFile(plain) as archive:
            manifest, signature = archive.read(fmt.MANIFEST), archive.read(fmt.SIGNATURE)
    with Books.open(commune) as books:
        signing.public_key_from_hex(signing.public_key_hex(books.conn)).verify(signature, manifest)
