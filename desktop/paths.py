"""Where the commune's files live: the database, automatic backups and exports.

platformdirs (the maintained successor of appdirs) gives the platform's user data folder;
``VONXOAY_DATA_DIR`` overrides it, and the command line's ``--data-dir`` overrides both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "VonXoay"
DB_FILE = "vonxoay.sqlite"


@dataclass(frozen=True)
class DataDir:
    root: Path

    @property
    def database(self) -> Path:
        return self.root / DB_FILE

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def policies(self) -> Path:
        """Fund policies the office copied and edited (the shipped ones stay untouched in resources/)."""
        return self.root / "policies"


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> DataDir:
    if explicit:
        return DataDir(Path(explicit).expanduser().resolve())
    if env := os.environ.get("VONXOAY_DATA_DIR"):
        return DataDir(Path(env).expanduser().resolve())
    return DataDir(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))
