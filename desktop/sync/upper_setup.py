"""Setting up an upper level whose store is on a PostgreSQL server."""

from __future__ import annotations

from desktop.paths import DataDir
from desktop.services.settings import CommuneSetup, init_books, validate_setup
from desktop.upper_store import prepare_postgres, record_database, require_postgres_url


def init_upper_on_server(data_dir: DataDir, setup: CommuneSetup, url: str, *, actor: str | None = None):
    """``init_books`` for an upper level whose store is on a PostgreSQL server: the server is checked (and the
    store made there) before anything is written in the data folder. Returns the open books and the
    fingerprint, as ``init_books`` does. The window's set-up wizard can call this with the address typed."""
    require_postgres_url(url, setup.mode.value)
    validate_setup(setup)  # a unit's details refused after the store was made would leave a store for nobody
    prepare_postgres(url)
    books, fingerprint = init_books(data_dir, setup, actor=actor)
    try:
        record_database(books, url)
    except BaseException:
        books.close()
        raise
    return books, fingerprint
