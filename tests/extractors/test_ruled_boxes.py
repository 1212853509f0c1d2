"""Ruled order boxes and line tables, as OCR reads them when their rules do not get in the way.

The words and boxes (in points) are those Tesseract gave for a US invoice form whose
order box prints "Salesperson | P.O. Number | Requisitioner | Shipped via | F.O.B.
Point | Terms" over one row of values, above a line table with a tax column.
"""

from __future__ import annotations

import pytest

from docmatch.extractors.api import extract_pages
from docmatch.extractors.words import PageWords, Word
from docmatch.models import Extraction


def _row(top: float, *cells: tuple[str, float, float]) -> list[Word]:
    return [Word(text, x0, top, x1, top + 7.0, confidence=0.94) for text, x0, x1 in cells]


TITLE = _row(40, ("INVOICE", 645.0, 703.0))
NUMBER = _row(90, ("INVOICE:", 631.0, 668.0), ("INV-100", 671.0, 704.0))
ORDER_BOX = _row(
    293, ("SALESPERSON", 242.5, 300.2), ("P.O.", 332.0, 348.8), ("NUMBER", 352.2, 388.8), ("REQUISITIONER", 419.0, 483.5),
    ("SHIPPED", 502.0, 537.0), ("VIA", 539.8, 554.0), ("F.O.B.", 568.8, 592.8), ("POINT", 596.2, 621.8), ("TERMS", 651.8, 680.2),
)
ORDER_VALUES = _row(310.8, ("PO-3333", 318.8, 354.8))
HEADER = _row(
    342, ("DATE", 245.0, 266.2), ("ITEM", 288.0, 308.0), ("CODE", 311.0, 333.8), ("DESCRIPTION", 378.0, 433.0), ("QTY", 476.2, 492.8),
    ("UM", 517.0, 531.0), ("PRICE", 567.8, 591.0), ("TAX", 622.2, 638.8), ("AMOUNT", 658.2, 697.5),
)
ITEMS = [
    _row(358, ("3/4/2021", 235.5, 274.5), ("A123", 300.0, 321.2), ("Consulting", 346.0, 390.8), ("Services", 393.5, 427.5), ("2", 488.5, 493.0),
         ("hours", 504.0, 527.5), ("$30.00", 575.0, 603.5), ("$6.00", 622.0, 645.0), ("$60.00", 669.5, 698.0)),
    _row(377, ("3/5/2021", 235.5, 274.5), ("B456", 300.5, 321.2), ("Document", 346.2, 389.8), ("Fee", 393.2, 407.5), ("3", 488.5, 493.0),
         ("$10.00", 574.8, 603.5), ("$3.00", 622.0, 645.5), ("$30.00", 669.5, 698.0)),
    _row(396, ("3/6/2021", 235.8, 274.8), ("C789", 300.0, 321.0), ("Printing", 346.2, 379.0), ("Fee", 382.2, 396.8), ("10", 483.5, 493.2),
         ("pages", 504.0, 528.2), ("$1.00", 580.2, 603.5), ("$1.00", 622.0, 645.0), ("$10.00", 669.5, 698.0)),
]
# What is left of a table's bottom corner once its rules are whitened.
RULE_SPECK = [Word("|", 609.0, 414.0, 610.0, 414.7, confidence=0.5)]
SUBTOTAL = _row(433, ("SUBTOTAL", 579.0, 623.0), ("$100.00", 665.0, 698.0))


def _extract(*rows: list[Word]) -> Extraction:
    words = [word for row in rows for word in row]
    return extract_pages([PageWords(number=1, width=933.0, height=694.0, words=words, source="ocr")])


@pytest.fixture(scope="module")
def form() -> Extraction:
    return _extract(TITLE, NUMBER, ORDER_BOX, ORDER_VALUES, HEADER, *ITEMS, RULE_SPECK, SUBTOTAL)


def test_po_number_under_box_heading(form: Extraction) -> None:
    assert form.value("po_reference") == "PO-3333"


def test_heading_beside_label_is_no_value(form: Extraction) -> None:
    """GIVEN "Shipped via" followed on its row by the headings "F.O.B. Point" and "Terms"
    and an empty cell below THEN no carrier is read."""
    assert form.value("carrier") is None


def test_tax_column_stays_out_of_arithmetic(form: Extraction) -> None:
    """GIVEN "3 | $10.00 | $3.00 | $30.00" under "Qty | Price | Tax | Amount"
    THEN the line is 3 x 10 = 30, not 10 x 3 = 30 with the tax as price."""
    rows = [(line.code, line.quantity, line.unit_price, line.amount) for line in form.lines]
    assert rows == [("A123", 2, 30.0, 60.0), ("B456", 3, 10.0, 30.0), ("C789", 10, 1.0, 10.0)]


def test_rule_speck_not_in_description(form: Extraction) -> None:
    assert form.lines[-1].description == "Printing Fee"
