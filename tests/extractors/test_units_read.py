"""Every unit code the matcher converts is read as a unit after a quantity."""

from __future__ import annotations

import pytest

from docmatch.extractors.patterns import find_quantities_with_units
from docmatch.units import AMBIGUOUS_CODES, UNIT_ALIASES


@pytest.mark.parametrize("code", sorted(code for code in UNIT_ALIASES if code not in AMBIGUOUS_CODES))
def test_convertible_code_is_read_after_a_quantity(code: str) -> None:
    found = find_quantities_with_units(["DSP-NAPKIN-33", "Napkin", "40", code, "3,40"])

    assert [(pair.quantity, pair.unit) for pair in found] == [("40", code)]


def test_everyday_word_after_a_number_is_no_unit() -> None:
    found = find_quantities_with_units(["Shampoo", "2", "in", "1", "250", "ml"])

    assert [(pair.quantity, pair.unit) for pair in found] == [("250", "ml")]


def test_scanned_carton_code_stays_on_the_line() -> None:
    """GIVEN the OCR words of a scanned German invoice line "40 CT" WHEN extracted THEN the line keeps the unit CT."""
    from docmatch.extractors.api import extract_pages
    from docmatch.extractors.words import PageWords, Word

    def row(top: float, *cells: tuple[str, float, float]) -> list[Word]:
        return [Word(text, x0, top, x1, top + 6.7, confidence=0.94) for text, x0, x1 in cells]

    words = [
        *row(120, ("Rechnung", 57, 110), ("GL-S00449", 120, 170)),
        *row(290, ("Artikel", 57, 84), ("Bezeichnung", 143, 198), ("Menge", 341, 369), ("Einheit", 375, 404), ("Einzelpreis", 421, 468), ("Betrag", 511, 539)),
        *row(308, ("DSP-NAPKIN-33", 57, 125), ("Napkin", 143, 169), ("33cm", 173, 194), ("2ply", 197, 213), ("40", 359, 368), ("CT", 374.6, 386.4), ("3,40", 451, 468), ("136,00", 512, 539)),
        *row(325, ("DSP-FOIL-30", 57, 111), ("Catering", 142, 175), ("foil", 179, 189), ("108", 354, 368), ("Stk", 374.9, 387.4), ("9,80", 451, 468), ("1.058,40", 505, 539)),
    ]

    extraction = extract_pages([PageWords(1, 595, 842, words, source="ocr")])

    assert [(line.quantity, line.uom) for line in extraction.lines] == [(40.0, "CT"), (108.0, "Stk")]


def test_document_without_readable_lines_says_so() -> None:
    """GIVEN an invoice page whose table cannot be read WHEN extracted THEN a warning reports that no line items were read."""
    from docmatch.extractors.api import extract_pages
    from docmatch.extractors.words import PageWords, Word

    words = [Word("Invoice", 57, 100, 110, 110), Word("INV-77", 120, 100, 160, 110), Word("Total", 57, 400, 90, 410), Word("12,00", 120, 400, 150, 410)]

    extraction = extract_pages([PageWords(1, 595, 842, words, source="ocr")])

    assert extraction.lines == []
    assert "no line items could be read; compare the lines by hand" in extraction.warnings
