"""Evaluate Odoo search domains on rows in memory.

Used by the snapshot source and the Odoo test server. Supports the prefix operators
`&`, `|`, `!` with implicit AND, the comparison operators Odoo documents
(`= != > >= < <= =? like not like ilike not ilike =like =ilike in not in`), and
many2one values given as `[id, name]`, compared on the id.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from docmatch.odoo.source import Domain, Row

_LOGICAL = {"&", "|", "!"}


def _plain(value: Any) -> Any:
    # many2one values are [id, display_name]; comparisons use the id.
    if isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str):
        return value[0]
    return value


def _like(pattern: str, text: Any, *, case_sensitive: bool, wildcards: bool) -> bool:
    if text is False or text is None:
        return False
    if isinstance(text, list):
        text = text[1] if len(text) == 2 else ""
    text = str(text)
    if not case_sensitive:
        pattern, text = pattern.lower(), text.lower()
    if wildcards:
        return fnmatch.fnmatchcase(text, pattern.replace("%", "*").replace("_", "?"))
    return pattern in text


def _compare(row: Row, condition: list[Any] | tuple[Any, ...]) -> bool:
    name, operator, expected = condition
    if name == "id" and "id" in row:
        actual: Any = row["id"]
    else:
        actual = _plain(row.get(name, False))
    if isinstance(actual, list) and operator in ("=", "!=", "in", "not in"):
        # x2many: "in" means any element matches.
        members = set(actual)
        wanted = set(expected) if isinstance(expected, (list, tuple)) else {expected}
        hit = bool(members & wanted)
        return hit if operator in ("=", "in") else not hit
    match operator:
        case "=" | "==":
            return actual == expected or (expected is False and actual in (None, False))
        case "!=" | "<>":
            return not (actual == expected or (expected is False and actual in (None, False)))
        case "=?":
            return expected in (None, False) or actual == expected
        case ">" | ">=" | "<" | "<=":
            if actual in (None, False):
                return False
            return {">": actual > expected, ">=": actual >= expected, "<": actual < expected, "<=": actual <= expected}[operator]
        case "in":
            return actual in expected
        case "not in":
            return actual not in expected
        case "like":
            return _like(str(expected), actual, case_sensitive=True, wildcards=False)
        case "ilike":
            return _like(str(expected), actual, case_sensitive=False, wildcards=False)
        case "not like":
            return not _like(str(expected), actual, case_sensitive=True, wildcards=False)
        case "not ilike":
            return not _like(str(expected), actual, case_sensitive=False, wildcards=False)
        case "=like":
            return _like(str(expected), actual, case_sensitive=True, wildcards=True)
        case "=ilike":
            return _like(str(expected), actual, case_sensitive=False, wildcards=True)
    raise ValueError(f"unsupported domain operator {operator!r}")


def matches(row: Row, domain: Domain | None) -> bool:
    """Return whether `row` satisfies `domain` (prefix notation, implicit AND)."""
    if not domain:
        return True
    items = list(domain)

    def evaluate(position: int) -> tuple[bool, int]:
        item = items[position]
        if item == "!":
            value, after = evaluate(position + 1)
            return not value, after
        if item in ("&", "|"):
            left, after_left = evaluate(position + 1)
            right, after_right = evaluate(after_left)
            return (left and right) if item == "&" else (left or right), after_right
        return _compare(row, item), position + 1

    position = 0
    result = True
    while position < len(items):
        value, position = evaluate(position)
        result = result and value
    return result
