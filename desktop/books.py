"""An open commune database: the connection, the data folder and the person acting.

Every service takes a ``Books`` first. Writes go through ``books.transaction()``: one user action, one
transaction, so a crash or a refusal half-way leaves nothing behind.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from db.connection import DAMAGE_ERRORS, is_damage, open_store, refusal_for, transaction
from desktop import clock
from desktop.catalogue import catalogue_outdated, refresh_catalogue
from desktop.damage import damaged_books, require_sound, still_sound
from desktop.errors import Refused
from desktop.paths import DataDir
from desktop.provinces import REFORM_2025, merged_unit
from desktop.staging import sweep as sweep_staging
from desktop.text import collate

# The settings that name people and units (and the receipt's accounts and wording): a document shows what
# they said on the document's own date, so a receipt or report reprinted after a change of chairman, or after
# the 2025 merger of provinces, still reads as it did when it was made.
DATED_SETTINGS = frozenset({
    "commune_name", "upper_code", "upper_name", "province_code", "province_name", "unit_budget_code",
    "signer_chairman", "signer_accountant", "signer_cashier", "signer_clerk",
    "receipt_debit_account", "receipt_credit_account", "receipt_reason_label",
})


def default_actor() -> str:
    try:
        return os.environ.get("VONXOAY_USER") or getpass.getuser()
    except (OSError, KeyError):
        return "không rõ"


@dataclass
class Books:
    conn: sqlite3.Connection
    data_dir: DataDir
    actor: str = field(default_factory=default_actor)
    # Other connections opened for these books (an upper level's PostgreSQL store): closed with them.
    _closing: list = field(default_factory=list, repr=False, compare=False)

    @classmethod
    def open(cls, data_dir: DataDir, *, create: bool = False, actor: str | None = None) -> Books:
        conn = open_store(data_dir.database, create=create, backups_dir=data_dir.backups, now=clock.now())
        conn.create_collation("vi", collate)  # ORDER BY name COLLATE vi: Vietnamese order (desktop.text)
        books = cls(conn, data_dir, actor or default_actor())
        try:
            if catalogue_outdated(conn):
                with books.transaction():
                    refresh_catalogue(conn)
        except DAMAGE_ERRORS as exc:  # the settings page itself may be damaged
            conn.close()
            if is_damage(exc):
                raise refusal_for(exc, data_dir.database) from exc
            raise
        except BaseException:
            conn.close()
            raise
        # A package check killed half-way leaves citizens' data in the data folder: gone at the next start.
        sweep_staging(data_dir)
        return books

    def close(self) -> None:
        for close in reversed(self._closing):
            close()
        self._closing.clear()
        self.conn.close()

    def on_close(self, close) -> None:
        self._closing.append(close)

    def __enter__(self) -> Books:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One user action, all or nothing; refused before anything is written if the file is damaged."""
        database, backups = self.data_dir.database, self.data_dir.backups
        sound = require_sound(self.conn, database, backups)
        try:
            with transaction(self.conn) as conn:
                yield conn
        except DAMAGE_ERRORS as exc:
            # Damage the quick check could not see (or that came after it) shows up as a page SQLite cannot
            # read: the transaction was rolled back, and the file is checked again before the next write.
            if is_damage(exc):
                raise damaged_books(database, backups, str(exc)) from exc
            if isinstance(exc, sqlite3.OperationalError):
                raise refusal_for(exc, database) from exc
            raise
        still_sound(database, sound)

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    def settings(self) -> dict[str, str]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT key, value FROM settings")}

    def settings_on(self, day: date) -> dict[str, str]:
        return settings_on(self.conn, day)

    def require(self, sql: str, params: tuple, message: str) -> sqlite3.Row:
        """Fetch one row or refuse with ``message`` (an unknown code is bad input, not a crash)."""
        row = self.conn.execute(sql, params).fetchone()
        if row is None:
            raise Refused(message)
        return row


def settings_on(conn: sqlite3.Connection, day: date) -> dict[str, str]:
    """The settings in force on ``day``: for each key the latest ``setting_history`` row effective on or
    before it (the later recorded wins a tie), else what ``settings`` holds now.

    The 2025 reform: on and after 1 July 2025 a commune whose province in force is one of the 63 older units
    that was merged into another (its name still "Tỉnh Hải Dương", set before that day) is shown under the
    unit that took it over ("Thành phố Hải Phòng", per resources/provinces.toml), without the clerk having to
    re-enter it; before that day the old name stands. A province recorded explicitly from 1 July 2025 or later
    is taken as written, even if it is the old name. The same holds for ``upper_name`` when it names such a
    province.
    """
    current = {key: value for key, value in conn.execute("SELECT key, value FROM settings")}
    history = conn.execute("SELECT key, value, effective_on FROM setting_history WHERE effective_on <= ? "
                           "ORDER BY key, effective_on, id", (day.isoformat(),)).fetchall()
    return settings_in_force(current, history, day)


def settings_in_force(current: dict[str, str], history, day: date) -> dict[str, str]:
    """``settings_on`` over settings and their history held elsewhere (an old commune's, kept when its books
    were merged into these): ``history`` is (key, value, effective_on) rows in key, date and entry order."""
    values = dict(current)
    since: dict[str, str] = {}
    for key, value, effective_on in history:
        if effective_on <= day.isoformat():
            values[key], since[key] = value, effective_on
    reform = REFORM_2025.isoformat()
    if day >= REFORM_2025 and all(since.get(k, "") < reform for k in ("province_code", "province_name")):
        unit = merged_unit(values.get("province_code", ""), values.get("province_name", ""))
        if unit is not None:
            values["province_code"], values["province_name"] = unit.code, unit.name
    # The level above may itself be a merged province (an upper store run by "Tỉnh Hải Dương", or a commune
    # reporting straight to its province): from the reform it is the unit that took it over.
    if day >= REFORM_2025 and since.get("upper_name", "") < reform and (
            upper := merged_unit("", values.get("upper_name", ""))) is not None:
        values["upper_name"] = upper.name
    return values
