"""Acknowledgements: a small signed file the upper level gives back for a commune's latest imported package,
which the commune imports to show "received by the upper level on <date>" against that package.

The acknowledgement names the package by its SHA-256, which only the commune (that made it) and whoever
received it know; the commune accepts it only for a package it exported itself.

It also carries, signed with the rest, the programme catalogue the upper level set (``upper catalogue set``):
the commune takes it through the same path as ``catalogue import`` when it is newer than its own, and notes
an older or equal one without refusing the acknowledgement.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from desktop import signing
from desktop.books import Books
from desktop.catalogue import MAX_CATALOGUE_VERSION, current_version, validate_catalogue
from desktop.domain import Mode
from desktop.errors import Refused
from desktop.services.catalogue_import import import_catalogue, take_catalogue
from desktop.sync.upper import require_upper
from desktop.upper_store import upper_store

ACK_FORMAT = "vonxoay-ack"
ACK_VERSION = 1
ACK_SUFFIX = ".vxa"
# A catalogue is a few kilobytes; the bound leaves it room to grow while keeping a stray big file out.
MAX_ACK_BYTES = 1024 * 1024


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
    catalogue = sent_catalogue(books)
    if catalogue is not None:  # an additive key: a reader that does not know it still verifies the signature
        body["catalogue"] = catalogue
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
    offered = _offered_catalogue(body, path.name)  # refused here, before anything is written
    newer = offered is not None and offered["version"] > current_version(books.conn)
    taken = None
    if newer or export["acked_at"] != received_at or export["acked_by"] != acked_by:
        with books.transaction() as conn:
            conn.execute("UPDATE sync_export SET acked_at = ?, acked_by = ? WHERE seq = ?",
                         (received_at, acked_by, seq))
            previous = current_version(conn)
            if offered is not None and offered["version"] > previous:
                taken = take_catalogue(conn, books.actor, offered, path.name,
                                       hashlib.sha256(_canonical(body["catalogue"])).hexdigest(), previous)
    result = {"seq": seq, "acked_at": received_at, "acked_by": acked_by, "file_name": export["file_name"],
              "catalogue": None}
    if taken is not None:
        result["catalogue"] = {"version": taken.version, "previous": taken.previous, "imported": True,
                               "note": f"Đã nhận danh mục chương trình phiên bản {taken.version} (trước: "
                                       f"{taken.previous}) kèm theo: {taken.programmes} chương trình, "
                                       f"{taken.components} thành phần."}
    elif offered is not None:
        in_use = current_version(books.conn)
        result["catalogue"] = {"version": offered["version"], "previous": in_use, "imported": False,
                               "note": f"Danh mục chương trình kèm theo là phiên bản {offered['version']}, không mới "
                                       f"hơn phiên bản {in_use} đang dùng: bỏ qua, không có gì thay đổi."}
    return result


def _offered_catalogue(body: dict, file_name: str) -> dict | None:
    """The catalogue the acknowledgement carries, checked as a catalogue file is; None when it carries none."""
    if "catalogue" not in body:
        return None
    if not isinstance(body["catalogue"], dict):
        raise Refused(f"Tệp xác nhận {file_name}: danh mục chương trình kèm theo không đúng dạng (cần một bảng có "
                      "version và programme). Hãy xin cấp trên lập lại tệp xác nhận.")
    catalogue = validate_catalogue(body["catalogue"], f"kèm tệp xác nhận {file_name}")
    if catalogue["version"] > MAX_CATALOGUE_VERSION:
        raise Refused(f"Danh mục kèm tệp xác nhận {file_name}: phiên bản {catalogue['version']} vô lý (quá "
                      f"{MAX_CATALOGUE_VERSION}). Hãy xin cấp trên lập lại tệp xác nhận.")
    return catalogue


def sent_catalogue(books: Books) -> dict | None:
    """The catalogue the upper level set for its communes (the newest it took in), as the ack carries it."""
    row = books.conn.execute("SELECT body FROM catalogue_version WHERE source = 'imported' "
                             "ORDER BY version DESC LIMIT 1").fetchone()
    return json.loads(row[0]) if row else None


def set_sent_catalogue(books: Books, path: Path):
    """``upper catalogue set FILE``: the upper level takes a newer catalogue (refused as ``catalogue import``
    refuses); every acknowledgement it writes from then on carries it down to the commune."""
    require_upper(books)
    return import_catalogue(books, path)
