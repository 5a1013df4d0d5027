"""The commune's Ed25519 identity: it signs sync packages so the upper level knows who sent them."""

from __future__ import annotations

import hashlib
import sqlite3
from typing import TYPE_CHECKING

from desktop.audit import now_iso

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

# cryptography is imported inside the functions: it costs ~20 ms, and most commands never sign.


def fingerprint(public_raw: bytes) -> str:
    """Short enough to read aloud over the phone: 16 hex digits of the key's SHA-256, in groups of 4."""
    digest = hashlib.sha256(public_raw).hexdigest()[:16].upper()
    return "-".join(digest[i:i + 4] for i in range(0, 16, 4))


def create_key(conn: sqlite3.Connection) -> str:
    """Make the commune's key inside the caller's transaction; returns its fingerprint."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode("ascii")
    public_raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    conn.execute("INSERT INTO signing_key (id, private_pem, public_hex, created_at) VALUES (1, ?, ?, ?)",
                 (pem, public_raw.hex(), now_iso()))
    return fingerprint(public_raw)


def load_private_key(conn: sqlite3.Connection) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    row = conn.execute("SELECT private_pem FROM signing_key WHERE id = 1").fetchone()
    key = serialization.load_pem_private_key(row[0].encode("ascii"), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def public_key_hex(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT public_hex FROM signing_key WHERE id = 1").fetchone()
    return row[0] if row else None


def key_fingerprint(conn: sqlite3.Connection) -> str | None:
    hexkey = public_key_hex(conn)
    return fingerprint(bytes.fromhex(hexkey)) if hexkey else None


def public_key_from_hex(hexkey: str) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    return Ed25519PublicKey.from_public_bytes(bytes.fromhex(hexkey))
