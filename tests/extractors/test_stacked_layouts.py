"""Values printed under their labels, narrow two-column tables and a second document on the page.

The word positions follow two real pages: a generated German delivery note
(Lieferschein) with a sample invoice block printed under it, and a shop's delivery
note rendered by a browser and read by OCR.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from docmatch.extractors import extract_file
from docmatch.extractors.api import extract_pages
from docmatch.extractors.lines import join_wrapped_words
from docmatch.extractors.rows import build_rows
from docmatch.extractors.words import PageWords, Word

SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def _row(top: float, *cells: tuple[str, float, float], height: float = 12.0) -> list[Word]:
    return [Word(text, x0, top, x1, top + height) for text, x0, x1 in cells]


# The delivery note: labels and date at 20 pt over 12 pt body text, "Menge" wrapped as "Meng" + "e".
LIEFERSCHEIN = [
    *_row(50, ("Lieferschein", 225.5, 369.5), height=20),
    *_row(80, ("Order", 36, 96), ("No:", 108, 144), height=20),
    *_row(104.4, ("#123123", 36, 86.4)),
    *_row(128, ("Datum:", 36, 108), height=20),
    *_row(158, ("16.11.2021", 36, 156), height=20),
    *_row(182.4, ("Kunden", 236, 279.2), ("Name:", 286.4, 322.4)),
    *_row(200.4, ("Max", 236, 257.6), ("Mustermann", 264.8, 336.8)),
    *_row(229.5, ("Meng", 118, 148), ("Artikel", 153.4, 186.8)),
    *_row(241.5, ("e", 118, 124.7)),
    *_row(257.5, ("10", 118, 131.3), ("Artikeltext", 153.4, 206.1), ("0", 209.5, 216.1)),
    *_row(273.5, ("11", 118, 131.3), ("Artikeltext", 153.4, 206.1), ("1", 209.5, 216.1)),
    *_row(289.5, ("12", 118, 131.3), ("Artikeltext", 153.4, 206.1), ("2", 209.5, 216.1)),
    *_row(305.5, ("13", 118, 131.3), ("Artikeltext", 153.4, 206.1), ("3", 209.5, 216.1)),
    *_row(321.5, ("46", 118, 131.3), ("Packstücke", 153.4, 214.8)),
]
# The unrelated invoice block printed under it, with a table and a number of its own.
SAMPLE_INVOICE = [
    *_row(351.3, ("Invoice", 503.3, 554), height=16),
    *_row(376.5, ("Invoice", 399.9, 437.9), ("No", 441.3, 456.6), ("Invoice", 482.1, 520.1), ("Date", 523.4, 548.8)),
    *_row(398.5, ("XE1234", 406.9, 449.6), ("13-Mar-2016", 481.1, 549.8)),
    *_row(520.3, ("Index", 42.7, 69.6), ("Item", 105.8, 127.2), ("Description", 229.8, 284.8), ("Unit", 374.2, 393.8), ("Price", 396.9, 421.9), ("Qty", 449.9, 467), ("Amount", 499.8, 537.7)),
    *_row(541.5, ("1", 52.8, 59.5), ("Mobile", 98.8, 134.1), ("Nokia", 212.2, 242.9), ("12000.0", 376.4, 419.8), ("1", 455.1, 461.8), ("12000.0", 497.1, 540.5)),
]


def _page(words: list[Word], source: str = "text") -> list[PageWords]:
    return [PageWords(1, 595, 842, words, source=source)]


@pytest.fixture(scope="module")
def lieferschein():  # type: ignore[no-untyped-def]
    return extract_pages(_page([*LIEFERSCHEIN, *SAMPLE_INVOICE]))


def test_large_labels_with_value_below(lieferschein) -> None:  # type: ignore[no-untyped-def]
    """GIVEN "Datum:" and "Order No:" printed larger than the body, values on the line below THEN both are read."""
    assert lieferschein.value("date") == "2021-11-16"
    assert lieferschein.value("order_reference") == "123123"
    assert lieferschein.value("customer_name") == "Max Mustermann"


def test_large_word_without_colon_stays_title() -> None:
    words = [
        *_row(50, ("Lieferschein", 225, 370), height=20),
        *_row(80, ("Datum", 36, 96), height=20),
        *_row(104, ("16.11.2021", 36, 90)),
        *_row(130, ("Max", 36, 60), ("Mustermann", 64, 130)),
        *_row(146, ("Hauptstraße", 36, 100), ("12", 104, 116)),
    ]

    assert extract_pages(_page(words)).value("date") is None


def test_wrapped_header_word_and_count_row(lieferschein) -> None:  # type: ignore[no-untyped-def]
    lines = [(line.quantity, line.description, line.code) for line in lieferschein.lines]

    assert lines == [(10, "Artikeltext 0", None), (11, "Artikeltext 1", None), (12, "Artikeltext 2", None), (13, "Artikeltext 3", None)]


def test_second_document_below_is_not_read(lieferschein) -> None:  # type: ignore[no-untyped-def]
    assert lieferschein.doc_type == "delivery_note"
    assert lieferschein.value("number") is None
    assert any("Invoice" in warning for warning in lieferschein.warnings)


def test_invoice_alone_keeps_its_table() -> None:
    extraction = extract_pages(_page(SAMPLE_INVOICE))

    assert extraction.value("number") == "XE1234"
    assert [(line.quantity, line.amount) for line in extraction.lines] == [(1, 12000.0)]


def test_count_row_not_matching_sum_is_item() -> None:
    """GIVEN a last row "2 Paletten" whose number is not the sum of the quantities above THEN it stays an item."""
    words = [*LIEFERSCHEIN[:-2], *_row(321.5, ("2", 118, 124), ("Paletten", 153.4, 200))]

    quantities = [line.quantity for line in extract_pages(_page(words)).lines]

    assert quantities == [10, 11, 12, 13, 2]


def test_wrapped_word_joined_only_into_header_word() -> None:
    upper, lower = build_rows(PageWords(1, 595, 842, [*_row(229.5, ("Meng", 118, 148), ("Artikel", 153.4, 186.8)), *_row(241.5, ("e", 118, 124.7))]))
    joined = join_wrapped_words(upper, lower)

    assert joined is not None
    assert joined.tokens == ["menge", "artikel"]


@pytest.mark.parametrize(
    ("upper_words", "lower_words"),
    [
        ((("Meng", 118, 148),), (("x", 118, 124),)),  # "Mengx" is no header word
        ((("Meng", 118, 148),), (("e", 150, 156),)),  # the end is not under the word's left edge
        ((("Menge", 118, 148),), (("n", 118, 124),)),  # the upper word is a header word already
    ],
)
def test_wrapped_word_guards(upper_words, lower_words) -> None:  # type: ignore[no-untyped-def]
    upper, lower = build_rows(PageWords(1, 595, 842, [*_row(229.5, *upper_words), *_row(241.5, *lower_words)]))

    assert join_wrapped_words(upper, lower) is None


def test_wrapped_word_far_below_not_joined() -> None:
    upper, lower = build_rows(PageWords(1, 595, 842, [*_row(229.5, ("Meng", 118, 148)), *_row(260, ("e", 118, 124.7))]))

    assert join_wrapped_words(upper, lower) is None


# The shop's delivery note as OCR reads it: the name over its address, the product name
# on the line above its centred quantity.
SHOP_NOTE = [
    *_row(85, ("DELIVERY", 393, 460), ("NOTE", 465, 512), height=11),
    *_row(171, ("Tyche", 83, 114), ("Softwares", 118, 171), height=10),
    *_row(191, ("24,", 83, 100), ("Godfrey", 104, 150), ("Avenue,", 154, 190), ("Northolt", 194, 228), height=10),
    *_row(228, ("BILLING", 84, 140), ("ADDRESS", 144, 210), ("SHIPPING", 298, 364), ("ADDRESS", 368, 436), height=10),
    *_row(252, ("John", 83, 105), ("Doe", 109, 134), ("John", 298, 320), ("Doe", 324, 349), height=9),
    *_row(278, ("24", 84, 96), ("Godfrey", 100, 146), ("Avenue", 150, 185), ("24", 299, 311), ("Godfrey", 315, 361), ("Avenue", 365, 400), height=10),
    *_row(491, ("Product", 84, 128), ("Quantity", 414, 462), height=11),
    *_row(525, ("T-Shirt", 83, 120), ("with", 124, 146), ("Logo", 150, 172), height=11),
    *_row(536, ("SKU:", 83, 104), ("1", 415, 418), height=9),
    *_row(549, ("Woo-tshirt-logo", 83, 146), height=9),
]


def test_centred_quantity_line_read_with_name_above() -> None:
    extraction = extract_pages(_page(SHOP_NOTE, source="ocr"))

    assert [(line.quantity, line.description) for line in extraction.lines] == [(1, "T-Shirt with Logo SKU: Woo-tshirt-logo")]


def test_issuer_block_above_billing_address() -> None:
    extraction = extract_pages(_page(SHOP_NOTE, source="ocr"))

    assert extraction.value("vendor_name") == "Tyche Softwares"
    assert extraction.fields["vendor_name"].confidence == pytest.approx(0.6)
    assert extraction.value("customer_name") == "John Doe"


def test_name_over_street_without_addressee_label_is_no_vendor() -> None:
    """GIVEN no addressee label below THEN the name-over-street block may be the address window, and no vendor is read."""
    words = [word for word in SHOP_NOTE if word.top != 228]

    assert extract_pages(_page(words, source="ocr")).value("vendor_name") is None


def test_two_column_header_needs_unpriced_document() -> None:
    """GIVEN an invoice whose only header words are "Product" and "Quantity" THEN no table is read from them."""
    words = [*_row(85, ("INVOICE", 393, 470), height=14), *SHOP_NOTE[2:]]
    words = [word for word in words if word.text not in {"DELIVERY", "NOTE"}]

    assert extract_pages(_page(words, source="ocr")).lines == []


def test_reference_label_is_customer_reference() -> None:
    words = [
        *_row(209, ("Invoice", 30, 90), ("INV/2023/03/0008", 95, 276), height=20),
        *_row(248, ("Invoice", 30, 60), ("Date:", 63, 90), ("Due", 215, 235), ("Date:", 238, 261), ("Reference:", 400, 450), height=10),
        *_row(264, ("03/20/2023", 30, 85), ("04/04/2023", 215, 270), ("CUSTREF123", 400, 462), height=10),
    ]

    extraction = extract_pages(_page(words))

    assert extraction.value("po_reference") == "CUSTREF123"
    assert extraction.value("order_reference") is None


@pytest.mark.skipif(not (SHARED_CORPUS / "lieferscheinpdf" / "Signature_lieferschein.pdf").is_file(), reason="the shared corpus is not beside the repository")
def test_lieferschein_corpus_file() -> None:
    extraction = extract_file(SHARED_CORPUS / "lieferscheinpdf" / "Signature_lieferschein.pdf")

    assert extraction.doc_type == "delivery_note"
    assert extraction.value("date") == "2021-11-16"
    assert extraction.value("order_reference") == "123123"
    assert extraction.value("number") is None
    assert [(line.quantity, line.description) for line in extraction.lines] == [(10, "Artikeltext 0"), (11, "Artikeltext 1"), (12, "Artikeltext 2"), (13, "Artikeltext 3")]
