"""Tesseract on small generated scans: words, boxes, look-alike codes and image inputs.

Each page is read once per module, and the pages are few and small so that the suite
stays fast. `docmatch eval scans` runs the full evaluation.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from docmatch.eval.scans import VARIANTS, scan_pdf
from docmatch.extractors.api import extract_pages
from docmatch.extractors.layout import page_layout, table_grid
from docmatch.extractors.ocr import OrientationMemo, iter_image_pages, ocr_image_file, ocr_pdf_page
from docmatch.extractors.words import PageWords
from docmatch.matchers import match_document
from docmatch.models import ExtractedField
from docmatch.odoo.catalog import Catalog
from docmatch.settings import Settings
from tests.matchers.builders import CatalogBuilder
from tests.ocr.ocr_documents import (
    DELIVERY_NOTE_NUMBER,
    HEIGHT,
    INVOICE_NUMBER,
    INVOICE_TOTAL,
    PACKING_CODES,
    WIDTH,
    build_packing_list_scan,
    build_pdf,
    build_triage_pdf,
    draw_invoice,
    render_page,
)

pytestmark = pytest.mark.ocr


@pytest.fixture(scope="module")
def three_pages(built: Path) -> Path:
    folder = built / "scan-ocr"
    folder.mkdir(exist_ok=True)
    return build_triage_pdf(folder)


@pytest.fixture(scope="module")
def scanned_delivery_note(three_pages: Path, ocr_settings: Settings) -> PageWords:
    return ocr_pdf_page(three_pages, 1, settings=ocr_settings)


@pytest.fixture(scope="module")
def outlined_invoice(three_pages: Path, ocr_settings: Settings) -> PageWords:
    return ocr_pdf_page(three_pages, 3, settings=ocr_settings)


@pytest.fixture(scope="module")
def packing_list(built: Path, ocr_settings: Settings) -> PageWords:
    folder = built / "packing"
    folder.mkdir(exist_ok=True)
    return ocr_image_file(build_packing_list_scan(folder), settings=ocr_settings)[0]


def _texts(page: PageWords) -> list[str]:
    return [word.text for word in page.words]


def _text_layer_words(pdf: Path, page_number: int) -> list[str]:
    with pdfplumber.open(pdf) as document:
        return [word["text"] for word in document.pages[page_number - 1].extract_words()]


def test_delivery_note_number_read_from_scan(scanned_delivery_note: PageWords) -> None:
    assert DELIVERY_NOTE_NUMBER in _texts(scanned_delivery_note)
    assert scanned_delivery_note.source == "ocr"


def test_ocr_boxes_are_points_from_top_left(scanned_delivery_note: PageWords) -> None:
    """The number is printed at x = 120 mm + label, 55 mm below the top edge (baseline)."""
    word = next(word for word in scanned_delivery_note.words if word.text == DELIVERY_NOTE_NUMBER)
    assert scanned_delivery_note.width == pytest.approx(WIDTH, abs=0.5)
    assert scanned_delivery_note.height == pytest.approx(HEIGHT, abs=0.5)
    assert 340 < word.x0 < word.x1 < 560
    assert word.bottom == pytest.approx(55 * 72 / 25.4, abs=3)
    assert 0.5 < word.confidence <= 1.0


def test_outlined_page_reads_like_text_layer(three_pages: Path, outlined_invoice: PageWords) -> None:
    """GIVEN an invoice and its copy drawn as outlines THEN the copy gives the same number and total."""
    text_layer = _text_layer_words(three_pages, 2)
    assert INVOICE_NUMBER in text_layer
    assert INVOICE_TOTAL in text_layer
    assert INVOICE_NUMBER in _texts(outlined_invoice)
    assert INVOICE_TOTAL in _texts(outlined_invoice)


def test_outlined_page_amounts_line_up_in_rows(outlined_invoice: PageWords) -> None:
    lines = [line.text for line in page_layout(outlined_invoice).lines]
    assert any(line.endswith("| 12 | 45.20 | 542.40") for line in lines)
    assert any(line.startswith("Total Due (EUR)") and line.endswith(INVOICE_TOTAL) for line in lines)


PACKING_VENDOR = 41


@pytest.fixture(scope="module")
def packing_catalog() -> Catalog:
    """The vendor's four parts, whose codes differ only by look-alikes, on one purchase order."""
    builder = CatalogBuilder()
    builder.partner(PACKING_VENDOR, "Acme Industrial Supply Ltd")
    for product_id, code in enumerate(PACKING_CODES, start=1):
        builder.product(product_id, code, f"Part {code}")
    builder.order(1, "P00200", PACKING_VENDOR, [dict(product=product_id, qty=quantity, price=1.0) for product_id, quantity in zip(range(1, 5), (4, 10, 25, 8), strict=True)])
    return builder.build()


def test_packing_list_codes_resolve_or_go_to_review(packing_list: PageWords, packing_catalog: Catalog) -> None:
    """GIVEN the scanned packing list and a catalog holding its four look-alike codes WHEN extracted and matched
    THEN the first two lines pair with their one product each, and both AB lines go to review with the AB pair."""
    extraction = extract_pages([packing_list])
    # The packing list prints no header fields; the order and vendor stand in for them.
    extraction.fields["po_reference"] = ExtractedField(value="P00200", confidence=0.95, page=1)
    extraction.fields["vendor_name"] = ExtractedField(value="Acme Industrial Supply Ltd", confidence=0.95, page=1)
    assert extraction.method == "ocr"
    assert len(extraction.lines) == 4

    result = match_document(extraction, packing_catalog)

    pairs = {pair.document_line: pair for pair in result.pairs if pair.document_line is not None}
    assert pairs[0].product is not None
    assert pairs[0].product.id == 1
    assert pairs[1].product is not None
    assert pairs[1].product.id == 2
    for index in (2, 3):
        assert pairs[index].product is None
        assert pairs[index].issue == "ambiguous"
        assert {candidate.id for candidate in pairs[index].candidates} == {3, 4}


def test_packing_list_quantities_survive(packing_list: PageWords) -> None:
    """A column of one- and two-digit quantities must not be dropped as noise."""
    grid = table_grid(list(page_layout(packing_list).lines))
    quantities = [row[-1].text for row in grid.rows[1:]]
    assert quantities == ["4", "10", "25", "8"]


@pytest.fixture(scope="module")
def invoice_pdf(built: Path) -> Path:
    return build_pdf(built / "ocr-invoice.pdf", draw_invoice)


def _top_half(image: Image.Image) -> Image.Image:
    return image.crop((0, 0, image.width, image.height * 2 // 5))


def test_skewed_150dpi_scan_reads_numbers(invoice_pdf: Path, built: Path, ocr_settings: Settings) -> None:
    scan = scan_pdf(invoice_pdf, VARIANTS["150dpi-2deg"], built / "invoice-150dpi.pdf", seed=3)
    texts = _texts(ocr_pdf_page(scan, 1, settings=ocr_settings))
    assert INVOICE_NUMBER in texts
    assert INVOICE_TOTAL in texts
    assert "542.40" in texts


def test_stamp_and_signature_do_not_hide_text(invoice_pdf: Path, built: Path, ocr_settings: Settings) -> None:
    scan = scan_pdf(invoice_pdf, VARIANTS["stamped"], built / "invoice-stamped.pdf", seed=1)
    texts = _texts(ocr_pdf_page(scan, 1, settings=ocr_settings))
    assert INVOICE_NUMBER in texts
    assert INVOICE_TOTAL in texts


def test_fax_tiff_pages_are_read_in_turn(invoice_pdf: Path, built: Path, ocr_settings: Settings) -> None:
    """GIVEN a two-page group 4 TIFF THEN each frame becomes one page of words."""
    two_pages = build_pdf(built / "two-invoices.pdf", draw_invoice, draw_invoice)
    tiff = scan_pdf(two_pages, VARIANTS["fax"], built / "fax.tiff", output="tiff")
    pages = list(iter_image_pages(tiff, settings=ocr_settings))
    assert [page.number for page in pages] == [1, 2]
    for page in pages:
        assert INVOICE_NUMBER in _texts(page)
        assert page.width == pytest.approx(WIDTH, abs=2)


def test_jpeg_without_dpi_and_transparent_png(invoice_pdf: Path, built: Path, ocr_settings: Settings) -> None:
    """Neither a JPEG without DPI nor a PNG with a transparent margin may lose the header."""
    clean = _top_half(render_page(invoice_pdf, dpi=150, grayscale=False))
    jpeg = built / "no-dpi.jpg"
    clean.save(jpeg, quality=80)
    transparent = Image.new("RGBA", (clean.width + 200, clean.height + 200), (0, 0, 0, 0))
    transparent.paste(clean.convert("RGBA"), (100, 100))
    png = built / "transparent.png"
    transparent.save(png, dpi=(150, 150))

    for path in (jpeg, png):
        page = ocr_image_file(path, settings=ocr_settings)[0]
        assert INVOICE_NUMBER in _texts(page), path.name
        assert "14/03/2024" in _texts(page), path.name


def test_upside_down_page_is_turned(invoice_pdf: Path, built: Path, ocr_settings: Settings) -> None:
    """GIVEN a page scanned upside down THEN OSD turns it, and the next page reuses the rotation."""
    image = _top_half(render_page(invoice_pdf, dpi=300)).rotate(180)
    path = built / "upside-down.png"
    image.save(path, dpi=(300, 300))
    pages = list(iter_image_pages(path, settings=ocr_settings))
    assert INVOICE_NUMBER in _texts(pages[0])


def test_memo_carries_rotation_to_next_page(invoice_pdf: Path, built: Path, ocr_settings: Settings) -> None:
    memo = OrientationMemo(rotation=180)
    upside = built / "upside-down-page.pdf"
    image = render_page(invoice_pdf, dpi=150).rotate(180)
    image.save(upside, format="PDF", resolution=150.0)
    page = ocr_pdf_page(upside, 1, settings=ocr_settings, memo=memo)
    assert INVOICE_NUMBER in _texts(page)
    assert memo.osd_runs == 0


def test_missing_ocr_language_is_named() -> None:
    """GIVEN a language Tesseract has no data for WHEN a page is read THEN the error names it instead of reading on without it."""
    from docmatch.errors import ConfigurationError
    from docmatch.extractors.ocr import check_languages

    with pytest.raises(ConfigurationError) as raised:
        check_languages("eng+xqz")

    assert "no language data for xqz" in raised.value.message
    assert "tesseract-ocr-xqz" in raised.value.hint


def test_installed_ocr_languages_pass() -> None:
    from docmatch.extractors.ocr import check_languages

    check_languages("eng+deu+fra+nld+spa+ita")
