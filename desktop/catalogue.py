"""The programme catalogue as versioned data: shipped in resources/programmes.toml, or a newer file from the
upper level (TOML or JSON, same keys), taken into each database and kept there version by version.

A catalogue only adds or renames: a programme or component is never removed, and a project keeps the
programme and component codes (and the catalogue version) it was approved under, so a newer catalogue never
changes an existing project.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import tomllib
from datetime import date
from pathlib import Path

from desktop.errors import Refused
from desktop.nesting import deep_refusal, too_deep
from desktop.resources import resource_path

CATALOGUE_SETTING = "catalogue_version"
STRUCTURES = {"du_an": "Dự án / Tiểu dự án", "hop_phan": "Hợp phần / Nội dung thành phần"}
_PROGRAMME_KEYS = {"code", "name", "period", "decision", "structure", "valid_from", "valid_to", "components"}
_COMPONENT_KEYS = {"code", "name", "parent", "valid_from", "valid_to", "assumed"}
# Versions only grow and a file is taken only when newer than the one in force, so a version of 2^63 - 1
# would make every real catalogue after it "older". A ministry revises its list a few times a year:
# a million versions, and a thousand at one step, are far beyond any real sequence.
MAX_CATALOGUE_VERSION = 1_000_000
MAX_VERSION_STEP = 1_000


def shipped_catalogue() -> dict:
    with resource_path("programmes.toml").open("rb") as handle:
        return tomllib.load(handle)


def current_version(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (CATALOGUE_SETTING,)).fetchone()
    version = int(row[0]) if row is not None and str(row[0]).isdigit() else 0
    # A version past the bound was taken before there was one: damaged like a row that is not a number, it
    # counts as none, so the shipped catalogue is written again and a real one can follow.
    return version if version <= MAX_CATALOGUE_VERSION else 0


def catalogue_outdated(conn: sqlite3.Connection) -> bool:
    """Read-only test, so that opening the books takes no write lock when nothing is to be done."""
    # A version that is not a number (a damaged row) counts as outdated: the refresh writes it again.
    return current_version(conn) < shipped_catalogue()["version"]


def refresh_catalogue(conn: sqlite3.Connection, *, actor: str = "chương trình") -> bool:
    """Take the shipped catalogue when it is newer than what the books hold. Runs inside the caller's
    transaction. Returns whether it changed."""
    if not catalogue_outdated(conn):
        return False
    catalogue = validate_catalogue(shipped_catalogue(), "resources/programmes.toml")
    apply_catalogue(conn, catalogue, source="shipped", file_name="programmes.toml", actor=actor)
    return True


# ----------------------------------------------------------------------------------------------- reading


MAX_CATALOGUE_BYTES = 2 * 1024 * 1024  # the shipped one is about 10 KB


def read_catalogue_file(path: Path) -> tuple[dict, bytes]:
    """A catalogue file as the upper level sends it: TOML, or JSON with the same keys."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_CATALOGUE_BYTES:  # a catalogue is a few pages; read nothing of a huge file
            raise Refused(f"Tệp danh mục {path.name} quá lớn ({path.stat().st_size:,} byte, tối đa "
                          f"{MAX_CATALOGUE_BYTES:,} byte): không phải một danh mục chương trình.".replace(",", "."))
        raw = path.read_bytes()
    except OSError as exc:
        raise Refused(f"Không đọc được tệp danh mục {path}: {exc.strerror or exc}.") from exc
    expected = "Cần tệp TOML hoặc JSON có “version” và các mục [[programme]]."
    try:
        text = raw.decode("utf-8")
        if path.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            data = tomllib.loads(text)
    except ValueError as exc:  # not UTF-8, not JSON or TOML, or a whole number of thousands of digits
        message = str(exc) if len(str(exc)) <= 200 else str(exc)[:200] + "…"
        raise Refused(f"Tệp danh mục {path.name} không đọc được ({message}). {expected}") from exc
    except RecursionError:  # brackets nested thousands deep: the readers recurse once per level
        data = None
    if data is None or too_deep(data):
        raise Refused(f"{deep_refusal(f'Tệp danh mục {path.name}', text)} {expected}")
    if not isinstance(data, dict):
        raise Refused(f"Tệp danh mục {path.name} không có dạng bảng (version, programme).")
    return validate_catalogue(data, path.name), raw


def _date(value, where: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise Refused(f"{where}: ngày “{value}” không hợp lệ (dạng năm-tháng-ngày, ví dụ 2026-01-01).") from None


def _text(item: dict, key: str, where: str, *, required: bool = True) -> str:
    value = item.get(key, "")
    if not isinstance(value, str) or (required and not value.strip()):
        raise Refused(f"{where}: thiếu “{key}” (chữ, không để trống).")
    return value.strip()


def validate_catalogue(data: dict, name: str) -> dict:
    """The catalogue checked key by key, dates as ISO text; refuses naming the place that is wrong."""
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise Refused(f"Danh mục {name}: “version” phải là số nguyên dương (đang là {version!r}).")
    if version > MAX_CATALOGUE_VERSION:
        shown = str(version) if len(str(version)) <= 40 else str(version)[:40] + "…"
        raise Refused(f"Danh mục {name}: “version” {shown} vô lý, phải là số nguyên dương không quá "
                      f"{MAX_CATALOGUE_VERSION}: các danh mục đã ban hành không nhiều đến thế. Không có gì thay đổi; "
                      "hãy xin cấp trên tệp danh mục đúng.")
    unknown = set(data) - {"version", "programme", "note"}
    if unknown:
        raise Refused(f"Danh mục {name}: không biết mục {', '.join(sorted(unknown))}.")
    programmes = data.get("programme")
    if not isinstance(programmes, list) or not programmes:
        raise Refused(f"Danh mục {name}: chưa có chương trình nào ([[programme]]).")
    seen: set[str] = set()
    cleaned = []
    for index, programme in enumerate(programmes, 1):
        where = f"Danh mục {name}, chương trình thứ {index}"
        if not isinstance(programme, dict):
            raise Refused(f"{where}: không phải một bảng.")
        unknown = set(programme) - _PROGRAMME_KEYS
        if unknown:
            raise Refused(f"{where}: không biết mục {', '.join(sorted(unknown))}.")
        code = _text(programme, "code", where)
        where = f"Danh mục {name}, chương trình {code}"
        if code.upper() in seen:
            raise Refused(f"{where}: mã chương trình lặp lại.")
        seen.add(code.upper())
        structure = programme.get("structure")
        if structure not in STRUCTURES:
            raise Refused(f"{where}: “structure” phải là du_an hoặc hop_phan (đang là {structure!r}).")
        item = {"code": code, "name": _text(programme, "name", where), "period": _text(programme, "period", where),
                "decision": _text(programme, "decision", where, required=False), "structure": structure,
                "valid_from": _date(programme.get("valid_from"), where),
                "valid_to": _date(programme.get("valid_to"), where), "components": []}
        if item["valid_from"] and item["valid_to"] and item["valid_from"] > item["valid_to"]:
            raise Refused(f"{where}: valid_from {item['valid_from']} sau valid_to {item['valid_to']}.")
        codes: set[str] = set()
        for component in programme.get("components", []):
            if not isinstance(component, dict):
                raise Refused(f"{where}: một thành phần không phải một bảng.")
            unknown = set(component) - _COMPONENT_KEYS
            if unknown:
                raise Refused(f"{where}: thành phần có mục lạ {', '.join(sorted(unknown))}.")
            ccode = _text(component, "code", where)
            cwhere = f"{where}, thành phần “{ccode}”"
            if ccode in codes:
                raise Refused(f"{cwhere}: mã lặp lại.")
            parent = component.get("parent")
            if parent is not None and parent not in codes:
                raise Refused(f"{cwhere}: thành phần cha “{parent}” chưa được khai báo ở trước.")
            assumed = component.get("assumed", False)
            if not isinstance(assumed, bool):
                raise Refused(f"{cwhere}: “assumed” phải là true hoặc false.")
            codes.add(ccode)
            item["components"].append({
                "code": ccode, "name": _text(component, "name", cwhere), "parent": parent, "assumed": assumed,
                "valid_from": _date(component.get("valid_from"), cwhere),
                "valid_to": _date(component.get("valid_to"), cwhere)})
        cleaned.append(item)
    return {"version": version, "programme": cleaned}


# ----------------------------------------------------------------------------------------------- writing


def apply_catalogue(conn: sqlite3.Connection, catalogue: dict, *, source: str, file_name: str, actor: str,
                    at: str | None = None) -> None:
    """Add or rename programmes and components, record the version. Never removes: projects refer to them.
    Runs inside the caller's transaction; ``catalogue`` comes from ``validate_catalogue``."""
    from desktop import audit  # audit reads the clock; imported here to keep this module light at start-up

    version = catalogue["version"]
    at = at or audit.now_iso()
    for programme in catalogue["programme"]:
        conn.execute(
            """INSERT INTO programme (code, name, period, decision, structure, valid_from, valid_to, catalogue_version)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT (code) DO UPDATE SET name = excluded.name, period = excluded.period,
                   decision = excluded.decision, structure = excluded.structure, valid_from = excluded.valid_from,
                   valid_to = excluded.valid_to, catalogue_version = excluded.catalogue_version""",
            (programme["code"], programme["name"], programme["period"], programme["decision"],
             programme["structure"], programme["valid_from"], programme["valid_to"], version),
        )
        programme_id = conn.execute("SELECT id FROM programme WHERE code = ?", (programme["code"],)).fetchone()[0]
        for component in programme["components"]:
            conn.execute(
                """INSERT INTO programme_component (programme_id, code, name, parent_code, valid_from, valid_to,
                                                   assumed, catalogue_version)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT (programme_id, code) DO UPDATE SET name = excluded.name,
                       parent_code = excluded.parent_code, valid_from = excluded.valid_from,
                       valid_to = excluded.valid_to, assumed = excluded.assumed,
                       catalogue_version = excluded.catalogue_version""",
                (programme_id, component["code"], component["name"], component["parent"],
                 component["valid_from"], component["valid_to"], int(component["assumed"]), version),
            )
    body = json.dumps(catalogue, ensure_ascii=False, sort_keys=True)
    conn.execute(
        """INSERT INTO catalogue_version (version, source, file_name, sha256, body, recorded_at, recorded_by)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (version) DO NOTHING""",
        (version, source, file_name, hashlib.sha256(body.encode()).hexdigest(), body, at, actor),
    )
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (CATALOGUE_SETTING, str(version)),
    )


def check_version_step(version: int, previous: int, file_name: str) -> None:
    """A catalogue is taken only when newer than the one in force, and never by a leap: one version far
    ahead would make every real catalogue after it look old, so none could ever be imported again."""
    if version - previous > MAX_VERSION_STEP:
        raise Refused(f"Danh mục trong tệp {file_name} là phiên bản {version}, vượt phiên bản {previous} đang dùng "
                      f"tới {version - previous} bậc (quá {MAX_VERSION_STEP}). Nhận nó thì mọi danh mục thật "
                      "gửi sau đều bị coi là cũ; không có gì thay đổi. Hãy hỏi lại cấp trên số phiên bản đúng.")


def catalogue_versions(conn: sqlite3.Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(
        "SELECT version, source, file_name, sha256, recorded_at, recorded_by FROM catalogue_version ORDER BY version")]


def outside_validity(valid_from: str | None, valid_to: str | None, day: date) -> bool:
    """Whether ``day`` falls outside a programme's or component's validity (open ends always hold)."""
    text = day.isoformat()
    return bool((valid_from and text < valid_from) or (valid_to and text > valid_to))
