"""Sync packages: a commune's signed snapshot (export), its verification, and the upper level's store,
consolidated report and cross-commune duplicate check. The file format is documented in docs/sync-format.md."""
