"""Look-alike characters in codes and numbers, settled by catalog and arithmetic."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docmatch.extractors.confusions import (
    LOOKALIKES,
    ConfusableIndex,
    confusable_key,
    number_candidates,
    parse_amount,
    resolve_code,
    resolve_line_amounts,
)

PACKING_CATALOG = ["B0O-10L1", "PN-0O1I-57", "AB-100", "AB-10O"]


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("B0O-10L1", "B0O-10L1"),
        ("BOO-10L1", "B0O-10L1"),
        ("B00-10L1", "B0O-10L1"),
        ("8OO-1OL1", "B0O-10L1"),
        ("B0O-10l1", "B0O-10L1"),
        ("PN-0O1I-57", "PN-0O1I-57"),
        ("PN-0011-57", "PN-0O1I-57"),
        ("PN-OO1l-S7", "PN-0O1I-57"),
        ("PN 0O1I\u201357", "PN-0O1I-57"),
    ],
)
def test_misread_code_resolves_to_catalog_code(read: str, expected: str) -> None:
    resolution = resolve_code(read, PACKING_CATALOG)
    assert resolution.code == expected
    assert resolution.candidates == [expected]
    assert not resolution.needs_review


@pytest.mark.parametrize("read", ["AB-100", "AB-10O", "AB-1OO", "A8-100", "ab-10o"])
def test_lookalike_catalog_codes_need_review(read: str) -> None:
    """GIVEN two catalog codes that differ only by O/0 THEN no read of either is matched automatically."""
    resolution = resolve_code(read, PACKING_CATALOG)
    assert resolution.code is None
    assert resolution.needs_review
    assert sorted(resolution.candidates) == ["AB-100", "AB-10O"]


def test_exact_read_comes_first_among_candidates() -> None:
    assert resolve_code("AB-10O", PACKING_CATALOG).candidates[0] == "AB-10O"
    assert resolve_code("AB-100", PACKING_CATALOG).candidates[0] == "AB-100"


def test_unknown_code_has_no_candidates() -> None:
    resolution = resolve_code("ZZ-999", PACKING_CATALOG)
    assert resolution.code is None
    assert resolution.unknown
    assert not resolution.needs_review


def test_index_is_reusable() -> None:
    index = ConfusableIndex(PACKING_CATALOG)
    assert resolve_code("BOO-10L1", index).code == "B0O-10L1"
    assert index.resolve("AB-1OO").needs_review


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
