"""Communes merged into another (the 2025 reform), as packages say and as the upper level records it.

A new commune that merged old communes' books (``books merge``) sends their rows under their own UUIDs, and its
package's manifest lists the old communes it absorbed (``merged_communes``). The upper level still holds the old
communes' last packages: once the new commune's package is imported, each old commune is recorded as merged into
it (``upper_merged_commune``, in the import's own transaction), its last snapshot is no longer counted by the
consolidated report nor searched for duplicates, and a later package of it is refused.

This module is the one place that knows the manifest key, its checks at the boundary, and the mapping in the
upper store.
"""

from __future__ import annotations

import re
import sqlite3

from desktop.dates import format_date
from desktop.errors import Refused
from desktop.money import format_vnd
from desktop.sync import soundness
from desktop.upper_store import UpperStore

MANIFEST_KEY = "merged_communes"
# A new commune is two or three old ones; the bound only keeps an absurd manifest from costing anything.
MAX_MERGED = 50
MAX_NAME = 200
_CODE = re.compile(r"^\d{5}$")
_FINGERPRINT = re.compile(r"^[0-9A-F]{4}(-[0-9A-F]{4}){3}$")


def manifest_entries(conn: sqlite3.Connection) -> list[dict]:
    """The commune's own merged communes, for its package's manifest (oldest merge first, then by code)."""
    return [{"code": code, "name": name, "key_fingerprint": fingerprint, "last_seq": last_seq, "merged_at": at}
            for code, name, fingerprint, last_seq, at in conn.execute(
                "SELECT commune_code, commune_name, fingerprint, last_sync_seq, merged_at FROM merged_commune "
                "ORDER BY merged_at, commune_code")]


def manifest_problems(manifest: dict) -> list[str]:
    """What is wrong with the manifest's ``merged_communes`` (absent is fine: the commune merged nothing)."""
    if MANIFEST_KEY not in manifest:
        return []
    entries = manifest[MANIFEST_KEY]
    if not isinstance(entries, list):
        return [f"{MANIFEST_KEY} (phải là danh sách các xã cũ đã gộp sổ)"]
    if len(entries) > MAX_MERGED:
        return [f"{MANIFEST_KEY} (ghi {len(entries)} xã cũ, quá {MAX_MERGED} xã: không phải một lần sáp nhập)"]
    own = manifest.get("commune", {}).get("code") if isinstance(manifest.get("commune"), dict) else None
    problems, seen = [], set()
    for index, entry in enumerate(entries, start=1):
        where = f"{MANIFEST_KEY} thứ {index}"
        if not isinstance(entry, dict):
            problems.append(f"{where} (không phải một mục mô tả xã cũ)")
            continue
        code = entry.get("code")
        if not (isinstance(code, str) and _CODE.match(code)):
            problems.append(f"{where}: code (mã xã cũ phải gồm 5 chữ số: {_shown(code)})")
        elif code == own:
            problems.append(f"{where}: code (xã {code} là chính xã gửi gói, không thể tự gộp vào mình)")
        elif code in seen:
            problems.append(f"{where}: code (xã {code} được ghi hai lần)")
        else:
            seen.add(code)
        name = entry.get("name")
        if not (isinstance(name, str) and name.strip() and len(name) <= MAX_NAME):
            problems.append(f"{where}: name (tên xã cũ trống hoặc dài quá {MAX_NAME} ký tự)")
        fingerprint = entry.get("key_fingerprint")
        if not (isinstance(fingerprint, str) and (fingerprint == "" or _FINGERPRINT.match(fingerprint))):
            problems.append(f"{where}: key_fingerprint (vân tay khóa phải có dạng 1A2B-3C4D-5E6F-7A8B: "
                            f"{_shown(fingerprint)})")
        last_seq = entry.get("last_seq")
        if not (type(last_seq) is int and 0 <= last_seq <= soundness.MAX_SEQ):
            problems.append(f"{where}: last_seq (số gói cuối của xã cũ phải là số nguyên từ 0 đến "
                            f"{format_vnd(soundness.MAX_SEQ)}: {_shown(last_seq)})")
        # Not compared with created_at: a commune's computer clock set back after the merge would make every
        # later package unreadable, with nothing the clerk could do about it.
        if soundness.real_moment(entry.get("merged_at")) is None:
            problems.append(f"{where}: merged_at (thời điểm gộp sổ không đọc được hoặc vô lý: "
                            f"{_shown(entry.get('merged_at'))})")
    return problems


def _shown(value: object) -> str:
    import json

    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:40] + "…"


# -- the upper level -----------------------------------------------------------------------------------------

_UNIT_WORDS = ("xã ", "phường ", "thị trấn ", "đặc khu ")


def unit(name: str, code: str) -> str:
    """"Xã Đức Chính (10507)": a commune's name says "Xã" or "Phường" itself, else "xã" is put before it."""
    named = name if name.lower().startswith(_UNIT_WORDS) else f"xã {name}"
    return f"{named} ({code})"


def mapping_of(store: UpperStore, code: str):
    """The row saying commune ``code`` was merged into another, with that commune's code and name, or None."""
    return store.execute(
        """SELECT m.code, m.name, m.merged_at, m.fingerprint, m.last_seq, c.code AS into_code, c.name AS into_name
           FROM upper_merged_commune m JOIN upper_commune c ON c.id = m.into_commune_id WHERE m.code = ?""",
        (code,)).fetchone()


def merged_day(at: str) -> str:
    return format_date(soundness.real_moment(at).date()) if soundness.real_moment(at) else at[:10]


def admit(store: UpperStore, manifest: dict, name: str) -> None:
    """Refuse, on the signed manifest alone, a package of a commune already merged into another, and a
    package listing an old commune in a way that contradicts what the upper level knows of it."""
    code, commune = manifest["commune"]["code"], manifest["commune"]["name"]
    gone = mapping_of(store, code)
    if gone is not None:
        raise Refused(f"Gói {name}: {unit(commune, code)} đã sáp nhập vào {unit(gone['into_name'], gone['into_code'])}"
                      f" từ {merged_day(gone['merged_at'])}; gói của xã cũ không nhập nữa. Số liệu của xã cũ nay "
                      f"nằm trong gói của {unit(gone['into_name'], gone['into_code'])}.")
    for entry in manifest.get(MANIFEST_KEY, []):
        old = unit(entry["name"], entry["code"])
        mapped = mapping_of(store, entry["code"])
        if mapped is not None and mapped["into_code"] != code:
            raise Refused(f"Gói {name} của {unit(commune, code)} ghi đã gộp sổ của {old}, nhưng xã đó đã sáp nhập "
                          f"vào {unit(mapped['into_name'], mapped['into_code'])} từ {merged_day(mapped['merged_at'])}. "
                          "Một xã cũ chỉ sáp nhập vào một xã mới: hãy gọi điện cho hai xã để kiểm tra.")
        known = store.execute("SELECT code, name, fingerprint FROM upper_commune WHERE code = ?",
                              (entry["code"],)).fetchone()
        if known is not None and known["fingerprint"] != entry["key_fingerprint"]:
            shown = entry["key_fingerprint"] or "không có"
            raise Refused(f"Gói {name} của {unit(commune, code)} ghi đã gộp sổ của {old} có khóa vân tay {shown}, "
                          f"nhưng đơn vị này biết {unit(known['name'], known['code'])} với khóa "
                          f"{known['fingerprint']}. Sổ được gộp có thể không phải sổ thật của xã cũ: hãy gọi điện "
                          "cho xã để kiểm tra trước khi nhập.")


def notices(store: UpperStore, manifest: dict) -> tuple[str, ...]:
    """What the operator should read about the old communes: each newly merged one, and an old commune of
    which the upper level holds a later package than the books that were merged (it kept writing after)."""
    said = []
    for entry in manifest.get(MANIFEST_KEY, []):
        old = unit(entry["name"], entry["code"])
        new = unit(manifest["commune"]["name"], manifest["commune"]["code"])
        if mapping_of(store, entry["code"]) is None:
            said.append(f"{new[0].upper()}{new[1:]} đã gộp sổ của {old} từ {merged_day(entry['merged_at'])}: từ nay "
                        "số liệu của xã cũ chỉ tính trong xã mới, gói của xã cũ không nhập nữa.")
        known = store.execute("SELECT last_seq FROM upper_commune WHERE code = ?", (entry["code"],)).fetchone()
        if known is not None and known["last_seq"] > entry["last_seq"]:
            said.append(f"Đơn vị này đã nhận gói số {known['last_seq']} của {old}, nhưng sổ được gộp chỉ đến gói "
                        f"số {entry['last_seq']}: xã cũ đã ghi thêm sau khi sổ được chép đi gộp. Hãy đối chiếu với "
                        "xã mới.")
    return tuple(said)


def record(store: UpperStore, manifest: dict, into_commune_id: int, now: str, actor: str) -> None:
    """Inside the import's transaction: each old commune the package lists, not recorded yet, is merged into
    the package's commune from now on."""
    for entry in manifest.get(MANIFEST_KEY, []):
        if mapping_of(store, entry["code"]) is not None:
            continue
        store.execute(
            """INSERT INTO upper_merged_commune (code, name, fingerprint, last_seq, merged_at, into_commune_id,
               recorded_seq, recorded_at, recorded_by) VALUES (?,?,?,?,?,?,?,?,?)""",
            (entry["code"], entry["name"], entry["key_fingerprint"], entry["last_seq"], entry["merged_at"],
             into_commune_id, manifest["seq"], now, actor))


def merged_ids(store: UpperStore) -> set[int]:
    """The store ids of communes merged into another: their snapshots are kept but no longer counted."""
    return {r[0] for r in store.execute(
        "SELECT c.id FROM upper_commune c JOIN upper_merged_commune m ON m.code = c.code")}


def merged_list(store: UpperStore) -> list[dict]:
    """Every old commune recorded as merged, with the commune it went into."""
    return [dict(r) for r in store.execute(
        """SELECT m.code, m.name, m.merged_at, c.code AS into_code, c.name AS into_name
           FROM upper_merged_commune m JOIN upper_commune c ON c.id = m.into_commune_id ORDER BY m.code""")]


# The SQL condition "this commune's snapshot still counts", for queries over ``upper_commune c``.
COUNTED = "NOT EXISTS (SELECT 1 FROM upper_merged_commune mm WHERE mm.code = c.code)"
