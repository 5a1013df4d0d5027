"""Acknowledgements: a small signed file the upper level gives back for a commune's latest imported package,
which the commune imports to show "received by the upper level on <date>" against that package.

The acknowledgement names the package by its SHA-256, which only the commune (that made it) and whoever
received it know; the commune accepts it only for a package it exported itself.
"""

from __future__ import annotations

import json
from pathlib import Path

from desktop import signing
from desktop.books import Books
from desktop.domain import Mode
from desktop.errors import Refused
from desktop.sync.upper import require_upper
from desktop.upper_store import upper_store

ACK_FORMAT = "vonxoay-ack"
ACK_VERSION = 1
ACK_SUFFIX = ".vxa"
MAX_ACK_BYTES = 64 * 1024


def _canonical(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def make_ack(books: Books, commune_code: str, out_dir: Path | None = None) -> tuple[Path, dict]:
    """Write the acknowledgement of the latest package imported from ``commune_code``."""
    require_upper(books)
    row = upper_store(books).execute("SELECT * FROM upper_commune WHERE code = ?", (commune_code,)).fetchone()
    if row is None:
        raise Refused(f"Chưa nhập gói nào của xã có mã {commune_code}; không có gì để xác nhận.")
    body = {
        "format": ACK_FORMAT, "format_version": ACK_VERSION,
        "commune": {"code": row["code"], "name": row["name"]},
        "seq": row["last_seq"], "package_sha256": row["last_sha256"], "received_at": row["imported_at"],
        "upper": {"code": books.setting("commune_code", ""), "name": books.setting("commune_name", "")},
        "public_key": signing.public_key_hex(books.conn),
    }
    signature = signing.load_private_key(books.conn).sign(_canonical(body)).hex()
    out_dir = Path(out_dir) if out_dir else books.data_dir.exports
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{row['code']}_{row['last_seq']:06d}_xac-nhan{ACK_SUFFIX}"
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps({"ack": body, "signature": signature}, ensure_ascii=False, indent=1),
                       encoding="utf-8")
    partial.replace(path)
    return path, body


def accept_ack(books: Books, path: Path) -> dict:
    """Record at the commune that the upper level received one of its packages."""
    if books.setting("mode") == Mode.UPPER.value:
        raise Refused("Đây là dữ liệu cấp trên: chỉ xã mới nhận tệp xác nhận.")
    path = Path(path)
    if not path.is_file():
        raise Refused(f"Không tìm thấy tệp xác nhận {path}.")
    if path.stat().st_size > MAX_ACK_BYTES:
        raise Refused(f"Tệp {path.name} quá lớn, không phải tệp xác nhận của VốnXoay.")
    try:
        document = json.loads(path.read_bytes().decode("utf-8"))
        body, signature = document["ack"], bytes.fromhex(document["signature"])
        if body["format"] != ACK_FORMAT:
            raise ValueError(body["format"])
        seq, digest, commune = body["seq"], body["package_sha256"], body["commune"]["code"]
        upper, received_at = body["upper"], body["received_at"]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise Refused(f"Tệp {path.name} không phải tệp xác nhận của VốnXoay.") from exc
    if type(body.get("format_version")) is not int or body["format_version"] > ACK_VERSION:
        raise Refused(f"Tệp xác nhận {path.name} dùng định dạng mới hơn; hãy cập nhật VốnXoay.")
    from cryptography.exceptions import InvalidSignature

    try:
        signing.public_key_from_hex(body["public_key"]).verify(signature, _canonical(body))
    except (InvalidSignature, ValueError, TypeError) as exc:
        raise Refused(f"Tệp xác nhận {path.name} có chữ ký không đúng (đã bị sửa).") from exc
    own = books.setting("commune_code")
    if commune != own:
        raise Refused(f"Tệp xác nhận {path.name} là của xã có mã {commune}, không phải xã này ({own}).")
    export = books.conn.execute("SELECT * FROM sync_export WHERE seq = ?", (seq,)).fetchone()
    if export is None or export["sha256"] != digest:
        raise Refused(f"Tệp xác nhận {path.name} không khớp gói số {seq} mà xã đã xuất.")
    acked_by = f"{upper['name']} ({upper['code']})"
    if export["acked_at"] != received_at or export["acked_by"] != acked_by:
        with books.transaction() as conn:
            conn.execute("UPDATE sync_export SET acked_at = ?, acked_by = ? WHERE seq = ?",
                         (received_at, acked_by, seq))
    return {"seq": seq, "acked_at": received_at, "acked_by": acked_by, "file_name": export["file_name"]}
