"""Read printed numbers whatever the locale: `1.234,56`, `1,234.56`, `1 234,56`, `(12.00)`.

A number whose only separator is followed by exactly three digits (`1,250`, `3.000`)
can be read two ways: a thousands group or three decimals. Such a reading is marked
ambiguous and carries both values; the caller settles it with arithmetic
(quantity x price = amount) or flags it. Nothing here guesses from a locale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from docmatch.extractors.vocabulary import ISO_CURRENCIES

# A run of digits with optional grouping and decimal separators, an optional sign or
# parentheses, and currency signs or codes glued on either side.
_NUMBER_RE = re.compile(
    r"""^
    (?P<open>\()?
    (?P<lead>[-+\u2212])?
    (?P<pre>[^\d\s()+\-\u2212.,]{0,4})?
    (?P<sign>[-+\u2212])?
    (?P<body>\d[\d.,'\u2019\u00a0\u202f ]*\d|\d)
    (?P<post>[^\d\s()]{0,4})?
    (?P<close>\))?
    (?P<trail>-)?
    $""",
    re.VERBOSE,
)
_GROUP_CHARS = "'\u2019\u00a0\u202f "
# Two amounts agree within a cent and its rounding, or 0.05 % of the amount for large ones.
AMOUNT_TOLERANCE = 0.011
_CURRENCY_AFFIXES = {"", "$", "€", "£", "¥", "%", "eur", "usd", "gbp", "chf", "us$", "€.", "-", ":", "€)", "*", "fr.", "kr", "zł", "rs.", "rs", "rp", "₹"}


@dataclass(frozen=True, slots=True)
class NumberReading:
    """One printed number: its value, or the values it may have when ambiguous."""

    text: str
    value: float | None
    alternatives: tuple[float, ...] = ()
    decimals: int = 0
    # The decimal mark ("." or ",") this printing proves, such as "," for "1.234,56";
    # for an ambiguous reading, the separator that may be either.
    mark: str | None = None

    @property
    def ambiguous(self) -> bool:
        return self.value is None and len(self.alternatives) > 1


def parse_number(text: str) -> NumberReading | None:
    """Return the reading of `text` as a number, or None if it is not one.

    `text` may carry a currency sign or code, a percent sign, a sign or accounting
    parentheses. Spaces are accepted only as thousands groups (`1 234,56`).
    """
    cleaned = text.strip().strip(":")
    match = _NUMBER_RE.match(cleaned)
    if not match:
        return None
    affixes = ((match["pre"] or "") + (match["post"] or "")).lower()
    if affixes not in _CURRENCY_AFFIXES and not _is_currency_code(affixes):
        return None

    trailing_minus = (match["post"] or "").endswith("-") or bool(match["trail"])
    negative = bool(match["lead"] or match["sign"]) or trailing_minus or bool(match["open"] and match["close"])
    if (match["lead"] or "") == "+" or (match["sign"] or "") == "+":
        negative = False
    readings = _read_body(match["body"])
    if readings is None:
        return None
    values, decimals, mark = readings
    if negative:
        values = tuple(-value for value in values)
    if len(values) == 1:
        return NumberReading(text=text, value=values[0], decimals=decimals, mark=mark)
    return NumberReading(text=text, value=None, alternatives=values, decimals=decimals, mark=mark)


def _is_currency_code(affixes: str) -> bool:
    return affixes.upper() in ISO_CURRENCIES


def _read_body(body: str) -> tuple[tuple[float, ...], int, str | None] | None:
    """Return the possible values of a digit run, its count of decimals and its decimal mark.

    The mark is the separator that the run proves to be the decimal mark, None when it
    proves none ("1250", "1 234"), or the lone separator of an ambiguous run ("1,250").
    """
    compact = body
    for char in _GROUP_CHARS:
        if char in compact:
            if not _valid_space_groups(compact, char):
                return None
            compact = compact.replace(char, "")
    separators = [char for char in compact if char in ".,"]
    if not separators:
        return (float(compact),), 0, None

    last = max(compact.rfind("."), compact.rfind(","))
    last_sep = compact[last]
    head, tail = compact[:last], compact[last + 1 :]
    if not tail:
        return None

    # Two kinds of separator: the last one is the decimal separator.
    if len(set(separators)) == 2:
        if last_sep in head or not _valid_groups(head, "," if last_sep == "." else "."):
            return None
        return (float(_digits(head) + "." + tail),), len(tail), last_sep

    # One kind used several times: thousands groups, no decimals, so the other mark is the decimal one.
    if len(separators) > 1:
        if not _valid_groups(compact, last_sep) or len(tail) != 3:
            return None
        return (float(_digits(compact)),), 0, other_mark(last_sep)

    # A single separator: decimals unless exactly three digits follow.
    if len(tail) != 3 or head in ("", "0", "-"):
        return (float(_digits(head) + "." + tail),), len(tail), last_sep
    if len(head) > 3:
        # "1234,567" cannot be a thousands group.
        return (float(head + "." + tail),), 3, last_sep
    return (float(head + "." + tail), float(head + tail)), 3, last_sep


def other_mark(mark: str) -> str:
    """Return the other decimal mark: ',' for '.' and '.' for ','."""
    return "," if mark == "." else "."


def _digits(text: str) -> str:
    return re.sub(r"[^\d]", "", text) or "0"


def _valid_groups(text: str, separator: str) -> bool:
    """Return whether `text` is digits grouped by three around `separator`."""
    groups = text.split(separator)
    return 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])


def _valid_space_groups(text: str, separator: str) -> bool:
    head, _, rest = text.partition(separator)
    groups = [head, *rest.split(separator)]
    if not 1 <= len(groups[0]) <= 3:
        return False
    # The last group may carry decimals ("1 234,56").
    return all(len(re.split(r"[.,]", group)[0]) == 3 for group in groups[1:])


def looks_numeric(text: str) -> bool:
    return parse_number(text) is not None


def settle_product(quantity: NumberReading | None, price: NumberReading | None, amount: NumberReading | None, *, tolerance: float = AMOUNT_TOLERANCE, factor: float = 1.0) -> tuple[float | None, float | None, float | None] | None:
    """Return the one combination of readings for which quantity x price (x `factor`) = amount.

    `factor` carries a line discount: 0.9 for 10 % off.

    Each argument may be ambiguous. Returns None when no combination, or more than
    one distinct combination, fits: the arithmetic does not settle it then.
    """
    if quantity is None or price is None or amount is None:
        return None
    fits = {
        (q, p, a)
        for q in _choices(quantity)
        for p in _choices(price)
        for a in _choices(amount)
        if amounts_agree(q * p * factor, a, tolerance=tolerance)
    }
    if len(fits) != 1:
        return None
    return fits.pop()


def _choices(reading: NumberReading) -> tuple[float, ...]:
    return (reading.value,) if reading.value is not None else reading.alternatives


def amounts_agree(left: float, right: float, *, tolerance: float = AMOUNT_TOLERANCE) -> bool:
    """Tell whether two amounts are equal up to `tolerance`, or 0.05 % of `right` when larger."""
    return abs(abs(left) - abs(right)) <= max(tolerance, abs(right) * 0.0005)
