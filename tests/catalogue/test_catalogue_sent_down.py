"""The catalogue sent down: the upper level sets its programme catalogue, every acknowledgement it writes carries
it (signed as the acknowledgement is), and the commune takes it when it reads the acknowledgement — a newer
version through the same path as ``catalogue import``, an older or equal one noted and ignored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop import signing
from desktop.books import Books
from desktop.catalogue import shipped_catalogue
from desktop.sync.ack import _canonical
from tests.conftest import books_digest
from tests.sync_helpers import export, make_commune, make_upper, run, store_state

pytestmark = pytest.mark.usefixtures("upper_engine")


def ok(result):
    assert result.code == 0, result.stderr
    return result.json


def catalogue_file(folder: Path, version: int, *, name: str = "danh-muc.json") -> Path:
    """The shipped catalogue as a newer version, with one component the shipped one lacks."""
    data = shipped_catalogue()
    data["version"] = version
    programme = next(p for p in data["programme"] if p["code"] == "MTQG-2026")
    programme["components"].append({"code": "Hợp phần 9", "name": "Nội dung thử của cấp trên"})
    for item in data["programme"]:  # TOML dates as text, for JSON
        for key in ("valid_from", "valid_to"):
            if key in item:
                item[key] = str(item[key])
        for component in item.get("components", []):
            for key in ("valid_from", "valid_to"):
                if key in component:
                    component[key] = str(component[key])
    path = folder / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def pair(tmp_path):
    commune = make_commune(tmp_path, seed=71)
    upper = make_upper(tmp_path)
    ok(run(upper, "--json", "upper", "import", str(export(commune, tmp_path / "out"))))
    return commune, upper


def versions(data_dir) -> list[tuple]:
    shown = ok(run(data_dir, "--json", "catalogue", "show"))
    return [(v["version"], v["source"], v["file_name"]) for v in shown["versions"]]


def make_ack(upper, folder: Path) -> Path:
    made = ok(run(upper, "--json", "upper", "ack", "--commune", "10507", "--out", str(folder)))
    return Path(made["path"])


def test_the_catalogue_travels_down_with_the_acknowledgement(pair, tmp_path):
    commune, upper = pair
    shipped = shipped_catalogue()["version"]
    # Before any catalogue is set, an acknowledgement carries none and changes no catalogue.
    plain = make_ack(upper, tmp_path / "a0")
    assert "catalogue" not in json.loads(plain.read_text(encoding="utf-8"))["ack"]
    assert ok(run(commune, "--json", "sync", "ack", str(plain)))["catalogue"] is None

    set_ = ok(run(upper, "--json", "upper", "catalogue", "set", str(catalogue_file(tmp_path, shipped + 1))))
    assert (set_["version"], set_["previous"]) == (shipped + 1, shipped)
    ack = make_ack(upper, tmp_path / "a1")
    made = json.loads(ack.read_text(encoding="utf-8"))["ack"]
    assert made["catalogue"]["version"] == shipped + 1

    taken = run(commune, "--json", "sync", "ack", str(ack))
    assert taken.code == 0, taken.stderr
    assert taken.json["catalogue"]["imported"] and taken.json["catalogue"]["version"] == shipped + 1
    assert taken.json["seq"] == 1 and taken.json["acked_by"] == "Huyện Cẩm Giàng (290)"
    assert versions(commune)[-1] == (shipped + 1, "imported", ack.name)
    shown = ok(run(commune, "--json", "catalogue", "show"))
    merged = next(p for p in shown["programmes"] if p["code"] == "MTQG-2026")
    assert "Hợp phần 9" in {c["code"] for c in merged["components"]}
    with Books.open(commune) as books:  # the same audit row as ``catalogue import`` writes
        row = books.conn.execute("SELECT action, after FROM audit_log WHERE entity = 'catalogue' "
                                 "ORDER BY id DESC LIMIT 1").fetchone()
    assert row[0] == "import" and json.loads(row[1])["file"] == ack.name

    # The same acknowledgement again: an equal version is noted, not an error, and nothing changes.
    before = books_digest(commune.database)
    again = run(commune, "sync", "ack", str(ack))
    assert again.code == 0, again.stderr
    assert f"phiên bản {shipped + 1}, không mới hơn phiên bản {shipped + 1} đang dùng: bỏ qua" in again.stdout
    assert books_digest(commune.database) == before


def test_an_older_catalogue_in_the_acknowledgement_is_ignored_with_a_note(pair, tmp_path):
    commune, upper = pair
    shipped = shipped_catalogue()["version"]
    ok(run(upper, "--json", "upper", "catalogue", "set", str(catalogue_file(tmp_path, shipped + 1))))
    ack = make_ack(upper, tmp_path / "a1")
    ok(run(commune, "--json", "catalogue", "import", str(catalogue_file(tmp_path, shipped + 3, name="moi.json"))))
    result = ok(run(commune, "--json", "sync", "ack", str(ack)))
    assert result["catalogue"] == {
        "version": shipped + 1, "previous": shipped + 3, "imported": False,
        "note": f"Danh mục chương trình kèm theo là phiên bản {shipped + 1}, không mới hơn phiên bản {shipped + 3} "
                "đang dùng: bỏ qua, không có gì thay đổi."}
    # The acknowledgement itself is recorded all the same.
    assert ok(run(commune, "--json", "sync", "history"))["exports"][0]["acked_at"] == result["acked_at"]
    assert [v[0] for v in versions(commune)] == [shipped, shipped + 3]


def test_upper_catalogue_set_refuses_a_wrong_or_old_file_and_writes_nothing(pair, tmp_path):
    _, upper = pair
    shipped = shipped_catalogue()["version"]
    broken = tmp_path / "hong.json"
    broken.write_text(json.dumps({"version": shipped + 1, "programme": [{"code": "X"}]}), encoding="utf-8")
    old = catalogue_file(tmp_path, shipped, name="cu.json")
    for path, words in ((broken, "“structure” phải là du_an hoặc hop_phan"),
                        (old, f"không mới hơn phiên bản {shipped} đang dùng")):
        state = store_state(upper)
        result = run(upper, "upper", "catalogue", "set", str(path))
        assert result.code == 2 and words in result.stderr, result.stderr
        assert store_state(upper) == state


def _signed_by_upper(upper, ack: Path, change) -> Path:
    """The acknowledgement with its body changed and signed again by the upper level's own key: what the
    signature cannot catch, the commune's checks must."""
    document = json.loads(ack.read_text(encoding="utf-8"))
    change(document["ack"])
    with Books.open(upper) as books:
        key = signing.load_private_key(books.conn)
    document["signature"] = key.sign(_canonical(document["ack"])).hex()
    forged = ack.with_name("sua-" + ack.name)
    forged.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return forged


@pytest.mark.parametrize(("change", "words"), [
    (lambda body: body.__setitem__("catalogue", "MTQG"), "danh mục chương trình kèm theo không đúng dạng"),
    (lambda body: body["catalogue"].__setitem__("version", 0), "“version” phải là số nguyên dương"),
    (lambda body: body["catalogue"].__setitem__("version", 10**30), "vô lý"),
    # A leap far past the version in force would make every real catalogue after it look old.
    (lambda body: body["catalogue"].__setitem__("version", 5_000), "bậc (quá 1000)"),
    (lambda body: body["catalogue"]["programme"][0].__setitem__("structure", "x"), "“structure” phải là"),
])
def test_a_wrong_catalogue_in_a_signed_acknowledgement_refuses_it_whole(pair, tmp_path, change, words):
    commune, upper = pair
    ok(run(upper, "--json", "upper", "catalogue", "set",
           str(catalogue_file(tmp_path, shipped_catalogue()["version"] + 1))))
    forged = _signed_by_upper(upper, make_ack(upper, tmp_path / "a1"), change)
    before = books_digest(commune.database)
    result = run(commune, "sync", "ack", str(forged))
    assert result.code == 2 and words in result.stderr, result.stderr
    assert books_digest(commune.database) == before  # neither the catalogue nor the acknowledgement


def test_a_catalogue_changed_after_signing_is_refused(pair, tmp_path):
    commune, upper = pair
    ok(run(upper, "--json", "upper", "catalogue", "set",
           str(catalogue_file(tmp_path, shipped_catalogue()["version"] + 1))))
    ack = make_ack(upper, tmp_path / "a1")
    document = json.loads(ack.read_text(encoding="utf-8"))
    document["ack"]["catalogue"]["version"] += 5
    ack.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    before = books_digest(commune.database)
    result = run(commune, "sync", "ack", str(ack))
    assert result.code == 2 and "chữ ký không đúng" in result.stderr
    assert books_digest(commune.database) == before
