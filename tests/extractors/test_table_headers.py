"""Line-item headers as OCR reads them, and numbers printed inside a description.

The words are those Tesseract gave for FlipkartInvoice.png, a screenshot whose column
headers print the rupee sign: "Price(₹)", "Tax(₹)", "Total(₹)".
"""

from __future__ import annotations

import pytest

from docmatch.extractors.api import extract_pages
from docmatch.extractors.vocabulary import fold_token
from docmatch.extractors.words import PageWords, Word


def _row(top: float, *cells: tuple[str, float, float]) -> list[Word]:
    return [Word(text, x0, top, x1, top + 7.0, confidence=0.94) for text, x0, x1 in cells]


HEADER = _row(
    190, ("Product", 8.5, 43.0), ("Title", 117.2, 136.2), ("Qty", 356.5, 371.2), ("Price(%)", 390.2, 427.2),
    ("Tax%)", 450.5, 480.5), ("Tax(?)", 503.2, 534.0), ("Total(?)", 552.5, 589.0),
)
ITEM = _row(
    216, ("Memory", 8.5, 37.8), ("cards", 40.2, 60.2), ("SanDisk", 118.0, 154.5), ("Ultra", 157.8, 178.2), ("16", 181.5, 191.2),
    ("GB", 194.2, 207.8), ("MicroSDHC", 211.0, 260.8), ("1", 367.8, 370.5), ("278.61", 399.5, 426.2), ("14.50%", 450.0, 480.2),
    ("40.39", 510.8, 533.5), ("319.00", 561.2, 589.0),
)
NOTE = _row(
    242, ("ACCE45E3GPBOJ9P9", 8.0, 94.0), ("Price", 118.0, 133.8), ("is", 135.5, 140.0), ("inclusive", 142.2, 168.0), ("of", 169.5, 175.2),
    ("Promotional", 177.2, 214.0), ("Discount", 216.0, 242.0), ("of", 243.8, 250.5), ("Rs", 251.2, 258.2), ("-40.00", 260.8, 279.2),
)


@pytest.mark.parametrize(
    ("printed", "folded"),
    [("Price(%)", "price"), ("Total(?)", "total"), ("Price(₹)", "price"), ("Amount (EUR)", "amount"), ("Einzel/€", "einzel"), ("(%)", "%"), ("x(1)", "x(1")],
)
def test_fold_token_drops_bracketed_currency_sign(printed: str, folded: str) -> None:
    assert fold_token(printed) == folded


def test_header_with_misread_currency_signs() -> None:
    extraction = extract_pages([PageWords(1, 614, 433, [*HEADER, *ITEM], source="ocr")])

    assert [(line.quantity, line.unit_price, line.amount) for line in extraction.lines] == [(1, 278.61, 319.0)]


def test_number_in_description_note_is_no_quantity() -> None:
    """GIVEN "Price is inclusive of Promotional Discount of Rs -40.00" under the title THEN no line of quantity -40 is read."""
    extraction = extract_pages([PageWords(1, 614, 433, [*HEADER, *ITEM, *NOTE], source="ocr")])

    assert [(line.quantity, line.unit_price, line.amount) for line in extraction.lines] == [(1, 278.61, 319.0)]
