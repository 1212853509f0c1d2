"""Look-alike characters: the key codes are looked up under, and numbers settled by arithmetic.

Catalog lookups of misread codes are tested through the matcher in tests/matchers/test_lines.py.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docmatch.extractors.confusions import LOOKALIKES, confusable_key, number_candidates, parse_amount, resolve_line_amounts

_CODE_CHARS = "0123456789ABCDEFGHJKLMNPRTUVWXYZ-OISB"


@given(st.text(alphabet=_CODE_CHARS, min_size=1, max_size=12), st.data())
def test_key_ignores_lookalike_swaps(code: str, data: st.DataObject) -> None:
    """Replacing any character by one of its look-alikes never changes the key."""
    groups: dict[str, list[str]] = {}
    for char, representative in LOOKALIKES.items():
        groups.setdefault(representative, [representative]).append(char)
    swapped = "".join(data.draw(st.sampled_from(groups[LOOKALIKES.get(char, char)])) if LOOKALIKES.get(char, char) in groups else char for char in code)
    assert confusable_key(swapped) == confusable_key(code)


@pytest.mark.parametrize(
    ("text", "decimals", "expected"),
    [
        ("1O.5O", None, [Decimal("10.50")]),
        ("4520", 2, [Decimal("4520"), Decimal("45.20")]),
        ("S42.40", None, [Decimal("542.40")]),
        ("1,290.34", 2, [Decimal("1290.34")]),
        ("1.290,34", 2, [Decimal("1290.34")]),
        ("B", None, [Decimal("8")]),
        ("kg", None, []),
    ],
)
def test_number_candidates(text: str, decimals: int | None, expected: list[Decimal]) -> None:
    assert number_candidates(text, decimals=decimals) == expected


def test_parse_amount_rejects_words() -> None:
    assert parse_amount("Total") is None
    assert parse_amount("-12.5") == Decimal("-12.5")


def test_dropped_decimal_point_restored_by_arithmetic() -> None:
    """GIVEN 12 x "4520" = 542.40 THEN the unit price is 45.20, flagged as an OCR correction."""
    line = resolve_line_amounts("12", "4520", "542.40")
    assert line.unit_price == Decimal("45.20")
    assert line.quantity == Decimal("12")
    assert "ocr_confusable" in line.flags
    assert "ambiguous" not in line.flags


def test_letter_read_in_amount_column() -> None:
    line = resolve_line_amounts("I2", "45.20", "S42.4O")
    assert (line.quantity, line.unit_price, line.amount) == (Decimal("12"), Decimal("45.20"), Decimal("542.40"))
    assert line.flags == []


def test_failed_arithmetic_keeps_literal_values() -> None:
    line = resolve_line_amounts("12", "45.20", "542.00")
    assert line.amount == Decimal("542.00")
    assert line.flags == ["arithmetic_failed"]


def test_two_fitting_readings_are_ambiguous() -> None:
    """GIVEN quantity 1, price "100" and amount "100" with a dropped point possible in both THEN flag, do not pick silently."""
    line = resolve_line_amounts("1", "100", "100")
    assert line.unit_price == Decimal("100")
    assert "ambiguous" in line.flags
    assert (Decimal("1"), Decimal("1.00"), Decimal("1.00")) in line.alternatives
