"""OCR look-alike characters in codes and numbers, and how context settles them.

Tesseract confuses a few shapes: 0/O/o, 1/I/l/|, 5/S/s and 8/B, and it drops decimal
points that print faintly. A misread code must still find its catalog entry, but a read
that fits two catalog entries must go to a person: the reviewer decides, docmatch never
picks one of two possible codes by itself.

- `confusable_key(code)`: the code with each look-alike replaced by one representative
  (O, o -> 0; I, l, | -> 1; S, s -> 5; B -> 8), upper-cased, without spaces and
  dashes. Two codes with the same key differ only by look-alikes and separators. The
  matcher looks codes up under this key (`matchers.normalize.confusable_key`) and
  sends a line whose read fits two catalog codes to review.
- `number_candidates(text, decimals=...)`: the numeric readings of an OCR token in a
  numeric column (look-alikes read as digits, a dropped decimal point restored).
- `resolve_line_amounts(quantity, unit_price, amount)`: picks the readings of a line's
  numbers for which quantity x unit price = amount; returns the flag `ambiguous`
  when several combinations fit and `arithmetic_failed` when none does. The line
  reader (`extractors.lines`) applies it to OCR'd rows only.
"""

from __future__ import annotations

import itertools
import logging
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from docmatch.models import FieldFlag

log = logging.getLogger(__name__)

# Each look-alike and the representative of its group.
LOOKALIKES: dict[str, str] = {
    "O": "0",
    "o": "0",
    "I": "1",
    "l": "1",
    "|": "1",
    "S": "5",
    "s": "5",
    "B": "8",
}
# Readings of look-alikes as digits, for tokens in a numeric column.
DIGIT_READINGS: dict[str, str] = {**LOOKALIKES, "D": "0", "Q": "0", "i": "1", "!": "1", "Z": "2", "z": "2", "G": "6", "b": "6", "g": "9"}
_DASHES = re.compile(r"[\u2010-\u2015\u2212_]")
_SPACES = re.compile(r"\s+")
# Line arithmetic may be off by rounding: one cent per line, or half a unit of the last printed decimal.
AMOUNT_TOLERANCE = Decimal("0.011")
# At most this many readings per token are tried, so a noisy token cannot explode the search.
MAX_READINGS = 8


# --- codes ----------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    """Return `code` without spaces and with every dash as "-"; case and look-alikes are kept."""
    return _DASHES.sub("-", _SPACES.sub("", code))


def confusable_key(code: str) -> str:
    """Return the key under which all look-alike spellings of `code` coincide."""
    # Look-alikes are mapped before upper-casing (so "l" joins "1", not "L") and again
    # after it (so "b" joins "B" and "8").
    # Dashes go too: OCR drops them or reads them as spaces.
    mapped = "".join(LOOKALIKES.get(char, char) for char in normalise_code(code).replace("-", "")).upper()
    return "".join(LOOKALIKES.get(char, char) for char in mapped)


# --- numbers --------------------------------------------------------------------------


def number_candidates(text: str, *, decimals: int | None = None) -> list[Decimal]:
    """Return the plausible values of an OCR token read in a numeric column, most likely first.

    Look-alike letters are read as digits ("1O.5O" -> 10.50). When the column's values
    carry `decimals` decimal places and the token has no decimal separator, the value
    with a restored decimal point comes after the literal value ("4520" -> 4520, 45.20).
    """
    token = _SPACES.sub("", text).strip("€$£%*")
    digits = "".join(DIGIT_READINGS.get(char, char) for char in token)
    values: list[Decimal] = []
    literal = parse_amount(digits)
    if literal is not None:
        values.append(literal)
    if decimals and literal is not None and not re.search(r"[.,]\d+$", digits):
        restored = literal.scaleb(-decimals)
        if restored not in values:
            values.append(restored)
    return values[:MAX_READINGS]


def parse_amount(text: str) -> Decimal | None:
    """Parse "1,234.56", "1.234,56", "1 234,56" or "-12.5"; None when `text` is no number.

    The last "." or "," followed by one or two digits is the decimal separator; other
    separators group thousands.
    """
    token = text.replace("\u00a0", "").replace(" ", "").replace("'", "")
    negative = token.startswith("-") or (token.startswith("(") and token.endswith(")"))
    token = token.strip("-()+")
    if not token or not re.fullmatch(r"[\d.,]+", token) or not token[0].isdigit():
        return None
    match = re.search(r"[.,](\d{1,2})$", token)
    if match:
        whole = re.sub(r"[.,]", "", token[: match.start()])
        number = f"{whole}.{match.group(1)}"
    else:
        number = re.sub(r"[.,]", "", token)
    try:
        value = Decimal(number)
    except InvalidOperation:
        return None
    return -value if negative else value


@dataclass(slots=True)
class LineAmounts:
    """The readings chosen for one line's numbers, and why they may not be trusted."""

    quantity: Decimal | None
    unit_price: Decimal | None
    amount: Decimal | None
    flags: list[str] = field(default_factory=list)
    # Other (quantity, unit price, amount) readings that also satisfy the arithmetic.
    alternatives: list[tuple[Decimal, Decimal, Decimal]] = field(default_factory=list)


def resolve_line_amounts(quantity: str, unit_price: str, amount: str, *, price_decimals: int = 2, amount_decimals: int = 2) -> LineAmounts:
    """Choose the readings of a line's quantity, unit price and amount that multiply out.

    Each token may stand for several values (look-alikes, a dropped decimal point). The
    combination with quantity x unit price = amount (within `AMOUNT_TOLERANCE`) wins; the
    literal readings win ties because they come first. Several fitting combinations that
    disagree give the flag `ambiguous`; none gives `arithmetic_failed` and the literal readings.
    """
    quantities = number_candidates(quantity)
    prices = number_candidates(unit_price, decimals=price_decimals)
    amounts = number_candidates(amount, decimals=amount_decimals)
    literal = LineAmounts(_first(quantities), _first(prices), _first(amounts))
    if not (quantities and prices and amounts):
        literal.flags.append(FieldFlag.ARITHMETIC_FAILED.value)
        return literal

    fitting = [
        (q, p, a)
        for q, p, a in itertools.product(quantities, prices, amounts)
        if abs((q * p).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) - a) <= AMOUNT_TOLERANCE
    ]
    if not fitting:
        literal.flags.append(FieldFlag.ARITHMETIC_FAILED.value)
        return literal
    chosen = LineAmounts(*fitting[0])
    if len(fitting) > 1:
        chosen.flags.append(FieldFlag.AMBIGUOUS.value)
        chosen.alternatives = fitting[1:]
    if fitting[0] != (literal.quantity, literal.unit_price, literal.amount):
        chosen.flags.append(FieldFlag.OCR_CONFUSABLE.value)
    return chosen


def _first(values: list[Decimal]) -> Decimal | None:
    return values[0] if values else None
