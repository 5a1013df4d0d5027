"""Bringing the commune's existing spreadsheets into the books."""
