"""Version 7, part "policies": what policy version 2 needs recorded (returns in kind on a receipt).

Version 7 is one step made of several parts (see ``db/migrations/__init__.py``); each part only adds
tables and columns, so their order inside the step does not matter.
"""

STATEMENTS: list[str] = []
