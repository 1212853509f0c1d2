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


DEMO = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "documents"


def _scan_demo(name: str, variant: str, folder: Path, settings: Settings) -> tuple[Extraction, dict]:
    import json

    from docmatch.eval.scans import VARIANTS, scan_pdf

    scan = scan_pdf(DEMO / f"{name}.pdf", VARIANTS[variant], folder / f"{name}.{variant}.pdf")
    expected = json.loads((DEMO / f"{name}.expected.json").read_text(encoding="utf-8"))
    return extract_file(scan, settings=settings, use_embedded=False), expected["fields"]


@pytest.mark.parametrize("name", ["customer_name", "vendor_name", "number", "date", "due_date", "po_reference"])
def test_din_scan_reads_both_blocks(name: str, din_invoice: tuple[Extraction, dict]) -> None:
    """GIVEN a 300 dpi scan of a DIN 5008 invoice THEN the address window and the reference block both read right.

    Read as one block, the address lines ran into the reference lines printed beside
    them at another line pitch: "Brennholt Foodservice i | GmbH", "Germany" as "SERATA".
    """
    extraction, expected = din_invoice
    assert extraction.value(name) == expected[name]


@pytest.fixture(scope="module")
def din_invoice(built: Path, ocr_settings: Settings) -> tuple[Extraction, dict]:
    return _scan_demo("invoice-hansa-clean-de", "300dpi", built, ocr_settings)


@pytest.mark.parametrize("name", ["date", "vendor_name", "po_reference", "order_reference", "tracking_number"])
def test_din_bill_of_lading_150dpi_labels(name: str, din_bill_of_lading: tuple[Extraction, dict]) -> None:
    """GIVEN a blurred 150 dpi scan of a DIN bill of lading THEN each reference label finds its value.

    Tesseract's boxes of "Versender-Ref." and "Sendungsnr." spanned the whole text line,
    1.6 times the body height, so the labels were taken for titles and skipped. A rule
    under the sender line came back as "SBE IRANI ..." and was read as the addressee.
    """
    extraction, expected = din_bill_of_lading
    assert extraction.value(name) == expected[name]


@pytest.fixture(scope="module")
def din_bill_of_lading(built: Path, ocr_settings: Settings) -> tuple[Extraction, dict]:
    return _scan_demo("bill-of-lading-rheinblick-clean-de", "150dpi-2deg", built, ocr_settings)
