"""Encrypted packages: the signed package sealed to the upper level's public key for the trip.

Packages carry citizen ID numbers and travel on USB sticks and through chat apps, so the commune encrypts
each one to its upper level. The construction, with nothing but the ``cryptography`` package the program
already uses for signatures (no new dependency, no external tool for the clerk to install):

- **Sign, then encrypt.** The signed zip is sealed whole. Once opened it is checked exactly as an unencrypted
  package, so its inner signature still proves which commune made it; the envelope itself proves nothing about
  the sender (anyone may encrypt to a public key). A package re-encrypted by a third party is therefore only
  accepted if its inner signature and hashes are intact, i.e. if it is the commune's own package unchanged.
- **X25519 ephemeral-static.** Every file gets a fresh key pair; its public half is in the header. The
  shared secret with the recipient's static key goes through HKDF-SHA256 (salt: ephemeral ‖ recipient public
  key) to one ChaCha20-Poly1305 key for this file only. ChaCha20-Poly1305 is constant-time in software on the
  office PCs without AES instructions, and a fresh key per file makes counter nonces safe.
- **Segments.** The plain package is cut into segments (1 MiB by default), each sealed on its own with the
  nonce ``counter (11 bytes) ‖ final flag (1 byte)`` — the STREAM construction age uses. Reading keeps one
  segment in memory; a segment moved, dropped, repeated or changed fails its tag, and cutting the file after
  any segment is seen because that segment was not sealed as the final one.
- **Header as associated data.** ``magic ‖ version ‖ cipher ‖ segment size ‖ ephemeral public key ‖
  SHA-256 of the recipient's public key`` is authenticated with every segment, so no field of it can change
  unnoticed. The recipient's hash lets the reader say "encrypted for another unit" before trying anything.

The upper level's X25519 key is derived (HKDF-SHA256 with its own label) from the unit's Ed25519 signing key,
which is already kept inside the database (table ``signing_key``) and never exported. Nothing new is stored:
a ``settings`` row would be printed by ``vonxoay-cli settings`` and a table of its own needs a schema step, while
a derived key is exactly as safe as the signing key, survives backup and restore with it, and is independent of
it cryptographically (HKDF output under a distinct label). The commune stores the upper level's *public* key
in the ``settings`` row ``sync_recipient``; it is public, so it may travel in the package's settings part.

docs/sync-format.md ("Encrypted packages") describes the layout for anyone writing another reader.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from desktop import audit, signing
from desktop.books import Books
from desktop.changes import Changes, Outcome
from desktop.domain import Mode
from desktop.errors import Refused, os_error_text
from desktop.money import format_vnd
from desktop.staging import WorkFolder, staging_root

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

# cryptography is imported inside the functions, as in desktop.signing: most commands never encrypt.

MAGIC = b"\x89VXE\r\n\x1a\n"  # PNG-style: a non-ASCII byte, then line endings a text-mode copy would mangle
VERSION = 1
CIPHER_CHACHA20_POLY1305 = 1
_HEADER = struct.Struct(">8sBBI32s32s")
HEADER_BYTES = _HEADER.size  # 78
TAG_BYTES = 16
SEGMENT_BYTES = 1024 * 1024
# A reader accepts segments from 1 KiB (tests use small ones to have many) to 4 MiB: memory stays bounded.
MIN_SEGMENT_BYTES = 1024
MAX_SEGMENT_BYTES = 4 * 1024 * 1024
_KDF_INFO = b"vonxoay sync envelope v1"
_DERIVE_INFO = b"vonxoay upper-level encryption key v1"

KEY_FILE_FORMAT = "vonxoay-recipient"
KEY_FILE_VERSION = 1
KEY_FILE_SUFFIX = ".vxk"
MAX_KEY_FILE_BYTES = 16 * 1024
RECIPIENT_SETTING = "sync_recipient"

_HEX64 = re.compile(r"^[0-9a-fA-F]{64}$")


def fingerprint_of_digest(digest: bytes) -> str:
    """The same 16-hex-digit form as ``signing.fingerprint``, from the key's SHA-256 already computed."""
    text = digest.hex()[:16].upper()
    return "-".join(text[i:i + 4] for i in range(0, 16, 4))


def is_sealed(path: Path) -> bool:
    """Whether the file starts like an encrypted package (an unencrypted one starts like a zip)."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


# -- the upper level's key -----------------------------------------------------------------------------

def upper_private_key(books: Books) -> X25519PrivateKey:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    if signing.public_key_hex(books.conn) is None:
        raise Refused("Dữ liệu cấp trên chưa có khóa của đơn vị; hãy khởi tạo lại bằng init --mode upper.")
    seed = signing.load_private_key(books.conn).private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    raw = HKDF(hashes.SHA256(), 32, salt=None, info=_DERIVE_INFO).derive(seed)
    return X25519PrivateKey.from_private_bytes(raw)


def _public_raw(key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def upper_fingerprint(books: Books) -> str:
    return signing.fingerprint(_public_raw(upper_private_key(books).public_key()))


@dataclass(frozen=True)
class KeyFileWritten(Outcome):
    path: Path
    fingerprint: str


def write_key_file(books: Books, out: Path) -> KeyFileWritten:
    """The upper level's public encryption key as a small JSON file for its communes."""
    if books.setting("mode") != Mode.UPPER.value:
        raise Refused("Chỉ đơn vị cấp trên (khởi tạo với --mode upper) mới có khóa nhận gói mã hóa.")
    public = _public_raw(upper_private_key(books).public_key())
    fingerprint = signing.fingerprint(public)
    document = {"format": KEY_FILE_FORMAT, "format_version": KEY_FILE_VERSION,
                "unit": {"code": books.setting("commune_code", ""), "name": books.setting("commune_name", "")},
                "algorithm": "X25519", "public_key": public.hex(), "fingerprint": fingerprint}
    out = Path(out)
    if out.is_dir():
        out = out / f"khoa-ma-hoa_{document['unit']['code']}{KEY_FILE_SUFFIX}"
    partial = out.with_name(f".{out.name}.part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        partial.replace(out)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise Refused(f"Không ghi được tệp khóa {out}: {os_error_text(exc)}.") from exc
    return KeyFileWritten(out, fingerprint)


# -- the commune's recipient ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Recipient:
    """The upper level a commune encrypts to, as its key file named it."""

    code: str
    name: str
    public_key: str  # 64 hex digits, the raw X25519 public key
    fingerprint: str

    @property
    def public_raw(self) -> bytes:
        return bytes.fromhex(self.public_key)


def read_key_file(path: Path) -> Recipient:
    """Read and check an upper level's key file; refuse anything that is not one, or was altered."""
    path = Path(path)
    if not path.is_file():
        raise Refused(f"Không tìm thấy tệp khóa {path}.")
    if path.stat().st_size > MAX_KEY_FILE_BYTES:
        raise Refused(f"Tệp {path.name} quá lớn, không phải tệp khóa của cấp trên.")
    not_one = (f"Tệp {path.name} không phải tệp khóa mã hóa của cấp trên (tệp {KEY_FILE_SUFFIX} do cấp trên xuất "
               "bằng “upper key export”).")
    try:
        document = json.loads(path.read_bytes().decode("utf-8"))
        if document["format"] != KEY_FILE_FORMAT:
            raise ValueError(document["format"])
        version, unit = document["format_version"], document["unit"]
        code, name = unit["code"], unit["name"]
        public_key, fingerprint = document["public_key"], document["fingerprint"]
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise Refused(not_one) from exc
    if type(version) is not int or version < 1:
        raise Refused(not_one)
    if version > KEY_FILE_VERSION:
        raise Refused(f"Tệp khóa {path.name} dùng định dạng mới hơn chương trình này; hãy cập nhật VốnXoay.")
    if not (isinstance(code, str) and re.fullmatch(r"\d{2,3}", code) and isinstance(name, str) and name.strip()
            and isinstance(fingerprint, str) and isinstance(public_key, str) and _HEX64.match(public_key)):
        raise Refused(not_one)
    public_key = public_key.lower()
    actual = signing.fingerprint(bytes.fromhex(public_key))
    if fingerprint != actual:
        raise Refused(f"Tệp khóa {path.name} đã bị sửa: vân tay ghi trong tệp ({fingerprint}) không khớp khóa "
                      f"trong tệp ({actual}). Hãy xin cấp trên tệp khóa khác.")
    if not _usable(bytes.fromhex(public_key)):
        raise Refused(f"Tệp khóa {path.name} chứa khóa không dùng được để mã hóa. Hãy xin cấp trên tệp khóa khác.")
    return Recipient(code, name.strip(), public_key, actual)


def _usable(public: bytes) -> bool:
    """A point of small order would give every package the same all-zero secret: refuse it up front."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

    try:
        X25519PrivateKey.generate().exchange(X25519PublicKey.from_public_bytes(public))
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class RecipientSet(Outcome):
    fingerprint: str
    name: str
    code: str
    replaced: str | None  # the fingerprint of the key it replaced

    changes: ClassVar[Changes] = Changes.SYNC


def set_recipient(books: Books, path: Path) -> RecipientSet:
    """Store the upper level's public key at the commune (once; again only if the upper level's key changes)."""
    if books.setting("mode") == Mode.UPPER.value:
        raise Refused("Đây là dữ liệu cấp trên: chỉ xã mới nạp tệp khóa của cấp trên.")
    recipient = read_key_file(path)
    upper, province = books.setting("upper_code", ""), books.setting("province_code", "")
    if recipient.code not in (upper, province):
        raise Refused(f"Tệp khóa {Path(path).name} là của {recipient.name} (mã {recipient.code}), không phải cấp "
                      f"trên của xã này ({books.setting('upper_name', '')}, mã {upper}, tỉnh {province}).")
    before = recipient_of(books)
    value = {"code": recipient.code, "name": recipient.name, "public_key": recipient.public_key,
             "fingerprint": recipient.fingerprint, "set_at": audit.now_iso()}
    with books.transaction() as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
                     "SET value = excluded.value", (RECIPIENT_SETTING, json.dumps(value, ensure_ascii=False)))
        audit.record(conn, books.actor, "settings", books.setting("commune_code", ""), "recipient",
                     None if before is None else {"fingerprint": before.fingerprint, "code": before.code},
                     {"fingerprint": recipient.fingerprint, "code": recipient.code, "name": recipient.name})
    return RecipientSet(recipient.fingerprint, recipient.name, recipient.code,
                        before.fingerprint if before else None)


def recipient_of(books: Books) -> Recipient | None:
    """The upper level this commune encrypts to, or None before its key file was loaded."""
    raw = books.setting(RECIPIENT_SETTING)
    if not raw:
        return None
    try:
        value = json.loads(raw)
        return Recipient(value["code"], value["name"], value["public_key"], value["fingerprint"])
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise Refused("Khóa mã hóa của cấp trên lưu trong dữ liệu bị hỏng; hãy nạp lại tệp khóa của cấp trên "
                      "(sync recipient set TỆP).") from exc


NO_RECIPIENT = ("Chưa có khóa mã hóa của cấp trên, nên chưa xuất được gói: gói chứa số CCCD của người dân nên phải "
                "được mã hóa trước khi chép ra USB hay gửi qua Zalo, thư điện tử. Hãy xin cấp trên tệp khóa "
                f"({KEY_FILE_SUFFIX}, cấp trên lập bằng “upper key export” hoặc nút “Xuất tệp khóa cho các xã…” ở "
                "trang Nhập gói), gọi điện đối chiếu vân tay, rồi nạp bằng “sync recipient set TỆP” hoặc nút "
                "“Nạp tệp khóa của cấp trên…” ở trang Đồng bộ. Chỉ khi thật cần gói không mã hóa mới dùng "
                "--unencrypted.")


def require_recipient(books: Books) -> Recipient:
    """The recipient to encrypt to, refused (with how to get one) when there is none or it is stale."""
    recipient = recipient_of(books)
    if recipient is None:
        raise Refused(NO_RECIPIENT)
    upper, province = books.setting("upper_code", ""), books.setting("province_code", "")
    if recipient.code not in (upper, province):
        raise Refused(f"Khóa mã hóa đã nạp là của {recipient.name} (mã {recipient.code}), không phải cấp trên hiện "
                      f"nay của xã ({books.setting('upper_name', '')}, mã {upper}). Hãy nạp tệp khóa của cấp trên "
                      "hiện nay.")
    return recipient


# -- sealing and opening -------------------------------------------------------------------------------

def _nonce(index: int, final: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if final else b"\x00")


def _file_key(shared: bytes, ephemeral: bytes, recipient: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(hashes.SHA256(), 32, salt=ephemeral + recipient, info=_KDF_INFO).derive(shared)


def seal(plain: Path, target: Path, recipient: Recipient, *, segment_bytes: int = SEGMENT_BYTES) -> None:
    """Encrypt the file ``plain`` to ``recipient`` into ``target``, one segment in memory at a time."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    if not MIN_SEGMENT_BYTES <= segment_bytes <= MAX_SEGMENT_BYTES:
        raise ValueError(segment_bytes)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _public_raw(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient.public_raw))
    header = _HEADER.pack(MAGIC, VERSION, CIPHER_CHACHA20_POLY1305, segment_bytes, ephemeral_public,
                          hashlib.sha256(recipient.public_raw).digest())
    cipher = ChaCha20Poly1305(_file_key(shared, ephemeral_public, recipient.public_raw))
    with Path(plain).open("rb") as source, Path(target).open("wb") as out:
        out.write(header)
        current, index = source.read(segment_bytes), 0
        while True:
            following = source.read(segment_bytes)
            final = not following  # a package whose size is a multiple of the segment ends on a full one
            out.write(cipher.encrypt(_nonce(index, final), current, header))
            if final:
                break
            current, index = following, index + 1
        out.flush()
        os.fsync(out.fileno())


@dataclass(frozen=True)
class Unsealer:
    """What opens packages at the upper level: its private key and the data folder that holds the plain copy
    while it is checked (never the system's temporary folder: the copy holds ID numbers)."""

    key: X25519PrivateKey
    workdir: Path

    @classmethod
    def of(cls, books: Books) -> Unsealer:
        return cls(upper_private_key(books), staging_root(books.data_dir))

    @property
    def fingerprint(self) -> str:
        return signing.fingerprint(_public_raw(self.key.public_key()))


@contextlib.contextmanager
def unsealed(path: Path, unsealer: Unsealer | None, max_bytes: int) -> Iterator[Path]:
    """Decrypt the package at ``path`` into a temporary file of the same name inside the data folder, yield
    that file's path, and remove it afterwards whatever happens."""
    path = Path(path)
    name = path.name
    if unsealer is None:
        raise Refused(f"Gói {name} đã được mã hóa; chỉ đơn vị cấp trên mà xã mã hóa gửi tới mới mở được.")
    size = path.stat().st_size
    if size > max_bytes:
        raise Refused(f"Tệp {name} quá lớn ({format_vnd(size)} byte) so với giới hạn của một gói đồng bộ.")
    try:
        # A folder of the staging area, locked while in use: a copy left by a killed import is removed at the
        # next start (desktop.staging).
        work = WorkFolder(unsealer.workdir)
    except OSError as exc:
        raise Refused(f"Không tạo được thư mục tạm trong {unsealer.workdir} để mở gói {name}: "
                      f"{os_error_text(exc)}.") from exc
    try:
        plain = work.path / name
        _open(path, plain, unsealer)
        yield plain
    finally:
        work.close()


def _open(path: Path, plain: Path, unsealer: Unsealer) -> None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
    from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

    name = path.name
    own_public = _public_raw(unsealer.key.public_key())
    with path.open("rb") as source:
        header = source.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES:
            raise Refused(f"Gói mã hóa {name} bị cắt cụt (thiếu phần đầu).")
        magic, version, cipher_id, segment_bytes, ephemeral, recipient_digest = _HEADER.unpack(header)
        if magic != MAGIC:
            raise Refused(f"Tệp {name} không phải gói đồng bộ VốnXoay được mã hóa.")
        if version > VERSION:
            raise Refused(f"Gói {name} được mã hóa theo phiên bản {version}, mới hơn phiên bản chương trình này hiểu "
                          f"({VERSION}). Hãy cập nhật VốnXoay rồi nhập lại.")
        if version < 1 or cipher_id != CIPHER_CHACHA20_POLY1305 \
                or not MIN_SEGMENT_BYTES <= segment_bytes <= MAX_SEGMENT_BYTES:
            raise Refused(f"Gói mã hóa {name} có phần đầu không hợp lệ (đã bị sửa hoặc hỏng).")
        if recipient_digest != hashlib.sha256(own_public).digest():
            raise Refused(f"Gói {name} được mã hóa cho đơn vị khác (vân tay {fingerprint_of_digest(recipient_digest)}"
                          f"), không phải cho đơn vị này (vân tay {signing.fingerprint(own_public)}). Xã cần nạp tệp "
                          "khóa của đơn vị này rồi xuất lại gói.")
        try:
            shared = unsealer.key.exchange(X25519PublicKey.from_public_bytes(ephemeral))
        except ValueError as exc:
            raise Refused(f"Gói mã hóa {name} có phần đầu không hợp lệ (đã bị sửa hoặc hỏng).") from exc
        cipher = ChaCha20Poly1305(_file_key(shared, ephemeral, own_public))
        sealed_bytes = segment_bytes + TAG_BYTES
        with plain.open("wb") as out:
            current, index = source.read(sealed_bytes), 0
            while True:
                following = source.read(sealed_bytes)
                final = not following
                try:
                    out.write(cipher.decrypt(_nonce(index, final), current, header))
                except InvalidTag as exc:
                    raise Refused(_why(cipher, current, index, final, header, name)) from exc
                if final:
                    return
                current, index = following, index + 1


def _why(cipher, sealed: bytes, index: int, final: bool, header: bytes, name: str) -> str:
    """Say what went wrong with segment ``index``: cut short, something appended, or changed."""
    from cryptography.exceptions import InvalidTag

    try:
        cipher.decrypt(_nonce(index, not final), sealed, header)
    except InvalidTag:
        if index == 0 and not sealed:
            return f"Gói mã hóa {name} bị cắt cụt (không còn dữ liệu sau phần đầu)."
        return (f"Gói mã hóa {name} đã bị sửa hoặc hỏng: đoạn thứ {index + 1} không qua kiểm tra xác thực (nội dung "
                "bị thay đổi, sai thứ tự, hoặc phần đầu bị sửa). Hãy nhờ xã gửi lại gói.")
    if final:
        return f"Gói mã hóa {name} bị cắt cụt sau đoạn thứ {index + 1} (tệp chưa chép hết). Hãy nhờ xã gửi lại gói."
    return f"Gói mã hóa {name} có dữ liệu lạ nối thêm sau đoạn cuối (đoạn thứ {index + 1}). Hãy nhờ xã gửi lại gói."
