"""Fields read from OCR'd pages say so; fields from a text layer keep source "text"."""

from docmatch.extractors.api import extract_pages
from docmatch.extractors.words import PageWords, Word


def _words() -> list[Word]:
    return [
        Word("INVOICE", 50, 50, 120, 62, 0.9),
        Word("Total", 50, 300, 90, 312, 0.9),
        Word("12.00", 300, 300, 340, 312, 0.9),
    ]


def test_ocr_page_fields_have_ocr_source() -> None:
    extraction = extract_pages([PageWords(1, 595, 842, _words(), source="ocr")])

    assert extraction.fields["total"].value == 12.0
    assert extraction.fields["total"].source == "ocr"


def test_text_page_fields_have_text_source() -> None:
    extraction = extract_pages([PageWords(1, 595, 842, _words(), source="text")])

    assert extraction.fields["total"].source == "text"
