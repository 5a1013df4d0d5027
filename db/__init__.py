"""The commune's books on disk: SQLite schema, migrations, connection set-up and queries.

Imports nothing from ``desktop`` or ``ui`` and never Qt.
"""
