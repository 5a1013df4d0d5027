"""Version 7, part "approvals": users, roles, selection meetings, decisions, two-person voids.

Version 7 is one step made of several parts (see ``db/migrations/__init__.py``); each part only adds
tables and columns, so their order inside the step does not matter.
"""

STATEMENTS: list[str] = []
