"""Numbers of OCR'd line items corrected by their arithmetic, and text-layer lines left alone.

The pages are built from positioned words, as Tesseract hands them over, so no OCR runs.
"""

from __future__ import annotations

from typing import Literal

import pytest

from docmatch.extractors.api import extract_pages
from docmatch.extractors.lines import CORRECTED_CONFIDENCE
from docmatch.extractors.words import PageWords, Word
from docmatch.models import Extraction

# Right edges of the quantity, unit price and amount cells, in points.
QUANTITY_X1, PRICE_X1, AMOUNT_X1 = 369, 468, 539


def _row(top: float, *cells: tuple[str, float, float]) -> list[Word]:
    return [Word(text, x0, top, x1, top + 6.7, confidence=0.93) for text, x0, x1 in cells]


def _invoice(quantity: str, price: str, amount: str, *, source: Literal["text", "ocr"] = "ocr") -> Extraction:
    """Extract a one-line invoice whose line prints `quantity`, `price` and `amount` in their columns."""
    words = [
        *_row(100, ("Invoice", 57, 95), ("No.", 98, 112), ("RE-2024-118", 116, 170)),
        *_row(290, ("Item", 57, 78), ("Description", 143, 198), ("Qty", 350, 369), ("Unit", 420, 440), ("price", 443, 468), ("Amount", 505, 539)),
        *_row(308, ("HX-220", 57, 88), ("Hex", 143, 160), ("bolts", 163, 188), (quantity, QUANTITY_X1 - 5 * len(quantity), QUANTITY_X1),
              (price, PRICE_X1 - 5 * len(price), PRICE_X1), (amount, AMOUNT_X1 - 5 * len(amount), AMOUNT_X1)),
    ]
    return extract_pages([PageWords(1, 595, 842, words, source=source)])


def test_lookalike_letters_read_as_digits() -> None:
    """GIVEN a scanned line "1O x 4,5O = 45,OO" THEN 10 x 4.50 = 45.00, flagged with each correction."""
    extraction = _invoice("1O", "4,5O", "45,OO")

    [line] = extraction.lines
    assert (line.quantity, line.unit_price, line.amount) == (10.0, 4.5, 45.0)
    assert line.flags == ["ocr_confusable"]
    assert line.corrections == ["quantity '1O' read as 10", "unit price '4,5O' read as 4.50", "amount '45,OO' read as 45.00"]
    assert line.confidence == CORRECTED_CONFIDENCE
    assert any(warning.startswith("line 1: quantity '1O' read as 10") for warning in extraction.warnings)


def test_dropped_decimal_point_restored() -> None:
    """GIVEN "12 x 1715 = 205,80" THEN the unit price is 17.15, and only it is named as corrected."""
    extraction = _invoice("12", "1715", "205,80")

    [line] = extraction.lines
    assert (line.quantity, line.unit_price, line.amount) == (12.0, 17.15, 205.8)
    assert line.flags == ["ocr_confusable"]
    assert line.corrections == ["unit price '1715' read as 17.15"]
    assert line.confidence < 0.93


def test_clean_scanned_line_is_not_corrected() -> None:
    extraction = _invoice("12", "17,15", "205,80")

    [line] = extraction.lines
    assert (line.quantity, line.unit_price, line.amount) == (12.0, 17.15, 205.8)
    assert line.flags == []
    assert "corrections" not in line.model_dump()
    assert line.confidence > CORRECTED_CONFIDENCE


def test_two_fitting_readings_stay_as_read() -> None:
    """GIVEN "2 x 1O5O = 21OO" THEN 2 x 1050 = 2100 and 2 x 10.50 = 21.00 both fit: nothing is picked."""
    extraction = _invoice("2", "1O5O", "21OO")

    [line] = extraction.lines
    assert line.quantity == 2.0
    assert line.unit_price is None
    assert line.amount is None
    assert line.unit_price_alternatives == [1050.0, 10.5]
    assert line.amount_alternatives == [2100.0, 21.0]
    assert "ambiguous" in line.flags
    assert "ocr_confusable" not in line.flags
    assert "corrections" not in line.model_dump()


def test_no_fitting_reading_fails_arithmetic() -> None:
    """GIVEN "1O x 4,5O = 47,OO" THEN no reading multiplies out and the values read stay as they are."""
    extraction = _invoice("1O", "4,5O", "47,OO")

    [line] = extraction.lines
    assert "arithmetic_failed" in line.flags
    assert "ocr_confusable" not in line.flags
    assert line.quantity is None


def test_printed_arithmetic_error_on_scan_is_kept() -> None:
    """GIVEN a scanned line whose numbers parse but do not multiply out, with no other reading that fits THEN it is flagged, not changed."""
    extraction = _invoice("12", "17,15", "210,00")

    [line] = extraction.lines
    assert (line.quantity, line.unit_price, line.amount) == (12.0, 17.15, 210.0)
    assert line.flags == ["arithmetic_failed"]


def test_words_in_number_columns_make_no_line() -> None:
    """GIVEN a scanned note row with words in the quantity, price and amount columns THEN no look-alike reading makes it a line."""
    extraction = _invoice("lOS", "SOB", "BOSS")

    assert extraction.lines == []


@pytest.mark.parametrize(("quantity", "price", "amount"), [("12", "1715", "205,80"), ("10", "4,50", "45,OO")])
def test_text_layer_numbers_are_left_alone(quantity: str, price: str, amount: str) -> None:
    """GIVEN the same words on a born-digital page THEN no reading is corrected."""
    extraction = _invoice(quantity, price, amount, source="text")

    [line] = extraction.lines
    assert "ocr_confusable" not in line.flags
    assert "corrections" not in line.model_dump()
    assert not any("read as" in warning for warning in extraction.warnings)


def test_text_layer_dropped_point_stays_printed_value() -> None:
    [line] = _invoice("12", "1715", "205,80", source="text").lines

    assert line.unit_price == 1715.0
    assert "arithmetic_failed" in line.flags
