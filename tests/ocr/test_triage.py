"""Page triage: which pages of a PDF are read from the text layer and which are OCR'd."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from docmatch.extractors.triage import TriageDecision, decide
from tests.ocr.ocr_documents import build_pdf, build_triage_pdf, draw_invoice


@pytest.fixture(scope="module")
def three_pages(built: Path) -> Path:
    return build_triage_pdf(built)


@pytest.fixture(scope="module")
def decisions(three_pages: Path) -> list[TriageDecision]:
    with pdfplumber.open(three_pages) as pdf:
        return [decide(page) for page in pdf.pages]


def test_scan_with_stray_glyph_is_ocred(decisions: list[TriageDecision]) -> None:
    """GIVEN a 300 dpi scan that carries one invisible text glyph THEN it is OCR'd."""
    scan = decisions[0]
    assert scan.text_chars == 1
    assert scan.needs_ocr
    assert scan.uncovered_share > 0.9


def test_born_digital_page_keeps_text_layer(decisions: list[TriageDecision]) -> None:
    page = decisions[1]
    assert not page.needs_ocr
    assert page.reason == "text layer"
    assert page.uncovered_blobs == 0


def test_outlined_text_is_ocred(decisions: list[TriageDecision]) -> None:
    """GIVEN the born-digital page with its glyphs converted to vector paths THEN it is OCR'd."""
    outlines = decisions[2]
    assert outlines.needs_ocr
    assert outlines.reason == "text drawn as vector outlines"


def test_blank_page_needs_nothing(built: Path) -> None:
    blank = built / "blank.pdf"
    pdf = canvas.Canvas(str(blank), pagesize=A4)
    pdf.showPage()
    pdf.save()
    with pdfplumber.open(blank) as document:
        decision = decide(document.pages[0])
    assert not decision.needs_ocr
    assert decision.reason == "blank page"


def test_page_with_logo_keeps_text_layer(built: Path) -> None:
    """GIVEN a born-digital invoice with a large filled logo and ruled lines THEN the text layer is trusted."""

    def invoice_with_logo(pdf: canvas.Canvas) -> None:
        draw_invoice(pdf)
        pdf.setFillGray(0.2)
        pdf.circle(480, 780, 40, stroke=0, fill=1)
        pdf.rect(40, 40, 500, 30, stroke=0, fill=1)
        for y in range(200, 600, 20):
            pdf.line(40, y, 550, y)

    path = build_pdf(built / "invoice-logo.pdf", invoice_with_logo)
    with pdfplumber.open(path) as document:
        decision = decide(document.pages[0])
    assert not decision.needs_ocr
