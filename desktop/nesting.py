"""How deep a data file nests, for the readers of policies and catalogues.

Python's TOML and JSON readers go one level of the interpreter's stack per ``[`` or ``{``: a file of a few
thousand brackets makes them fail with RecursionError, and one just under the limit makes any later walk
over the data fail the same way. Neither file needs more than a handful of levels, so a reader refuses
anything deeper with a message of its own (``deep_refusal``) instead of an unexpected error.
"""

from __future__ import annotations

# A policy nests 3 levels ([category.poor] → installment_shares), a catalogue 4 (programme → components →
# a component); 16 leaves room for any honest file.
MAX_NESTING = 16


def too_deep(data: object, limit: int = MAX_NESTING) -> bool:
    """Whether tables and lists nest more than ``limit`` levels (walked without recursion)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        elif not isinstance(value, list | tuple):
            continue
        if depth >= limit:
            return True
        stack.extend((item, depth + 1) for item in value if isinstance(item, dict | list | tuple))
    return False


def deep_line(text: str, limit: int = MAX_NESTING) -> int | None:
    """The line where brackets first open more than ``limit`` deep, for the message; None when not found.

    A rough count that skips quoted text: good enough to point a clerk at the place, never used to decide."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        escaped, quote = False, ""
        for ch in line:
            if quote:
                if escaped:
                    escaped = False
                elif ch == "\\" and quote == '"':
                    escaped = True
                elif ch == quote:
                    quote = ""
            elif ch in "\"'":
                quote = ch
            elif ch == "#":
                break
            elif ch in "[{":
                depth += 1
                if depth > limit:
                    return number
            elif ch in "]}":
                depth = max(0, depth - 1)
    return None


def deep_refusal(what: str, text: str) -> str:
    """“<what> sai cú pháp: dữ liệu lồng nhau quá sâu (dòng N, quá 16 tầng).”"""
    number = deep_line(text)
    where = f"dòng {number}, " if number else ""
    return f"{what} sai cú pháp: dữ liệu lồng nhau quá sâu ({where}quá {MAX_NESTING} tầng bảng hoặc danh sách)."
