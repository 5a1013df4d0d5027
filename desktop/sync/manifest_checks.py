"""The first things a package must prove before a row is read: a manifest of the right shape and bounded
values, a signature by the key it names, and parts listed exactly as the format says — no part missing, none
extra, none placed elsewhere. Every failure is a Vietnamese refusal naming what is wrong."""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date, timedelta

from db.migrations import LATEST_VERSION
from db.migrations.v004_sync_upper import MIRRORED as FORMAT_1_PARTS
from desktop import clock, signing
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.sync import format as fmt
from desktop.sync import merged, soundness

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
# A commune sends a package or two a month: a million is centuries of them. A seq far beyond any real count
# would make every later package of the commune (numbered from its own books) look old and be refused forever.
MAX_SEQ = soundness.MAX_SEQ
# A commune PC's clock may be a day or two ahead (a wrong time zone, a battery gone flat and set by hand);
# beyond that, a package dated in the future was not made on the day it says.
CLOCK_SLACK = timedelta(days=2)


class _DuplicateKey(ValueError):
    pass


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    """JSON objects keep the last of two equal keys: a manifest with ``seq`` twice would be read one way
    here and another way by a different reader, so a key given twice anywhere refuses the manifest."""
    result: dict = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def parts_of(version: int) -> dict[str, list[tuple[str, str]]]:
    """The parts and columns a package of format ``version`` carries. Format 1 (programs before schema
    version 6) had no void dates, no voided supports and no lock history; its rows are read as format 2."""
    return FORMAT_1_PARTS if version == 1 else fmt.PARTS


def parse_manifest(data: bytes, name: str) -> dict:
    try:
        manifest = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:
        key = exc.args[0][:40].encode("utf-8", "replace").decode()
        raise Refused(f"Gói {name}: bản kê manifest.json ghi khóa “{key}” hai lần; một bản kê "
                      "hợp lệ không bao giờ có khóa lặp. Hãy xin xã xuất lại gói.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Refused(f"Gói {name}: bản kê manifest.json không phải JSON hợp lệ ({exc}).") from exc
    except RecursionError:
        raise Refused(f"Gói {name}: bản kê manifest.json lồng nhau quá sâu, không phải bản kê của gói.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != fmt.FORMAT_NAME:
        raise Refused(f"Tệp {name} không phải gói đồng bộ VốnXoay (bản kê không đúng định dạng).")
    version = manifest.get("format_version")
    if type(version) is not int or version < 1:
        raise Refused(f"Gói {name}: phiên bản định dạng không hợp lệ.")
    if version > fmt.FORMAT_VERSION:
        raise Refused(f"Gói {name} dùng định dạng phiên bản {version}, mới hơn phiên bản chương trình này hiểu "
                      f"({fmt.FORMAT_VERSION}). Hãy cập nhật VốnXoay rồi nhập lại.")
    schema = manifest.get("schema_version")
    if type(schema) is not int or schema < 1:
        raise Refused(f"Gói {name}: phiên bản lược đồ dữ liệu không hợp lệ.")
    if schema > LATEST_VERSION:
        raise Refused(f"Gói {name} được tạo từ dữ liệu lược đồ {schema}, mới hơn chương trình này "
                      f"({LATEST_VERSION}). Hãy cập nhật VốnXoay rồi nhập lại.")
    problems = []
    for unit, pattern in (("commune", r"\d{5}"), ("upper", r"\d{2,3}"), ("province", r"\d{2}")):
        value = manifest.get(unit)
        if not (isinstance(value, dict) and isinstance(value.get("code"), str)
                and re.fullmatch(pattern, value["code"]) and isinstance(value.get("name"), str)):
            problems.append(unit)
        elif why := soundness.name_problem(value["name"]):
            problems.append(f"{unit}.name (tên {why})")
    if not (soundness.in_json_range(manifest.get("seq")) and manifest["seq"] <= MAX_SEQ):
        problems.append(f"seq (số thứ tự gói phải là số nguyên từ 1 đến {format_vnd(MAX_SEQ)}: "
                        f"{_shown(manifest.get('seq'))})")
    if not isinstance(manifest.get("program_version"), str):
        problems.append("program_version")
    if soundness.real_moment(manifest.get("created_at")) is None:
        problems.append(f"created_at (thời điểm lập gói không đọc được: {_shown(manifest.get('created_at'))})")
    if soundness.real_day(manifest.get("as_of")) is None:
        problems.append(f"as_of (ngày số liệu không có thật hoặc vô lý: {_shown(manifest.get('as_of'))})")
    if not (isinstance(manifest.get("public_key"), str) and _HEX64.match(manifest["public_key"])):
        problems.append("public_key")
    if not isinstance(manifest.get("parts"), list):
        problems.append("parts")
    locked = manifest.get("locked_to")  # format 2: the lock in force on the package's date, or null
    if locked is not None and soundness.real_day(locked) is None:
        problems.append(f"locked_to (ngày khóa sổ không có thật hoặc vô lý: {_shown(locked)})")
    if not problems:
        problems += merged.manifest_problems(manifest)
    if problems:
        raise Refused(f"Gói {name}: bản kê thiếu hoặc sai các mục: {', '.join(problems)}.")
    _refuse_future(manifest, name)
    return manifest


def _refuse_future(manifest: dict, name: str) -> None:
    """A package is made on or before the day it is read: ``as_of`` and ``created_at`` (UTC) more than
    ``CLOCK_SLACK`` after this computer's today mean a wrong clock at one end, or a forged date. Taken as it
    is, a package from 2100 would make every real later package of the commune look older and be refused."""
    today = clock.today()
    latest = today + CLOCK_SLACK
    for field, label, day in (("as_of", "ngày số liệu", date.fromisoformat(manifest["as_of"])),
                              ("created_at", "ngày lập gói",
                               soundness.real_moment(manifest["created_at"]).date())):
        if day > latest:
            raise Refused(f"Gói {name}: {label} ({field}) {day:%d/%m/%Y} ở tương lai so với hôm nay "
                          f"{today:%d/%m/%Y} của máy này. Hãy kiểm tra ngày giờ trên máy tính của xã (và của máy "
                          "này); sửa ngày giờ cho đúng rồi xin xã xuất lại gói.")


def _shown(value: object) -> str:
    """A manifest value as the message quotes it, cut short: the manifest is not trusted to be small."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:40] + "…"


def check_signature(manifest: dict, manifest_bytes: bytes, signature: bytes, name: str) -> None:
    from cryptography.exceptions import InvalidSignature

    if len(signature) != 64:
        raise Refused(f"Gói {name}: chữ ký không hợp lệ (phải dài 64 byte).")
    try:
        signing.public_key_from_hex(manifest["public_key"]).verify(signature, manifest_bytes)
    except (InvalidSignature, ValueError) as exc:
        raise Refused(f"Gói {name}: chữ ký số không đúng — bản kê đã bị sửa hoặc không do khóa của xã "
                      f"{manifest['commune']['code']} ký.") from exc


def check_parts_listed(manifest: dict, infos: dict[str, zipfile.ZipInfo], name: str) -> None:
    parts = manifest["parts"]
    for part in parts:
        if not (isinstance(part, dict) and isinstance(part.get("table"), str) and isinstance(part.get("path"), str)
                and type(part.get("rows")) is int and type(part.get("bytes")) is int
                and isinstance(part.get("sha256"), str)):
            raise Refused(f"Gói {name}: bản kê có một phần mô tả không đúng định dạng.")
    listed = [part["table"] for part in parts]
    expected_parts = parts_of(manifest["format_version"])
    missing = [t for t in expected_parts if t not in listed]
    extra = [t for t in listed if t not in expected_parts]
    if missing:
        raise Refused(f"Gói {name} thiếu phần dữ liệu: {', '.join(missing)}.")
    if extra or len(listed) != len(set(listed)):
        raise Refused(f"Gói {name} có phần dữ liệu thừa hoặc lặp: {', '.join(extra) or 'lặp'}.")
    for part in parts:
        if part["path"] != fmt.part_path(part["table"]):
            raise Refused(f"Gói {name}: phần “{part['table']}” đặt sai chỗ ({part['path']}).")
    expected = {fmt.MANIFEST, fmt.SIGNATURE, *(fmt.part_path(t) for t in expected_parts)}
    absent = sorted(expected - set(infos))
    if absent:
        raise Refused(f"Gói {name} thiếu phần: {', '.join(absent)}.")
    surplus = sorted(set(infos) - expected)
    if surplus:
        raise Refused(f"Gói {name} có phần thừa không được kê khai: {', '.join(surplus)}.")
