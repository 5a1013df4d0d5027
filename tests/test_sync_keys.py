"""Keys at the upper level: taken deliberately, never given back once retired, never shared between communes;
judged before any row of a package is read; the staging copy kept in the data folder and cleared after a kill.

The corpus: each hostile package is refused alone with its reason and the store byte-for-byte unchanged, then
again inside a batch whose other package is imported.
"""

from __future__ import annotations

import os
import secrets
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop import signing
from desktop.books import Books
from desktop.paths import DataDir
from desktop.sync import format as fmt
from desktop.sync import verify
from desktop.upper_store import upper_store
from tests.sync_helpers import (
    build_zip,
    copy_upper,
    export,
    make_commune,
    make_upper,
    resign,
    run,
    store_state,
    write_hostile,
    zip_entries,
)

# Every test here runs on both engines of the upper store (PostgreSQL when a test server is given).
pytestmark = pytest.mark.usefixtures("upper_engine")


@dataclass
class World:
    root: Path
    pristine: DataDir  # an upper level that imported A's package 2 and B's package 1
    a: list[Path]  # commune 10507, its old key: packages 1..3
    n: list[Path]  # commune 10507 re-installed, a new key: packages 1..2
    b: list[Path]  # commune 10508: packages 1..2
    c: Path  # commune 10509, whose computer was set up with a copy of 10507's key
    key_a: object
    key_n: object
    key_b: object
    fp_a: str
    fp_n: str
    fp_b: str


def _key(data_dir: DataDir):
    with Books.open(data_dir) as books:
        return signing.load_private_key(books.conn), signing.key_fingerprint(books.conn)


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    root = tmp_path_factory.mktemp("keys")
    small = dict(households=12, projects=1)
    a = make_commune(root, "10507", seed=41, **small)
    a_packages = [export(a, root / "out-a") for _ in range(3)]
    fresh = make_commune(root, "10507", seed=42, households=17, projects=1)
    n_packages = [export(fresh, root / "out-n") for _ in range(2)]
    b = make_commune(root, "10508", seed=43, **small)
    b_packages = [export(b, root / "out-b") for _ in range(2)]
    c = make_commune(root, "10509", seed=44, **small)
    with Books.open(a) as books:
        pem, public_hex = books.conn.execute("SELECT private_pem, public_hex FROM signing_key").fetchone()
    with Books.open(c) as books, books.transaction() as conn:
        conn.execute("UPDATE signing_key SET private_pem = ?, public_hex = ?", (pem, public_hex))
    c_package = export(c, root / "out-c")
    pristine = make_upper(root / "pristine")
    assert run(pristine, "upper", "import", str(a_packages[1]), str(b_packages[0])).code == 0
    (key_a, fp_a), (key_n, fp_n), (key_b, fp_b) = _key(a), _key(fresh), _key(b)
    return World(root, pristine, a_packages, n_packages, b_packages, c_package, key_a, key_n, key_b,
                 fp_a, fp_n, fp_b)


@pytest.fixture
def upper(world, tmp_path) -> DataDir:
    copy = DataDir(tmp_path / "upper")
    copy_upper(world.pristine, copy)
    return copy


def _accept(upper: DataDir, code: str, fingerprint: str) -> None:
    result = run(upper, "--json", "upper", "key", "accept", "--commune", code, "--fingerprint", fingerprint)
    assert result.code == 0, result.stderr
    assert result.json == {"commune_code": code, "fingerprint": signing_form(fingerprint)}


def signing_form(fingerprint: str) -> str:
    digits = fingerprint.replace(" ", "").replace("-", "").upper()
    return "-".join(digits[i:i + 4] for i in range(0, 16, 4))


def _import(upper: DataDir, *packages: Path) -> list[dict]:
    result = run(upper, "--json", "upper", "import", *map(str, packages))
    assert result.stdout, result.stderr
    return result.json["results"]


def _refused_alone(upper: DataDir, package: Path, reason: str):
    before = store_state(upper)
    result = run(upper, "--json", "upper", "import", str(package))
    assert result.code == 2, result.stdout
    assert reason in result.stderr + result.stdout, result.stderr
    assert store_state(upper) == before
    return result


def _write(path: Path, entries: dict[str, bytes]) -> Path:
    path.write_bytes(build_zip(entries))
    return path


def _stranger():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    return Ed25519PrivateKey.generate()


# -- the corpus: each returns (hostile package, reason, a good package of the same batch) ------------------

def _unknown_key(w: World, upper: DataDir, tmp: Path):
    return w.n[0], "khóa khác", w.b[1]


def _stranger_with_unreadable_rows(w: World, upper: DataDir, tmp: Path):
    """Signed by nobody we know, its rows garbage: the key is refused, the rows never read."""
    entries = zip_entries(w.a[2])
    entries[fmt.part_path("household")] = b"".join(b"\xff" + secrets.token_bytes(60).hex().encode() + b"\n"
                                                   for _ in range(1000))
    return _write(tmp / "stranger.vxp", resign(entries, _stranger())), "khóa khác", w.b[1]


def _retired_key_after_accept(w: World, upper: DataDir, tmp: Path):
    _accept(upper, "10507", w.fp_n)
    return w.a[2], "khóa đã thay", w.n[0]


def _replay_after_accept(w: World, upper: DataDir, tmp: Path):
    _accept(upper, "10507", w.fp_n)
    assert [r["status"] for r in _import(upper, w.n[0])] == ["imported"]
    return w.a[1], "khóa đã thay", w.n[1]  # the very package imported before the key changed


def _wrong_fingerprint_accepted(w: World, upper: DataDir, tmp: Path):
    _accept(upper, "10507", "0000-0000-0000-0001")  # misheard over the phone
    return w.n[0], "khóa khác", w.b[1]


def _key_of_a_for_new_commune(w: World, upper: DataDir, tmp: Path):
    return w.c, "khóa này đã đăng ký cho xã 10507", w.b[1]


def _key_of_a_for_known_commune_b(w: World, upper: DataDir, tmp: Path):
    forged = resign(zip_entries(w.b[1]), w.key_a)
    return _write(tmp / "b-by-a.vxp", forged), "khóa này đã đăng ký cho xã 10507", w.a[2]


def _retired_key_of_a_for_new_commune(w: World, upper: DataDir, tmp: Path):
    _accept(upper, "10507", w.fp_n)
    assert [r["status"] for r in _import(upper, w.n[0])] == ["imported"]
    return w.c, "khóa này đã đăng ký cho xã 10507", w.b[1]


def _accepted_key_of_a_for_new_commune(w: World, upper: DataDir, tmp: Path):
    _accept(upper, "10507", w.fp_n)  # accepted, its first package not yet here
    forged = resign(zip_entries(w.c), w.key_n)
    return _write(tmp / "c-by-n.vxp", forged), "khóa này đã đăng ký cho xã 10507", w.b[1]


def _manifest_names_another_key(w: World, upper: DataDir, tmp: Path):
    raw = bytes.fromhex(zip_entries(w.n[0])[fmt.MANIFEST].split(b'"public_key": "')[1][:64].decode())
    forged = resign(zip_entries(w.a[2]), w.key_a, public_hex=raw.hex())
    return _write(tmp / "names-n.vxp", forged), "chữ ký số không đúng", w.b[1]


def _signature_of_another_manifest(w: World, upper: DataDir, tmp: Path):
    entries = zip_entries(w.a[2])
    entries[fmt.SIGNATURE] = zip_entries(w.a[0])[fmt.SIGNATURE]
    return _write(tmp / "other-sig.vxp", entries), "chữ ký số không đúng", w.b[1]


def _truncated_signature(w: World, upper: DataDir, tmp: Path):
    entries = zip_entries(w.a[2])
    entries[fmt.SIGNATURE] = entries[fmt.SIGNATURE][:40]
    return _write(tmp / "short-sig.vxp", entries), "phải dài 64 byte", w.b[1]


def _overlong_signature(w: World, upper: DataDir, tmp: Path):
    entries = zip_entries(w.a[2])
    entries[fmt.SIGNATURE] = entries[fmt.SIGNATURE] * 2
    return _write(tmp / "long-sig.vxp", entries), "lớn hơn mức cho phép", w.b[1]


def _no_signature(w: World, upper: DataDir, tmp: Path):
    entries = {k: v for k, v in zip_entries(w.a[2]).items() if k != fmt.SIGNATURE}
    return _write(tmp / "no-sig.vxp", entries), "thiếu phần", w.b[1]


def _old_key_newer_sequence_after_accept(w: World, upper: DataDir, tmp: Path):
    """The old key, re-signing a package numbered far ahead, still cannot win."""
    _accept(upper, "10507", w.fp_n)
    forged = resign(zip_entries(w.a[2]), w.key_a, change=lambda m: m.update(seq=999))
    return _write(tmp / "old-999.vxp", forged), "khóa đã thay", w.n[0]


CORPUS = {
    "unknown key for a known commune": _unknown_key,
    "stranger's key, rows unreadable": _stranger_with_unreadable_rows,
    "retired key after accept": _retired_key_after_accept,
    "replay of an old package after accept": _replay_after_accept,
    "new key after accepting a wrong fingerprint": _wrong_fingerprint_accepted,
    "key of commune A for a new commune": _key_of_a_for_new_commune,
    "key of commune A for known commune B": _key_of_a_for_known_commune_b,
    "retired key of A for a new commune": _retired_key_of_a_for_new_commune,
    "key accepted for A used for a new commune": _accepted_key_of_a_for_new_commune,
    "manifest names another key than its signer": _manifest_names_another_key,
    "signature of another manifest": _signature_of_another_manifest,
    "truncated signature": _truncated_signature,
    "overlong signature": _overlong_signature,
    "no signature": _no_signature,
    "old key, sequence far ahead, after accept": _old_key_newer_sequence_after_accept,
}


@pytest.mark.parametrize("case", list(CORPUS))
def test_hostile_key_is_refused_and_the_rest_of_the_batch_imported(world, upper, tmp_path, case):
    hostile, reason, partner = CORPUS[case](world, upper, tmp_path)
    _refused_alone(upper, hostile, reason)
    results = _import(upper, hostile, partner)
    assert [r["status"] for r in results] == ["rejected", "imported"], results
    assert reason in results[0]["reason"]


# -- the messages and the order of a folder ----------------------------------------------------------------

def test_unknown_key_is_refused_with_its_fingerprint_and_the_command_to_run(world, upper):
    result = _refused_alone(upper, world.n[0], "khóa khác")
    assert world.fp_n in result.stderr and world.fp_a in result.stderr
    assert f"upper key accept --commune 10507 --fingerprint {world.fp_n}" in result.stderr
    [rejected, _] = _import(upper, world.n[0], world.b[1])
    assert rejected["key_changed"] is True
    assert (rejected["commune_code"], rejected["fingerprint"]) == ("10507", world.fp_n)


def test_an_unknown_key_is_refused_before_any_part_is_read(world, upper, monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("a part was read")

    monkeypatch.setattr(verify, "_load_part", never)
    monkeypatch.setattr(verify, "_Staging", never)
    _refused_alone(upper, world.n[0], "khóa khác")
    _refused_alone(upper, world.c, "khóa này đã đăng ký cho xã 10507")


def test_accepting_takes_the_next_package_of_the_new_key_and_its_sequence_restarts(world, upper):
    _accept(upper, "10507", world.fp_n)
    listed = {c["code"]: c for c in run(upper, "--json", "upper", "communes").json["communes"]}
    assert listed["10507"]["fingerprint"] == world.fp_n and listed["10507"]["key_waiting"]
    [result] = _import(upper, world.n[0])
    assert result["status"] == "imported" and result["new_key"] is True and result["seq"] == 1
    [again] = _import(upper, world.n[1])
    assert again["status"] == "imported" and again["seq"] == 2
    listed = {c["code"]: c for c in run(upper, "--json", "upper", "communes").json["communes"]}
    assert listed["10507"]["last_seq"] == 2 and listed["10507"]["households"] == 17
    assert listed["10507"]["keys"] == 2 and not listed["10507"]["key_waiting"]
    with Books.open(upper) as books:
        keys = upper_store(books).execute(
            "SELECT k.fingerprint, k.how, CASE WHEN k.public_hex != '' THEN 1 ELSE 0 END "
            "FROM upper_commune_key k JOIN upper_commune c "
            "ON c.id = k.commune_id WHERE c.code = '10507' ORDER BY k.id").fetchall()
    assert [tuple(k) for k in keys] == [(world.fp_a, "first", 1), (world.fp_n, "reregister", 1)]


@pytest.mark.parametrize("order", ["old then new", "new then old"])
def test_a_folder_with_old_and_new_key_packages_never_lets_the_old_win(world, upper, order):
    _accept(upper, "10507", world.fp_n)
    old, new = [world.a[2], world.a[1]], [world.n[0]]
    results = _import(upper, *(old + new if order == "old then new" else new + old))
    by_name = {r["package"]: r for r in results}
    assert by_name[world.n[0].name]["status"] == "imported"
    for package in old:
        assert by_name[package.name]["status"] == "rejected"
        assert "khóa đã thay" in by_name[package.name]["reason"]
    listed = {c["code"]: c for c in run(upper, "--json", "upper", "communes").json["communes"]}
    assert (listed["10507"]["fingerprint"], listed["10507"]["households"]) == (world.fp_n, 17)


def test_without_acceptance_a_folder_keeps_the_old_key_and_takes_nothing_new(world, upper):
    results = _import(upper, world.n[1], world.a[2])
    assert [r["status"] for r in results] == ["rejected", "imported"]
    assert results[0]["key_changed"] is True
    listed = {c["code"]: c for c in run(upper, "--json", "upper", "communes").json["communes"]}
    assert (listed["10507"]["fingerprint"], listed["10507"]["last_seq"]) == (world.fp_a, 3)


# -- accepting: each refusal leaves the store as it was ------------------------------------------------------

def _accept_refused(upper: DataDir, code: str, fingerprint: str, reason: str) -> None:
    before = store_state(upper)
    result = run(upper, "--json", "upper", "key", "accept", "--commune", code, "--fingerprint", fingerprint)
    assert result.code == 2, result.stdout
    assert reason in result.stderr, result.stderr
    assert store_state(upper) == before


def test_accept_refuses_an_unknown_commune(world, upper):
    _accept_refused(upper, "10599", world.fp_n, "chưa có")


def test_accept_refuses_a_malformed_fingerprint(world, upper):
    _accept_refused(upper, "10507", "12AB-34", "không đúng dạng")
    _accept_refused(upper, "10507", "ZZZZ-0000-0000-0000", "không đúng dạng")


def test_accept_refuses_the_key_of_another_commune(world, upper):
    _accept_refused(upper, "10507", world.fp_b, "khóa này đã đăng ký cho xã 10508")


def test_accept_refuses_the_current_and_an_already_accepted_key(world, upper):
    _accept_refused(upper, "10507", world.fp_a, "đã là khóa hiện hành")
    _accept(upper, "10507", world.fp_n.lower().replace("-", " "))  # as read out: spaces, small letters
    _accept_refused(upper, "10507", world.fp_n, "đang chờ gói")


def test_a_retired_key_is_never_accepted_again(world, upper):
    _accept(upper, "10507", world.fp_n)
    assert [r["status"] for r in _import(upper, world.n[0])] == ["imported"]
    _accept_refused(upper, "10507", world.fp_a, "khóa đã thay")


def test_a_misheard_acceptance_can_be_corrected_before_it_is_used(world, upper):
    _accept(upper, "10507", "0000-0000-0000-0001")
    _accept(upper, "10507", world.fp_n)
    assert [r["status"] for r in _import(upper, world.n[0])] == ["imported"]


def test_accept_is_an_upper_level_command(world, tmp_path):
    commune = DataDir(world.root / "xa-10508-43")
    result = run(commune, "upper", "key", "accept", "--commune", "10507", "--fingerprint", world.fp_n)
    assert result.code == 2 and "cấp trên" in result.stderr


def test_reregister_is_gone(world, upper):
    result = run(upper, "upper", "import", "--reregister", str(world.n[0]))
    assert result.code != 0


# -- staging: in the data folder, cleared after a kill -----------------------------------------------------------

def test_staging_lives_in_the_data_folder_and_is_removed_after_each_package(world, upper, monkeypatch):
    seen = []
    original = verify._Staging.__init__

    def spy(self, path, name):
        seen.append(Path(path))
        original(self, path, name)

    monkeypatch.setattr(verify._Staging, "__init__", spy)
    assert [r["status"] for r in _import(upper, world.a[2], world.b[1])] == ["imported", "imported"]
    assert len(seen) == 2
    for path in seen:
        assert path.is_relative_to(upper.root / "staging")
        assert not path.parent.exists()


def test_leftovers_of_a_killed_import_are_removed_at_the_next_start(world, upper):
    from desktop.staging import WorkFolder

    root = upper.root / "staging"
    killed = root / "3f2a9c"
    killed.mkdir(parents=True)
    (killed / "goi.sqlite").write_bytes(b"SQLite format 3\x00 ... 001099012345 Nguyen Van A")
    (root / "3f2a9c.in-use").write_bytes(b"")  # its lock, beside it, that nobody holds any more
    bare = root / "no-lock-file"  # an earlier version's folder, or one killed before its lock: old
    bare.mkdir()
    (bare / "goi.sqlite").write_bytes(b"x")
    an_hour_ago = time.time() - 3600
    os.utime(bare, (an_hour_ago, an_hour_ago))
    setting_up = root / "just-made"  # a check making its folder this very moment, its lock not yet visible
    setting_up.mkdir()
    busy = WorkFolder(root)  # another import still running: its folder must stay
    try:
        assert run(upper, "upper", "communes").code == 0
        assert not killed.exists() and not bare.exists() and not (root / "3f2a9c.in-use").exists()
        assert busy.path.exists() and setting_up.exists()
    finally:
        busy.close()
    assert not busy.path.exists() and not any(root.glob(f"{busy.path.name}*"))


def test_a_sweep_never_takes_the_folder_of_a_check_being_set_up(tmp_path):
    """The lock is held before the folder exists: a sweep at any moment in between leaves the folder alone."""
    from desktop.paths import DataDir
    from desktop.staging import WorkFolder, staging_root, sweep

    data = DataDir(tmp_path)
    folders = [WorkFolder(staging_root(data)) for _ in range(20)]
    try:
        assert sweep(data) == [] and all(f.path.is_dir() for f in folders)
    finally:
        for folder in folders:
            folder.close()
    assert sweep(data) == [] and not any(staging_root(data).iterdir())


# -- memory before trust -----------------------------------------------------------------------------------

def _peak_refusing(upper: DataDir, package: Path, reason: str) -> int:
    from desktop.sync.upper import import_packages

    with Books.open(upper) as books:
        tracemalloc.start()
        try:
            [result] = import_packages(books, [package], dry_run=True)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert result.status.value == "rejected" and reason in result.reason, result.reason
    return peak


def test_a_10_mb_hostile_package_is_refused_in_bounded_memory(world, upper, tmp_path):
    size = 10 * 1024 * 1024
    stranger = write_hostile(tmp_path / "stranger.vxp", world.a[2], _stranger(), 10)
    bad_row = write_hostile(tmp_path / "bad-row.vxp", world.a[2], world.key_a, 10)
    assert stranger.stat().st_size > size and bad_row.stat().st_size > size
    before = store_state(upper)
    stranger_peak = _peak_refusing(upper, stranger, "khóa khác")
    bad_row_peak = _peak_refusing(upper, bad_row, "cột id phải là số nguyên")
    assert stranger_peak < size // 4  # the manifest, and the file's hash read a megabyte at a time
    assert bad_row_peak < size // 2  # a few megabytes whatever the size: see the benchmark at 100 MB
    assert store_state(upper) == before


def test_rows_read_in_tiny_chunks_are_the_same_rows(world, tmp_path):
    """Lines cut anywhere by the chunks (even inside a multi-byte letter) are put back together exactly."""
    with verify.verify_package(world.a[2], staging_dir=tmp_path / "s") as whole:
        expected = whole.rows
    with verify.verify_package(world.a[2], fmt.Limits(chunk_bytes=7), staging_dir=tmp_path / "s") as tiny:
        assert tiny.rows == expected
    with pytest.raises(verify.Refused, match="dài hơn"):
        verify.verify_package(world.a[2], fmt.Limits(chunk_bytes=16, max_line_bytes=100),
                              staging_dir=tmp_path / "s")
    assert list((tmp_path / "s").iterdir()) == []


def test_a_changed_part_is_reported_as_changed_even_when_a_row_is_bad(world, upper, tmp_path):
    """Not re-signed: the part's hash no longer matches, and that is what is said, not its odd row."""
    entries = zip_entries(world.a[2])
    path = fmt.part_path("household")
    lines = entries[path].split(b"\n")
    lines[2] = b'["not an id"' + lines[2][lines[2].index(b","):]
    entries[path] = b"\n".join(lines)
    _refused_alone(upper, _write(tmp_path / "changed.vxp", entries), "không khớp mã băm")
