"""Small documents built for the OCR tests: reportlab pages, their scans and outline copies.

Every document is generated here from invented names and numbers, so no sample file is
kept in the repository and every expected value sits next to the code that prints it.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pikepdf
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from docmatch.pdfium import open_pdf, render_image

WIDTH, HEIGHT = A4

DELIVERY_NOTE_NUMBER = "DN-2024-0815"
INVOICE_NUMBER = "INV-2024-004817"
INVOICE_TOTAL = "1,290.34"
PACKING_CODES = ("B0O-10L1", "PN-0O1I-57", "AB-100", "AB-10O")


def draw_delivery_note(pdf: canvas.Canvas) -> None:
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(20 * mm, HEIGHT - 30 * mm, "DELIVERY NOTE")
    pdf.setFont("Helvetica", 11)
    pdf.drawString(20 * mm, HEIGHT - 40 * mm, "Rhine Valley Packaging GmbH, Hafenstrasse 12, 68159 Mannheim")
    pdf.drawString(120 * mm, HEIGHT - 55 * mm, f"Delivery note no: {DELIVERY_NOTE_NUMBER}")
    pdf.drawString(120 * mm, HEIGHT - 61 * mm, "Date: 12/03/2024")
    pdf.drawString(120 * mm, HEIGHT - 67 * mm, "Your order: PO-55120")
    pdf.setFont("Helvetica-Bold", 11)
    for x, title in ((20, "Item"), (55, "Description"), (150, "Qty"), (170, "Unit")):
        pdf.drawString(x * mm, HEIGHT - 90 * mm, title)
    pdf.setFont("Helvetica", 11)
    rows = [
        ("CT-200", "Cable tie 200 mm, black", "24", "EA"),
        ("PB-4512", "Pallet banding 12 mm", "6", "RL"),
        ("SW-1000", "Stretch wrap 500 mm", "12", "RL"),
    ]
    for index, row in enumerate(rows):
        y = HEIGHT - (98 + 7 * index) * mm
        for x, value in zip((20, 55, 150, 170), row, strict=True):
            pdf.drawString(x * mm, y, value)
    pdf.drawString(20 * mm, HEIGHT - 140 * mm, "Received in good condition: ______________________")


def draw_invoice(pdf: canvas.Canvas) -> None:
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(20 * mm, HEIGHT - 30 * mm, "INVOICE")
    pdf.setFont("Helvetica", 11)
    pdf.drawString(20 * mm, HEIGHT - 40 * mm, "Northwind Wholesale Foods B.V., Industrieweg 114, Rotterdam")
    pdf.drawString(120 * mm, HEIGHT - 55 * mm, f"Invoice No: {INVOICE_NUMBER}")
    pdf.drawString(120 * mm, HEIGHT - 61 * mm, "Invoice Date: 14/03/2024")
    lines = [("Olive oil 5 L tin", "12", "45.20", "542.40"), ("Basmati rice 10 kg", "20", "26.20", "524.00")]
    for index, (description, quantity, price, amount) in enumerate(lines):
        y = HEIGHT - (90 + 7 * index) * mm
        pdf.drawString(20 * mm, y, description)
        pdf.drawRightString(130 * mm, y, quantity)
        pdf.drawRightString(160 * mm, y, price)
        pdf.drawRightString(190 * mm, y, amount)
    pdf.drawString(120 * mm, HEIGHT - 115 * mm, "VAT 21%")
    pdf.drawRightString(190 * mm, HEIGHT - 115 * mm, "223.94")
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(120 * mm, HEIGHT - 122 * mm, "Total Due (EUR)")
    pdf.drawRightString(190 * mm, HEIGHT - 122 * mm, INVOICE_TOTAL)


def draw_packing_list(pdf: canvas.Canvas) -> None:
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(20 * mm, HEIGHT - 30 * mm, "PACKING LIST")
    pdf.setFont("Helvetica-Bold", 11)
    for x, title in ((20, "Part number"), (80, "Description"), (170, "Qty")):
        pdf.drawString(x * mm, HEIGHT - 50 * mm, title)
    descriptions = ("Bearing housing", "Gasket set", "Angle bracket", "Angle bracket, long")
    quantities = ("4", "10", "25", "8")
    for index, (code, description, quantity) in enumerate(zip(PACKING_CODES, descriptions, quantities, strict=True)):
        y = HEIGHT - (60 + 9 * index) * mm
        # Alternate rows are set in a monospace and a sans font, as on many printed lists.
        pdf.setFont("Courier" if index % 2 == 0 else "Helvetica", 12)
        pdf.drawString(20 * mm, y, code)
        pdf.setFont("Helvetica", 11)
        pdf.drawString(80 * mm, y, description)
        pdf.drawRightString(180 * mm, y, quantity)


# Quantity and unit of each line item, printed as separate table cells.
UNIT_CELL_ROWS = (("12", "L"), ("36", "KG"), ("5", "CS"), ("24", "L"), ("8", "PC"), ("20", "DZ"), ("11", "BG"), ("400", "EA"))
# The quantity cell ends this far left of the unit cell, in millimetres.
UNIT_CELL_GAP_MM = 2.0
QUANTITY_RIGHT_MM = 133.0


def draw_unit_columns(pdf: canvas.Canvas) -> None:
    """Draw invoice lines in 9 pt whose quantity is right-aligned 2 mm before a left-aligned unit."""
    descriptions = ("Cream 32% 1 L carton", "Young Gouda wheel approx. 12 kg", "Still water 1.5 L, pack of 6", "Whole milk 3.5% 1 L",
                    "Olive oil 5 L tin", "Free range eggs L", "Basmati rice 10 kg", "Butter 250 g block")
    prices = (("2.95", "35.40"), ("7.85", "282.60"), ("4.10", "20.50"), ("1.15", "27.60"), ("45.20", "361.60"), ("3.10", "62.00"), ("26.20", "288.20"), ("1.62", "648.00"))
    unit_left = (QUANTITY_RIGHT_MM + UNIT_CELL_GAP_MM) * mm
    pdf.setFont("Helvetica-Bold", 9)
    top = HEIGHT - 100 * mm
    pdf.drawString(20 * mm, top, "Pos")
    pdf.drawString(58 * mm, top, "Description")
    pdf.drawRightString(QUANTITY_RIGHT_MM * mm, top, "Qty")
    pdf.drawString(unit_left, top, "Unit")
    pdf.drawRightString(166 * mm, top, "Unit Price")
    pdf.drawRightString(190 * mm, top, "Amount")
    pdf.setFont("Helvetica", 9)
    for index, ((quantity, unit), description, (price, amount)) in enumerate(zip(UNIT_CELL_ROWS, descriptions, prices, strict=True)):
        y = top - 6 * (index + 1) * mm
        pdf.drawString(20 * mm, y, str(index + 1))
        pdf.drawString(58 * mm, y, description)
        pdf.drawRightString(QUANTITY_RIGHT_MM * mm, y, quantity)
        pdf.drawString(unit_left, y, unit)
        pdf.drawRightString(166 * mm, y, price)
        pdf.drawRightString(190 * mm, y, amount)


def build_pdf(path: Path, *drawers) -> Path:  # type: ignore[no-untyped-def]
    """Write one page per drawer function into a new PDF at `path`."""
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for draw in drawers:
        draw(pdf)
        pdf.showPage()
    pdf.save()
    return path


def render_page(pdf_path: Path, *, dpi: int, page_index: int = 0, grayscale: bool = True) -> Image.Image:
    with open_pdf(pdf_path) as document:
        image = render_image(document[page_index], scale=dpi / 72, grayscale=grayscale)
    return image.convert("L" if grayscale else "RGB")


def scanned_page_with_stray_glyph(pdf: canvas.Canvas, scan: Image.Image) -> None:
    """Draw `scan` over the whole page and one invisible text glyph "1" in a corner."""
    buffer = io.BytesIO()
    scan.save(buffer, format="PNG")
    buffer.seek(0)
    pdf.drawImage(ImageReader(buffer), 0, 0, width=WIDTH, height=HEIGHT)
    text = pdf.beginText(WIDTH - 15 * mm, 10 * mm)
    text.setTextRenderMode(3)
    text.setFont("Helvetica", 8)
    text.textOut("1")
    pdf.drawText(text)


def convert_to_outlines(source: Path, target: Path) -> Path:
    """Rewrite `source` with Ghostscript so that every glyph becomes a vector path."""
    gs = shutil.which("gs")
    if gs is None:
        raise RuntimeError("Ghostscript (gs) is missing; scripts/setup.sh installs it")
    subprocess.run(
        [gs, "-q", "-dBATCH", "-dNOPAUSE", "-dSAFER", "-dNoOutputFonts", "-sDEVICE=pdfwrite", f"-sOutputFile={target}", str(source)],
        check=True,
        timeout=60,
    )
    return target


def build_triage_pdf(folder: Path) -> Path:
    """Build the three-page PDF: a scan with a stray glyph, a born-digital invoice, its outline copy."""
    delivery_note = build_pdf(folder / "delivery-note.pdf", draw_delivery_note)
    scan = render_page(delivery_note, dpi=300)

    scanned = folder / "scanned.pdf"
    pdf = canvas.Canvas(str(scanned), pagesize=A4)
    scanned_page_with_stray_glyph(pdf, scan)
    pdf.showPage()
    pdf.save()

    invoice = build_pdf(folder / "invoice.pdf", draw_invoice)
    outlines = convert_to_outlines(invoice, folder / "invoice-outlines.pdf")

    combined = folder / "three-pages.pdf"
    with pikepdf.Pdf.new() as merged:
        for part in (scanned, invoice, outlines):
            with pikepdf.Pdf.open(part) as source:
                merged.pages.extend(source.pages)
        merged.save(combined)
    return combined


def build_packing_list_scan(folder: Path, *, dpi: int = 300) -> Path:
    """Write a grey PNG scan of the packing list at `dpi`, with the DPI in its metadata."""
    pdf_path = build_pdf(folder / "packing-list.pdf", draw_packing_list)
    image = render_page(pdf_path, dpi=dpi)
    target = folder / "packing-list.png"
    image.save(target, dpi=(dpi, dpi))
    return target
