"""A corpus of packages validly signed by the commune's own key whose content is wrong in meaning: each broken
invariant of ``check``, absurd money and counts, impossible and absurd dates, damaged policies, sequence numbers
out of range. Each is refused with its reason, the upper store is left byte-for-byte as it was, and in a batch
between two good packages of two communes both good ones are imported."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, timedelta

import pytest

from desktop import clock, signing
from desktop.books import Books
from desktop.fund import plan_schedule
from desktop.money import MAX_AMOUNT
from desktop.paths import DataDir
from desktop.policy import FundPolicy
from desktop.sync import format as fmt
from tests.sync_helpers import (
    AS_OF,
    build_zip,
    copy_upper,
    export,
    make_commune,
    make_upper,
    run,
    store_state,
    zip_entries,
)

# Every test here runs on both engines of the upper store (PostgreSQL when a test server is given).
pytestmark = pytest.mark.usefixtures("upper_engine")

ABSURD = 4 * 10**18  # fits SQLite's integers, overflows any sum of a few of them


@pytest.fixture(scope="module")
def setting(tmp_path_factory):
    """An upper level that registered commune A (its package 1); A's next package (good, seq 2) and its key;
    a good package of commune B, never seen."""
    root = tmp_path_factory.mktemp("meaning")
    commune_a = make_commune(root, "10507", seed=7, households=40)
    commune_b = make_commune(root, "10508", seed=8, households=30)
    upper = make_upper(root)
    first = export(commune_a, root / "out-a")
    assert run(upper, "upper", "import", str(first)).code == 0
    good_a = export(commune_a, root / "out-a")
    good_b = export(commune_b, root / "out-b")
    with Books.open(commune_a) as books:
        key = signing.load_private_key(books.conn)
    return root, upper, good_a, good_b, key


class Parts:
    """A package's parts as rows of dicts, to change and sign again."""

    def __init__(self, entries: dict[str, bytes]):
        self.headers: dict[str, list[str]] = {}
        self.rows: dict[str, list[dict]] = {}
        for table in fmt.PARTS:
            lines = [json.loads(line) for line in entries[fmt.part_path(table)].decode().splitlines()]
            self.headers[table] = lines[0]
            self.rows[table] = [dict(zip(lines[0], row, strict=True)) for row in lines[1:]]

    def __getitem__(self, table: str) -> list[dict]:
        return self.rows[table]

    def one(self, table: str, **match) -> dict:
        return next(r for r in self.rows[table] if all(r[k] == v for k, v in match.items()))

    def add(self, table: str, **values) -> dict:
        row = {column: None for column in self.headers[table]}
        if "id" in row:
            row["id"] = max((r["id"] for r in self.rows[table]), default=0) + 1
        if "uuid" in row:
            row["uuid"] = str(uuid.uuid4())
        row.update(values)
        self.rows[table].append(row)
        return row

    def encode(self, table: str) -> bytes:
        header = self.headers[table]
        return b"".join(fmt.encode_line(line) for line in [header, *([r[c] for c in header] for r in self[table])])


def resign(good, key, parts_change=None, manifest_change=None) -> bytes:
    """``good`` with its rows or manifest changed, numbered 3 and signed again with the commune's own key:
    the container, the hashes and the signature are all valid; only the meaning is wrong."""
    entries = zip_entries(good)
    manifest = json.loads(entries[fmt.MANIFEST])
    manifest["seq"] = 3
    if parts_change:
        parts = Parts(entries)
        parts_change(parts)
        for part in manifest["parts"]:
            data = parts.encode(part["table"])
            entries[part["path"]] = data
            part.update(rows=len(parts[part["table"]]), bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    if manifest_change:
        manifest_change(manifest)
    entries[fmt.MANIFEST] = json.dumps(manifest, ensure_ascii=False).encode()
    entries[fmt.SIGNATURE] = key.sign(entries[fmt.MANIFEST])
    return build_zip(entries)


def _set(table, column, value, **match):
    def change(parts):
        row = parts.one(table, **match) if match else parts[table][0]
        row[column] = value
    return change


def _day(text: str, days: int) -> str:
    return (date.fromisoformat(text) + timedelta(days=days)).isoformat()


# -- each invariant of check, broken on its own ------------------------------------------------------

def _schedule_off(parts):
    parts["installment"][0]["amount"] += 1000


def _receipt_above_allocations(parts):
    parts["receipt"][0]["amount"] += 1000


def _allocation_above_installment(parts):
    """Receipt and allocation agree with each other, but pay more than the installment asked."""
    allocation = parts["allocation"][0]
    installment = parts.one("installment", id=allocation["installment_id"])
    extra = installment["amount"] - allocation["amount"] + 1000
    allocation["amount"] += extra
    parts.one("receipt", id=allocation["receipt_id"])["amount"] += extra


def _pays_another_household(parts):
    """A receipt paying an installment of another household: the allocation points at someone else's
    unpaid installment, large enough that nothing else is broken."""
    allocation = parts["allocation"][0]
    receipt = parts.one("receipt", id=allocation["receipt_id"])
    paid = {a["installment_id"] for a in parts["allocation"]}
    own = {m["id"] for m in parts["membership"] if m["household_id"] == receipt["household_id"]}
    other = next(i for i in parts["installment"] if i["membership_id"] not in own and i["id"] not in paid
                 and i["amount"] >= allocation["amount"])
    allocation["installment_id"] = other["id"]


def _receipt_number_gap(parts):
    last = max(parts["receipt"], key=lambda r: r["number"])
    last["number"] += 5


def _receipt_before_support(parts):
    """The support recorded the day after a receipt that repays it."""
    receipt = parts["receipt"][0]
    membership = next(m for m in parts["membership"] if m["household_id"] == receipt["household_id"]
                      and m["project_id"] == receipt["project_id"])
    membership["supported_on"] = _day(receipt["issued_on"], 1)


def _fund_draw_off(parts):
    parts["fund_draw"][0]["amount"] -= 1000


def _receipts_out_of_order(parts):
    """The earlier-numbered receipt of a book dated after the next one."""
    ordered = sorted(parts["receipt"], key=lambda r: (r["book"], r["year"], r["number"]))
    first, second = next((a, b) for a, b in zip(ordered, ordered[1:], strict=False)
                         if (a["book"], a["year"]) == (b["book"], b["year"])
                         and _day(b["issued_on"], 1)[:4] == str(a["year"]))
    first["issued_on"] = _day(second["issued_on"], 1)


def _voided_before_issued(parts):
    receipt = parts["receipt"][0]
    receipt.update(voided_at="2026-06-01T08:00:00+00:00", voided_by="kiểm thử", void_reason="ghi nhầm",
                   voided_on=_day(receipt["issued_on"], -1))


def _fund_overdrawn(parts):
    project = parts["project"][0]
    parts.add("fund_transfer", project_id=project["id"], kind="public_works", amount=10**12,
              decided_on="2026-06-01", decision="99/QĐ-UBND", note="", created_at="2026-06-01T08:00:00+00:00",
              created_by="kiểm thử")


def _budget_exceeded(parts):
    project = parts.one("project", id=parts["membership"][0]["project_id"])
    project["budget_central"], project["budget_local"] = 1000, 0


def _cap_exceeded(parts):
    project = parts.one("project", id=parts["membership"][0]["project_id"])
    policy = json.loads(project["policy_json"])
    policy["cap_per_project"] = 1000
    project["policy_json"] = json.dumps(policy, ensure_ascii=False)


def _ineligible_support(parts):
    membership = next(m for m in parts["membership"] if m["source"] == "central")
    for row in parts["household_category"]:
        if row["household_id"] == membership["household_id"]:
            row["category"] = "non_poor"


def _duplicate_support(parts):
    """A second round-1 support of one household in one project (from its own money, so no budget line
    or schedule is broken by it)."""
    original = next(m for m in parts["membership"] if m["round"] == 1)
    twice = {k: v for k, v in original.items() if k not in ("id", "uuid")}
    on = date.fromisoformat(_day(original["supported_on"], 1))
    policy = FundPolicy.from_json(parts.one("project", id=original["project_id"])["policy_json"])
    schedule = plan_schedule(1000, on, policy, original["category_at_entry"])  # as support add plans it
    twice.update(source="other", support_amount=1000, counterpart=0, to_return=sum(i.amount for i in schedule),
                 supported_on=on.isoformat())
    added = parts.add("membership", **twice)
    for installment in schedule:
        parts.add("installment", membership_id=added["id"], seq=installment.seq,
                  due_on=installment.due_on.isoformat(), amount=installment.amount)


# -- values out of range -----------------------------------------------------------------------------

def _add_transfer(**values):
    def change(parts):
        row = dict(project_id=parts["project"][0]["id"], kind="public_works", amount=1000, decided_on="2026-06-01",
                   decision="99/QĐ-UBND", note="", created_at="2026-06-01T08:00:00+00:00", created_by="kiểm thử")
        row.update(values)
        parts.add("fund_transfer", **row)
    return change


def _add_lock(**values):
    def change(parts):
        row = dict(action="lock", locked_to="2026-03-31", reason="", at="2026-04-02T08:00:00+00:00",
                   actor="kiểm thử")
        row.update(values)
        parts.add("period_lock", **row)
    return change


def _totals_overflow(parts):
    """Each budget within bounds, their total not."""
    for project in parts["project"]:
        project["budget_local"] = MAX_AMOUNT


def _policy_edit(edit):
    def change(parts):
        project = parts["project"][0]
        policy = json.loads(project["policy_json"])
        project["policy_json"] = json.dumps(edit(policy), ensure_ascii=False)
    return change


def _without(key):
    def edit(policy):
        del policy[key]
        return policy
    return edit


def _huge_ids(parts):
    """Row ids above 2^53, consistently referenced: no JSON reader holds them exactly."""
    big = 2**60
    for row in parts["hamlet"]:
        row["id"] += big
    for row in parts["household"]:
        row["hamlet_id"] += big


def _last_receipt_after_as_of(parts):
    """The latest receipt dated the day after the package's as_of (its book and year unchanged)."""
    last = max(parts["receipt"], key=lambda r: (r["issued_on"], r["number"]))
    last["issued_on"] = _day(AS_OF.isoformat(), 1)


def _installment_before_support(parts):
    paid = {a["installment_id"] for a in parts["allocation"]}
    installment = next(i for i in parts["installment"] if i["id"] not in paid)
    membership = parts.one("membership", id=installment["membership_id"])
    installment["due_on"] = _day(membership["supported_on"], -1)


def _voided_support_still_paid(parts):
    """The support a valid receipt pays into, voided from its own date while the receipt stands."""
    receipt = next(r for r in parts["receipt"] if r["voided_at"] is None)
    membership = next(m for m in parts["membership"] if m["household_id"] == receipt["household_id"]
                      and m["project_id"] == receipt["project_id"])
    membership.update(voided_on=membership["supported_on"], voided_at="2026-06-01T08:00:00+00:00",
                      voided_by="kiểm thử", void_reason="ghi nhầm")


def _draw_from_another_project(parts):
    """A re-lend drawing on the returned money of a support of another project."""
    draw = parts["fund_draw"][0]
    borrower = parts.one("membership", id=draw["membership_id"])
    draw["source_membership_id"] = next(m["id"] for m in parts["membership"]
                                        if m["project_id"] != borrower["project_id"] and m["source"] != "fund")


def _schedule_not_the_policy(parts):
    """An unpaid support's schedule made to add up to 2 000 đ instead of its policy's two thirds."""
    paid = {a["installment_id"] for a in parts["allocation"]}
    membership = next(m for m in parts["membership"] if m["to_return"] > 0 and not any(
        i["id"] in paid for i in parts["installment"] if i["membership_id"] == m["id"]))
    own = [i for i in parts["installment"] if i["membership_id"] == membership["id"]]
    for installment in own:
        installment["amount"] = 0
    own[0]["amount"] += 1000
    own[-1]["amount"] += 1000
    membership["to_return"] = 2000


def _commune_named(value):
    def change(manifest):
        manifest["commune"]["name"] = value
    return change


def _seq(value):
    return lambda manifest: manifest.update(seq=value)


CASES = {
    # Each invariant of the commune's own check, broken separately.
    "schedule does not add up": (_schedule_off, "khác số phải hoàn trả"),
    "receipt larger than its allocations": (_receipt_above_allocations, "phân bổ vào các kỳ"),
    "receipt larger than what was owed": (_allocation_above_installment, "vượt số phải trả"),
    "receipt pays another household's installment": (_pays_another_household, "kỳ trả của hộ hoặc dự án khác"),
    "gap in receipt numbers": (_receipt_number_gap, "số phiếu không liên tục"),
    "receipt before the support": (_receipt_before_support, "lập trước khi hộ nhận hỗ trợ"),
    "fund lineage does not add up": (_fund_draw_off, "nguồn vốn thu hồi ghi nhận"),
    "receipts out of date order": (_receipts_out_of_order, "phiếu thu phải ghi theo thứ tự ngày"),
    "receipt voided before it was issued": (_voided_before_issued, "ngày hủy không trước ngày lập phiếu"),
    "fund negative on a day": (_fund_overdrawn, "Quỹ luân chuyển của dự án"),
    "budget overrun": (_budget_exceeded, "được duyệt 1.000 đ ngân sách"),
    "cap per project exceeded": (_cap_exceeded, "vượt mức trần"),
    "non-poor household given state money": (_ineligible_support, "Khoản hỗ trợ ngày"),
    "round-1 support given twice": (_duplicate_support, "hơn một lần"),
    # Absurd money in each money table.
    "absurd support amount": (_set("membership", "support_amount", ABSURD), "cột support_amount là số tiền quá lớn"),
    "absurd counterpart": (_set("membership", "counterpart", MAX_AMOUNT + 1), "cột counterpart là số tiền quá lớn"),
    "absurd to_return": (_set("membership", "to_return", ABSURD), "cột to_return là số tiền quá lớn"),
    "absurd budget": (_set("project", "budget_central", ABSURD), "phần “project”, dòng 2: cột budget_central"),
    "negative budget": (_set("project", "budget_other", -1), "cột budget_other là số âm"),
    "absurd installment": (_set("installment", "amount", ABSURD), "phần “installment”, dòng 2: cột amount"),
    "absurd receipt": (_set("receipt", "amount", ABSURD), "phần “receipt”, dòng 2: cột amount là số tiền quá lớn"),
    "receipt beyond 64 bits": (_set("receipt", "amount", 2**64), "cột amount là số tiền quá lớn"),
    "absurd allocation": (_set("allocation", "amount", ABSURD), "phần “allocation”, dòng 2: cột amount"),
    "zero allocation": (_set("allocation", "amount", 0), "cột amount bằng 0"),
    "absurd fund draw": (_set("fund_draw", "amount", ABSURD), "phần “fund_draw”, dòng 2: cột amount"),
    "absurd fund transfer": (_add_transfer(amount=ABSURD), "phần “fund_transfer”, dòng 2: cột amount"),
    "totals beyond any commune": (_totals_overflow, "tổng cột budget_local"),
    # Counts and numbers.
    "negative household members": (_set("household", "members", -3), "cột members (số nhân khẩu) là -3"),
    "absurd round": (_set("membership", "round", 10**6), "cột round (vòng hỗ trợ)"),
    "installment number zero": (_set("installment", "seq", 0), "cột seq (số thứ tự kỳ trả) là 0"),
    "absurd receipt number": (_set("receipt", "number", 10**12), "cột number (số phiếu)"),
    "row ids beyond 2^53": (_huge_ids, "phần “hamlet”, dòng 2: cột id có mã số dòng"),
    # Impossible and absurd dates in each dated table.
    "30 February support": (_set("membership", "supported_on", "2025-02-30"), "cột supported_on có ngày không có thật"),
    "31 February installment": (_set("installment", "due_on", "2026-02-31"), "cột due_on có ngày không có thật"),
    "31 April receipt": (lambda parts: parts["receipt"][0].update(issued_on=f"{parts['receipt'][0]['year']}-04-31"),
                         "cột issued_on"),
    "category from 1800": (_set("household_category", "effective_on", "1800-01-01"), "cột effective_on"),
    "decision in 2300": (_set("project", "decision_date", "2300-01-01"), "cột decision_date"),
    "30 February transfer": (_add_transfer(decided_on="2026-02-30"), "cột decided_on"),
    "30 February lock": (_add_lock(locked_to="2026-02-30"), "cột locked_to"),
    "unreadable creation time": (_set("hamlet", "created_at", "hôm qua"), "cột created_at có thời điểm không đọc được"),
    "impossible audit time": (_set("audit_log", "at", "2026-02-30T10:00:00+00:00"), "cột at có thời điểm"),
    "manifest as of 30 February": (lambda m: m.update(as_of="2026-02-30"), "as_of (ngày số liệu không có thật"),
    "manifest locked to 31 June": (lambda m: m.update(locked_to="2026-06-31"), "locked_to (ngày khóa sổ không"),
    "manifest made at no time": (lambda m: m.update(created_at="yesterday"), "created_at (thời điểm lập gói"),
    # Policies through the same strict parser.
    "policy missing a key": (_policy_edit(_without("cap_per_project")), "Thiếu khóa “cap_per_project”"),
    "policy with an unknown key": (_policy_edit(lambda p: {**p, "bonus_bp": 5}), "bonus_bp"),
    "policy not a table": (_policy_edit(lambda p: [p]), "không phải một bảng các khóa"),
    "policy with a negative unit": (_policy_edit(lambda p: {**p, "rounding_unit": -1000}), "rounding_unit"),
    # Sequence numbers out of range.
    "seq 0": (_seq(0), "seq (số thứ tự gói"),
    "seq negative": (_seq(-5), "seq (số thứ tự gói"),
    "seq beyond JSON integers": (_seq(2**53 + 1), "seq (số thứ tự gói"),
    "seq 2^63": (_seq(2**63), "seq (số thứ tự gói"),
    "seq 2^64": (_seq(2**64), "seq (số thứ tự gói"),
    "seq a float": (_seq(3.0), "seq (số thứ tự gói"),
    "seq a string": (_seq("3"), "seq (số thứ tự gói"),
    "seq beyond a million": (_seq(1_000_001), "seq (số thứ tự gói phải là số nguyên từ 1 đến 1.000.000"),
    # Nothing dated after the package's as_of, nor in the future of the upper level's own clock.
    "receipt after as_of": (_last_receipt_after_as_of, "cột issued_on ngày 01/07/2026, sau ngày số liệu của gói"),
    "category after as_of": (_set("household_category", "effective_on", "2026-07-01"),
                             "phần “household_category”, dòng 2: cột effective_on ngày 01/07/2026, sau ngày số liệu"),
    "audit after as_of": (_set("audit_log", "at", "2026-07-01T08:00:00+00:00"),
                          "phần “audit_log”, dòng 2: cột at ngày 01/07/2026, sau ngày số liệu"),
    "manifest as of 2000": (lambda m: m.update(as_of="2000-01-01"), "sau ngày số liệu của gói (01/01/2000)"),
    "manifest as of 2100": (lambda m: m.update(as_of="2100-12-31"),
                            "ngày số liệu (as_of) 31/12/2100 ở tương lai so với hôm nay"),
    "manifest made in 2100": (lambda m: m.update(created_at="2100-12-31T00:00:00+00:00"),
                              "ngày lập gói (created_at) 31/12/2100 ở tương lai"),
    # Invariants of the commune's own books.
    "installment due before its support": (_installment_before_support, "trước cả ngày nhận hỗ trợ"),
    "voided support still paid": (_voided_support_still_paid, "vẫn còn hiệu lực vào ngày đó"),
    "re-lend from another project": (_draw_from_another_project, "chỉ cho vay lại trong dự án đó"),
    "schedule not the policy's": (_schedule_not_the_policy, "sổ ghi phải hoàn trả 2.000 đ trong"),
    # Names and ID numbers as the commune's own program reads them.
    "head name of 10 000 characters": (_set("household", "head_name", "A" * 10_000),
                                       "cột head_name “AAAA"),
    "head name with NUL": (_set("household", "head_name", "Nguyễn\x00Văn A"), "ký tự điều khiển (U+0000)"),
    "head name reversed": (_set("household", "head_name", "Nguyễn \u202eA nĂV"), "đảo chiều văn bản (U+202E)"),
    "hamlet name isolated": (_set("hamlet", "name", "Thôn \u2067Đông"), "cột name “Thôn"),
    "commune name with NUL in the settings": (
        lambda parts: parts.one("settings", key="commune_name").update(value="Xã\x00"),
        "cột value (commune_name)"),
    "manifest commune name reversed": (_commune_named("Xã \u202e\x00X"), "commune.name (tên có ký tự đảo chiều"),
    "manifest commune name of 300 characters": (_commune_named("X" * 300), "commune.name (tên dài 300 ký tự"),
    "ID number of no province": (_set("household", "id_number", "999176495185"), "mã tỉnh “999”"),
}
MANIFEST_CASES = {name for name in CASES if name.startswith(("manifest", "seq"))}


def _hostile(setting, case, folder):
    root, upper, good_a, good_b, key = setting
    change, _ = CASES[case]
    path = folder / f"{case.replace(' ', '-').replace('/', '-')}.vxp"
    if case in MANIFEST_CASES:
        path.write_bytes(resign(good_a, key, manifest_change=change))
    else:
        path.write_bytes(resign(good_a, key, parts_change=change))
    return path


# Rules the commune's program enforces only since schema 6: books written before may hold them for good
# (nothing is ever rewritten), so such a package is imported and the import lists them for follow-up.
LEGACY = ["receipts out of date order", "fund negative on a day", "budget overrun", "cap per project exceeded",
          "non-poor household given state money", "round-1 support given twice"]
REFUSED = [case for case in CASES if case not in LEGACY]


def test_the_corpus_has_enough_kinds():
    assert len(REFUSED) >= 25


@pytest.mark.parametrize("case", LEGACY)
def test_rules_earlier_versions_let_through_are_imported_and_listed(setting, case, tmp_path):
    root, upper, *_ = setting
    hostile = _hostile(setting, case, tmp_path)
    store = DataDir(tmp_path / "store")
    copy_upper(upper, store)
    result = run(store, "--json", "upper", "import", str(hostile))
    assert result.code == 0, result.stderr
    [imported] = result.json["results"]
    assert imported["status"] == "imported"
    assert any(CASES[case][1] in notice for notice in imported["notices"]), imported["notices"]
    assert "Lưu ý (sổ của xã)" in run(store, "upper", "import", "--dry-run", str(hostile)).stdout


@pytest.mark.parametrize("case", REFUSED)
def test_hostile_meaning_is_refused_and_the_store_is_unchanged(setting, case, tmp_path):
    root, upper, *_ = setting
    expected = CASES[case][1]
    hostile = _hostile(setting, case, tmp_path)
    before = store_state(upper)
    result = run(upper, "--json", "upper", "import", str(hostile))
    assert result.code == 2, result.stdout
    [refused] = result.json["results"]
    assert refused["status"] == "rejected" and refused["package"] == hostile.name
    assert expected in refused["reason"], refused["reason"]
    assert result.stderr == f"Lỗi: {refused['reason']}\n"
    assert store_state(upper) == before


@pytest.mark.parametrize("case", REFUSED)
def test_hostile_meaning_in_a_batch_leaves_the_good_packages_imported(setting, case, tmp_path):
    root, upper, good_a, good_b, key = setting
    hostile = _hostile(setting, case, tmp_path)
    store = DataDir(tmp_path / "store")
    copy_upper(upper, store)
    result = run(store, "--json", "upper", "import", str(good_a), str(hostile), str(good_b))
    assert result.code == 2
    assert [r["status"] for r in result.json["results"]] == ["imported", "rejected", "imported"]
    assert CASES[case][1] in result.json["results"][1]["reason"]
    listed = {c["code"]: c["last_seq"] for c in run(store, "--json", "upper", "communes").json["communes"]}
    assert listed == {"10507": 2, "10508": 1}
    log = [json.loads(line) for line in (store.logs / "upper-import.log").read_text().splitlines()]
    assert [entry["status"] for entry in log[-3:]] == ["imported", "rejected", "imported"]


def test_the_corpus_is_built_from_a_package_that_imports(setting, tmp_path):
    """Re-signed unchanged (and numbered 3), the base of every case is accepted: each refusal above is the
    change's doing."""
    root, upper, good_a, good_b, key = setting
    plain = tmp_path / "plain.vxp"
    plain.write_bytes(resign(good_a, key, parts_change=lambda parts: None))
    result = run(upper, "--json", "upper", "import", "--dry-run", str(plain))
    assert result.code == 0, result.stderr
    assert result.json["results"][0]["status"] == "imported" and result.json["results"][0]["seq"] == 3


def test_many_problems_are_counted_in_one_reason(setting, tmp_path):
    root, upper, good_a, good_b, key = setting

    def change(parts):
        _schedule_off(parts)
        _receipt_above_allocations(parts)
        _receipt_number_gap(parts)
    hostile = tmp_path / "many.vxp"
    hostile.write_bytes(resign(good_a, key, parts_change=change))
    result = run(upper, "--json", "upper", "import", str(hostile))
    reason = result.json["results"][0]["reason"]
    assert reason.startswith(f"Gói {hostile.name} không hợp lệ về nội dung: Lịch trả của hộ")
    assert reason.endswith(" đ (và 2 vấn đề khác).")


def test_an_unforeseen_error_refuses_that_package_only(setting, tmp_path, monkeypatch):
    """Whatever escapes the checks (an OverflowError, a KeyError …) refuses its package with a reason in
    Vietnamese, logs the traceback, and the batch goes on."""
    from desktop.sync import upper as upper_module

    root, upper, good_a, good_b, key = setting
    store = DataDir(tmp_path / "store")
    copy_upper(upper, store)
    broken = tmp_path / "broken.vxp"
    broken.write_bytes(good_a.read_bytes())
    real = upper_module.verify_package

    def verify(path, limits, **options):
        if path.name == broken.name:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return real(path, limits, **options)
    monkeypatch.setattr(upper_module, "verify_package", verify)
    result = run(store, "--json", "upper", "import", str(broken), str(good_b))
    assert result.code == 2
    first, second = result.json["results"]
    assert first["status"] == "rejected" and second["status"] == "imported"
    assert first["reason"] == f"Gói {broken.name} không đọc được: có một số quá lớn để xử lý."
    assert result.stderr == f"Lỗi: {first['reason']}\n"
    entry = json.loads((store.logs / "upper-import.log").read_text().splitlines()[-2])
    assert first["unexpected"].startswith("OverflowError") and second["unexpected"] == ""
    assert entry["unexpected"].startswith("OverflowError") and "Traceback" in entry["traceback"]


def test_text_output_names_each_package_once(setting, tmp_path):
    root, upper, good_a, good_b, key = setting
    hostile = _hostile(setting, "seq 2^63", tmp_path)
    result = run(upper, "upper", "import", "--dry-run", str(hostile), str(good_b))
    assert result.code == 2
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all(line.count(".vxp") == 1 for line in lines), lines
    assert lines[0].startswith("(Chạy thử, không ghi gì) Bị từ chối: Gói ")
    assert result.stderr.count(".vxp") == 1
    assert result.stderr.startswith(f"Lỗi: Gói {hostile.name}: bản kê thiếu hoặc sai các mục: seq")
    both = run(upper, "upper", "import", "--dry-run", str(hostile), str(hostile))
    assert both.stderr.startswith("Lỗi: 2/2 gói bị từ chối: Gói ") and both.stderr.count("\n") == 1


def _deeply_nested(good, key, *, in_manifest: bool) -> bytes:
    """A row, or the manifest, holding an array nested 100 000 deep: JSON readers give up with a
    RecursionError, which must be a refusal like any other."""
    deep = b"[" * 100_000 + b"]" * 100_000
    entries = zip_entries(good)
    manifest = json.loads(entries[fmt.MANIFEST])
    manifest["seq"] = 3
    if not in_manifest:
        path = fmt.part_path("audit_log")
        data = entries[path] + deep + b"\n"
        entries[path] = data
        part = next(p for p in manifest["parts"] if p["table"] == "audit_log")
        part.update(rows=part["rows"] + 1, bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    text = json.dumps(manifest, ensure_ascii=False).encode()
    entries[fmt.MANIFEST] = b'{"deep": ' + deep + b", " + text[1:] if in_manifest else text
    entries[fmt.SIGNATURE] = key.sign(entries[fmt.MANIFEST])
    return build_zip(entries)


@pytest.mark.parametrize(("in_manifest", "expected"), [(False, "phần “audit_log”, dòng "),
                                                       (True, "manifest.json lồng nhau quá sâu")])
def test_deeply_nested_json_is_refused_with_its_place(setting, tmp_path, in_manifest, expected):
    root, upper, good_a, good_b, key = setting
    hostile = tmp_path / "deep.vxp"
    hostile.write_bytes(_deeply_nested(good_a, key, in_manifest=in_manifest))
    before = store_state(upper)
    result = run(upper, "--json", "upper", "import", "--dry-run", str(hostile), str(good_b))
    [refused, imported] = result.json["results"]
    assert refused["status"] == "rejected" and not refused["unexpected"]
    assert expected in refused["reason"] and "lồng nhau quá sâu" in refused["reason"]
    assert imported["status"] == "imported"
    assert store_state(upper) == before


def _raw(good, key, *, manifest_text=None, household=None) -> bytes:
    """``good`` numbered 3 with its manifest's text or the household part's bytes changed by hand, for what
    a JSON writer would never write (a key twice, half of a UTF-16 pair), signed again."""
    entries = zip_entries(good)
    manifest = json.loads(entries[fmt.MANIFEST])
    manifest["seq"] = 3
    if household:
        path = fmt.part_path("household")
        data = household(entries[path])
        entries[path] = data
        part = next(p for p in manifest["parts"] if p["table"] == "household")
        part.update(bytes=len(data), sha256=hashlib.sha256(data).hexdigest())
    text = json.dumps(manifest, ensure_ascii=False, indent=1)
    entries[fmt.MANIFEST] = (manifest_text(text) if manifest_text else text).encode()
    entries[fmt.SIGNATURE] = key.sign(entries[fmt.MANIFEST])
    return build_zip(entries)


def _first_code_as_lone_surrogate(data: bytes) -> bytes:
    header, first, rest = data.split(b"\n", 2)
    row = json.loads(first)
    return b"\n".join([header, first.replace(json.dumps(row[2]).encode(), b'"H\\ud800"', 1), rest])


@pytest.mark.parametrize(("change", "expected"), [
    (dict(manifest_text=lambda text: text.replace('"seq": 3,', '"seq": 3,\n "seq": 9,', 1)),
     "bản kê manifest.json ghi khóa “seq” hai lần"),
    (dict(household=_first_code_as_lone_surrogate),
     "phần “household”, dòng 2: có ký tự không hợp lệ (nửa cặp ký tự UTF-16, không phải văn bản)"),
], ids=["manifest key twice", "lone surrogate"])
def test_what_no_json_writer_writes_is_refused_in_vietnamese(setting, tmp_path, change, expected):
    root, upper, good_a, good_b, key = setting
    hostile = tmp_path / "raw.vxp"
    hostile.write_bytes(_raw(good_a, key, **change))
    before = store_state(upper)
    result = run(upper, "--json", "upper", "import", str(hostile))
    assert result.code == 2
    [refused] = result.json["results"]
    assert refused["status"] == "rejected" and not refused["unexpected"]
    assert expected in refused["reason"], refused["reason"]
    assert store_state(upper) == before


def test_a_name_that_looks_like_a_formula_is_a_name(setting, tmp_path):
    """“=1+1” is text like any other (exports escape it): a commune or a household may be called so."""
    root, upper, good_a, good_b, key = setting

    def parts_change(parts):
        parts["household"][0]["head_name"] = '=HYPERLINK("http://x","bam")'
        parts.one("settings", key="commune_name")["value"] = "=1+1"
    named = tmp_path / "formula.vxp"
    named.write_bytes(resign(good_a, key, parts_change=parts_change,
                             manifest_change=_commune_named("=1+1")))
    result = run(upper, "--json", "upper", "import", "--dry-run", str(named))
    assert result.code == 0, result.stderr
    assert result.json["results"][0]["status"] == "imported"


@pytest.mark.parametrize(("today", "accepted"), [(AS_OF - timedelta(days=2), True),
                                                 (AS_OF - timedelta(days=3), False)])
def test_a_commune_clock_two_days_ahead_is_forgiven(setting, tmp_path, today, accepted):
    """A package dated up to two days after the upper level's today is taken (a commune PC's clock a little
    ahead); three days is refused, asking to check the commune computer's date."""
    root, upper, good_a, good_b, key = setting
    ahead = tmp_path / "ahead.vxp"
    ahead.write_bytes(resign(good_a, key, manifest_change=lambda m: m.update(
        as_of=AS_OF.isoformat(), created_at=f"{AS_OF.isoformat()}T09:00:00+00:00")))
    with clock.frozen(today):
        result = run(upper, "--json", "upper", "import", "--dry-run", str(ahead))
    status = result.json["results"][0]
    if accepted:
        assert status["status"] == "imported", status["reason"]
    else:
        assert status["status"] == "rejected"
        assert status["reason"].endswith(f"ngày số liệu (as_of) 30/06/2026 ở tương lai so với hôm nay "
                                         f"{today:%d/%m/%Y} của máy này. Hãy kiểm tra ngày giờ trên máy tính của "
                                         "xã (và của máy này); sửa ngày giờ cho đúng rồi xin xã xuất lại gói.")
