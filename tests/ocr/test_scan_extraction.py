"""Scans through `extract_file`: the page triage routes pages, the same extractors read them."""

from __future__ import annotations

from pathlib import Path

import pytest

from docmatch.extractors import extract_file
from docmatch.models import Extraction
from docmatch.settings import Settings
from tests.ocr.ocr_documents import DELIVERY_NOTE_NUMBER, INVOICE_NUMBER, build_triage_pdf

pytestmark = pytest.mark.ocr


@pytest.fixture(scope="module")
def parts(built: Path) -> Path:
    folder = built / "extraction"
    folder.mkdir(exist_ok=True)
    build_triage_pdf(folder)
    return folder


@pytest.fixture(scope="module")
def born_digital(parts: Path, ocr_settings: Settings) -> Extraction:
    return extract_file(parts / "invoice.pdf", settings=ocr_settings)


@pytest.fixture(scope="module")
def outlines(parts: Path, ocr_settings: Settings) -> Extraction:
    return extract_file(parts / "invoice-outlines.pdf", settings=ocr_settings)


def test_outlined_invoice_matches_born_digital(born_digital: Extraction, outlines: Extraction) -> None:
    """GIVEN an invoice converted to outlines THEN OCR gives the text layer's number and total."""
    assert born_digital.method == "text"
    assert outlines.method == "ocr"
    assert outlines.value("number") == born_digital.value("number") == INVOICE_NUMBER
    assert outlines.value("total") == born_digital.value("total") == pytest.approx(1290.34)


def test_outlined_invoice_lines_match(born_digital: Extraction, outlines: Extraction) -> None:
    assert [(line.quantity, line.unit_price, line.amount) for line in outlines.lines] == [
        (line.quantity, line.unit_price, line.amount) for line in born_digital.lines
    ]


def test_ocr_fields_carry_word_confidence(outlines: Extraction) -> None:
    # Text-layer words have confidence 1.0; OCR words carry Tesseract's, below it.
    number = outlines.fields["number"]
    assert 0.5 < number.confidence < 1.0
    assert number.page == 1


def test_scanned_delivery_note_with_stray_glyph(parts: Path, ocr_settings: Settings) -> None:
    extraction = extract_file(parts / "scanned.pdf", settings=ocr_settings)
    assert extraction.method == "ocr"
    assert extraction.doc_type == "delivery_note"
    assert extraction.value("number") == DELIVERY_NOTE_NUMBER
