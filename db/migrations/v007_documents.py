"""Version 7, part "documents": report texts the clerk writes, kept with each formal report.

Version 7 is one step made of several parts (see ``db/migrations/__init__.py``); each part only adds
tables and columns, so their order inside the step does not matter.
"""

STATEMENTS: list[str] = []
