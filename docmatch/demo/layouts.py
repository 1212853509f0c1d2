"""Print a `DocumentSpec` as a PDF with reportlab, in one of three layouts.

    classic  sender top left, title and reference block top right, a grey table header,
             every row ruled; dates in English as "14 Mar 2025"
    modern   large title top left, references in a row of boxes, a dark table header,
             no position column, shaded rows; English dates as "2025-03-14"
    din      a German business-letter grid: return address above the recipient
             window, an information block on the right, quantity and unit before the
             item code, horizontal rules only; English dates as "March 14, 2025"

German documents use a decimal comma, a full stop for thousands and dd.mm.yyyy dates
in every layout. Line tables that do not fit continue on the next page under a
repeated header; priced tables then print a carried-forward amount at the foot of the
page and a brought-forward amount on top of the next, as many ERP systems do.
PDFs are written with reportlab's invariant mode, so the same spec gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from docmatch.demo.company import COMPANY
from docmatch.demo.documents import DocumentSpec, Party, PrintedLine

PAGE_WIDTH, PAGE_HEIGHT = A4
ROW_HEIGHT = 6.0  # mm
TABLE_BOTTOM = 232.0  # mm from the top: rows below this go to the next page
TOTALS_SPACE = 40.0  # mm needed under the table on the last page

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title.invoice": "INVOICE", "title.credit_note": "CREDIT NOTE", "title.purchase_order": "PURCHASE ORDER",
        "title.bill_of_lading": "BILL OF LADING", "title.proof_of_delivery": "PROOF OF DELIVERY", "title.delivery_note": "DELIVERY NOTE",
        "number.invoice": "Invoice No.", "number.credit_note": "Credit Note No.", "number.purchase_order": "PO Number",
        "number.bill_of_lading": "B/L No.", "number.proof_of_delivery": "POD No.", "number.delivery_note": "Delivery Note No.",
        "date.invoice": "Invoice Date", "date.credit_note": "Credit Note Date", "date.purchase_order": "Order Date",
        "date.bill_of_lading": "Ship Date", "date.proof_of_delivery": "Delivered On", "date.delivery_note": "Date",
        "po_reference": "Your Order", "po_reference.logistics": "Customer PO", "order_reference.credit_note": "Original Invoice",
        "order_reference.logistics": "Shipper Ref.", "due_date": "Due Date", "delivery_date": "Delivery Date",
        "delivery_date.purchase_order": "Requested Delivery", "carrier": "Carrier", "tracking_number": "PRO No.", "currency": "Currency",
        "vat": "VAT ID", "bill_to": "Bill to", "supplier": "Supplier", "ship_to": "Deliver to", "shipper": "Shipper", "consignee": "Consignee",
        "pos": "Pos", "unit_short": "Unit", "code": "Item", "description": "Description", "qty": "Qty", "unit": "Unit", "price": "Unit Price", "amount": "Amount",
        "weight": "Weight kg", "shipped": "Shipped", "received": "Received", "damaged": "Damaged", "remark": "Remarks", "handling": "Units",
        "net": "Net amount", "vat_line": "VAT {rate}", "reverse_charge": "VAT 0% (reverse charge)", "no_vat": "VAT 0% (export)", "total": "Total {currency}",
        "carried": "Carried forward", "brought": "Brought forward", "page": "Page {page} of {pages}",
        "terms.invoice": "Payment terms: 30 days net. Please quote the invoice number with your payment.",
        "terms.credit_note": "This amount will be set off against open invoices.",
        "terms.purchase_order": "Please confirm this order and quote our PO number on all documents.",
        "terms.bill_of_lading": "Received in apparent good order and condition, except as noted.",
        "terms.proof_of_delivery": "Goods received by consignee. Signature on file.",
        "terms.delivery_note": "Please check the goods on arrival and report damage within 48 hours.",
        "total_weight": "Total weight kg",
    },
    "de": {
        "title.invoice": "RECHNUNG", "title.credit_note": "GUTSCHRIFT", "title.purchase_order": "BESTELLUNG",
        "title.bill_of_lading": "FRACHTBRIEF", "title.proof_of_delivery": "ABLIEFERBELEG", "title.delivery_note": "LIEFERSCHEIN",
        "number.invoice": "Rechnungsnr.", "number.credit_note": "Gutschrift-Nr.", "number.purchase_order": "Bestellnummer",
        "number.bill_of_lading": "Frachtbrief-Nr.", "number.proof_of_delivery": "Beleg-Nr.", "number.delivery_note": "Lieferschein-Nr.",
        "date.invoice": "Rechnungsdatum", "date.credit_note": "Datum", "date.purchase_order": "Bestelldatum",
        "date.bill_of_lading": "Versanddatum", "date.proof_of_delivery": "Zugestellt am", "date.delivery_note": "Datum",
        "po_reference": "Ihre Bestellung", "po_reference.logistics": "Kundenbestellung", "order_reference.credit_note": "Zu Rechnung",
        "order_reference.logistics": "Versender-Ref.", "due_date": "Fällig am", "delivery_date": "Lieferdatum",
        "delivery_date.purchase_order": "Liefertermin", "carrier": "Frachtführer", "tracking_number": "Sendungsnr.", "currency": "Währung",
        "vat": "USt-IdNr.", "bill_to": "Rechnungsempfänger", "supplier": "Lieferant", "ship_to": "Lieferanschrift", "shipper": "Versender", "consignee": "Empfänger",
        "pos": "Pos.", "unit_short": "Einh.", "code": "Artikel", "description": "Bezeichnung", "qty": "Menge", "unit": "Einheit", "price": "Einzelpreis", "amount": "Betrag",
        "weight": "Gewicht kg", "shipped": "Versandt", "received": "Erhalten", "damaged": "Beschädigt", "remark": "Bemerkung", "handling": "Anzahl",
        "net": "Nettobetrag", "vat_line": "zzgl. USt. {rate}", "reverse_charge": "USt. 0 % (Reverse Charge)", "no_vat": "USt. 0 % (Ausfuhr)", "total": "Gesamtbetrag {currency}",
        "carried": "Übertrag", "brought": "Übertrag von Seite {previous}", "page": "Seite {page} von {pages}",
        "terms.invoice": "Zahlbar innerhalb von 30 Tagen ohne Abzug. Bitte geben Sie die Rechnungsnummer an.",
        "terms.credit_note": "Der Betrag wird mit offenen Rechnungen verrechnet.",
        "terms.purchase_order": "Bitte bestätigen Sie diese Bestellung und nennen Sie unsere Bestellnummer auf allen Belegen.",
        "terms.bill_of_lading": "Ware in äußerlich guter Verfassung übernommen, soweit nicht anders vermerkt.",
        "terms.proof_of_delivery": "Ware vom Empfänger übernommen. Unterschrift liegt vor.",
        "terms.delivery_note": "Bitte prüfen Sie die Ware bei Anlieferung und melden Sie Schäden innerhalb von 48 Stunden.",
        "total_weight": "Gesamtgewicht kg",
    },
}

_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]


# --- locale formatting -------------------------------------------------------------------


def format_amount(value: float, language: str) -> str:
    text = f"{value:,.2f}"
    if language == "de":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def format_quantity(value: float, language: str) -> str:
    if float(value).is_integer():
        return f"{int(value)}"
    text = f"{value:.3f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    if len(text.split(".")[1]) < 2:
        text += "0"
    return text.replace(".", ",") if language == "de" else text


def format_date(value: date, language: str, layout: str) -> str:
    if language == "de":
        return value.strftime("%d.%m.%Y")
    if layout == "classic":
        return f"{value.day:02d} {_MONTHS[value.month - 1]} {value.year}"
    if layout == "modern":
        return value.isoformat()
    return f"{_LONG_MONTHS[value.month - 1]} {value.day}, {value.year}"


def format_rate(rate: float, language: str) -> str:
    percent = f"{rate * 100:g}"
    return f"{percent.replace('.', ',')} %" if language == "de" else f"{percent}%"


# --- drawing -----------------------------------------------------------------------------


class Sheet:
    """A reportlab canvas addressed in millimetres from the top left of the page."""

    def __init__(self, path: Path) -> None:
        self.canvas = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        self.canvas.setTitle(path.stem)
        self.canvas.setAuthor("docmatch demo generator")

    def text(self, x: float, y: float, value: str, *, size: float = 9, bold: bool = False, align: str = "left", color: colors.Color = colors.black) -> None:
        font = "Helvetica-Bold" if bold else "Helvetica"
        self.canvas.setFont(font, size)
        self.canvas.setFillColor(color)
        px, py = x * mm, PAGE_HEIGHT - y * mm
        if align == "right":
            self.canvas.drawRightString(px, py, value)
        elif align == "center":
            self.canvas.drawCentredString(px, py, value)
        else:
            self.canvas.drawString(px, py, value)
        self.canvas.setFillColor(colors.black)

    def rule(self, x1: float, y1: float, x2: float, y2: float, *, width: float = 0.5, color: colors.Color = colors.grey) -> None:
        self.canvas.setStrokeColor(color)
        self.canvas.setLineWidth(width)
        self.canvas.line(x1 * mm, PAGE_HEIGHT - y1 * mm, x2 * mm, PAGE_HEIGHT - y2 * mm)

    def band(self, x: float, y: float, width: float, height: float, color: colors.Color) -> None:
        """Fill a rectangle whose top left corner is at (x, y)."""
        self.canvas.setFillColor(color)
        self.canvas.rect(x * mm, PAGE_HEIGHT - (y + height) * mm, width * mm, height * mm, stroke=0, fill=1)
        self.canvas.setFillColor(colors.black)

    def box(self, x: float, y: float, width: float, height: float) -> None:
        self.canvas.setStrokeColor(colors.black)
        self.canvas.setLineWidth(0.6)
        self.canvas.rect(x * mm, PAGE_HEIGHT - (y + height) * mm, width * mm, height * mm, stroke=1, fill=0)

    def next_page(self) -> None:
        self.canvas.showPage()

    def save(self) -> None:
        self.canvas.save()


@dataclass(frozen=True, slots=True)
class Column:
    key: str  # cell key, and label key unless `label` is given
    x: float  # mm; the left edge, or the right edge when right-aligned
    width: float
    align: str = "left"
    label: str | None = None


CELL_SIZE = 9.0  # points
SMALLEST_CELL_SIZE = 7.0  # points; long texts shrink to this before they are cut


def cell_size(value: str, width_mm: float) -> float:
    """Return the largest font size, down to 7 pt, at which `value` fits `width_mm`."""
    size = CELL_SIZE
    while size > SMALLEST_CELL_SIZE and stringWidth(value, "Helvetica", size) > width_mm * mm:
        size -= 0.5
    return size


def fit(value: str, width_mm: float, size: float = CELL_SIZE) -> str:
    """Shorten `value` with an ellipsis so that it fits `width_mm`."""
    if stringWidth(value, "Helvetica", size) <= width_mm * mm:
        return value
    while value and stringWidth(value + "...", "Helvetica", size) > width_mm * mm:
        value = value[:-1]
    return value.rstrip() + "..."


def columns_for(spec: DocumentSpec) -> list[Column]:
    """Return the line-table columns of the document type in the spec's layout."""
    kind, layout = spec.doc_type, spec.layout
    if kind in ("invoice", "credit_note", "purchase_order"):
        if layout == "modern":
            return [Column("code", 20, 29), Column("description", 50, 64), Column("qty", 130, 14, "right"), Column("unit", 132, 12), Column("price", 165, 26, "right"), Column("amount", 190, 24, "right")]
        if layout == "din":
            return [Column("pos", 20, 9), Column("qty", 42, 12, "right"), Column("unit", 44, 11), Column("code", 56, 29), Column("description", 86, 52), Column("price", 163, 24, "right"), Column("amount", 190, 25, "right")]
        return [Column("pos", 20, 8), Column("code", 28, 29), Column("description", 58, 60), Column("qty", 133, 14, "right"), Column("unit", 135, 11), Column("price", 166, 24, "right"), Column("amount", 190, 23, "right")]
    if kind == "delivery_note":
        if layout == "din":
            return [Column("pos", 20, 9), Column("qty", 45, 15, "right"), Column("unit", 47, 12), Column("code", 61, 29), Column("description", 91, 99)]
        return [Column("pos", 20, 9), Column("code", 29, 29), Column("description", 60, 95), Column("qty", 172, 15, "right"), Column("unit", 176, 14)]
    if kind == "bill_of_lading":
        return [Column("pos", 20, 9), Column("handling", 42, 14, "right"), Column("unit", 45, 12), Column("code", 60, 30), Column("description", 92, 70), Column("weight", 190, 24, "right")]
    # proof of delivery
    return [Column("pos", 20, 7), Column("code", 28.5, 29), Column("description", 58.5, 40), Column("unit", 101, 9, label="unit_short"), Column("shipped", 126, 14, "right"), Column("received", 143, 15, "right"), Column("damaged", 162, 16, "right"), Column("remark", 165, 25)]


def cells(spec: DocumentSpec, position: int, line: PrintedLine) -> dict[str, str]:
    """Return the printed text of each column for one line."""
    language = spec.language
    sign = "-" if spec.negative else ""
    values = {
        "pos": str(position),
        "code": line.code or "",
        "description": line.description,
        "qty": sign + format_quantity(line.quantity, language),
        "handling": format_quantity(line.quantity, language),
        "unit": line.uom,
        "price": format_amount(line.unit_price, language) if line.unit_price is not None else "",
        "amount": sign + format_amount(line.amount, language) if line.amount is not None else "",
        "weight": format_quantity(line.weight, language) if line.weight is not None else "",
        "shipped": format_quantity(line.shipped, language) if line.shipped is not None else "",
        "received": format_quantity(line.received, language) if line.received is not None else "",
        "damaged": format_quantity(line.damaged, language) if line.damaged is not None else "",
        "remark": line.remark or "",
    }
    return values


# --- the shared page flow -----------------------------------------------------------------


@dataclass
class Style:
    """The parts a layout draws around the shared line table."""

    first_page: Callable[[Sheet, DocumentSpec], float]  # draws the header, returns the table top (mm)
    next_page_top: Callable[[Sheet, DocumentSpec, int], float]
    header_row: Callable[[Sheet, DocumentSpec, list[Column], float], float]
    row: Callable[[Sheet, DocumentSpec, list[Column], dict[str, str], float, int], None]
    totals: Callable[[Sheet, DocumentSpec, float], float]
    footer: Callable[[Sheet, DocumentSpec, int, int], None]


def paginate(spec: DocumentSpec, first_top: float, next_top: float) -> list[list[int]]:
    """Split line indexes into pages so that the last page keeps room for the totals.

    A page takes as many rows as fit. When the remaining rows fit but the totals would
    not, the last row moves to the next page, as ERP reports do.
    """
    indexes = list(range(len(spec.lines)))
    pages: list[list[int]] = []
    top = first_top
    while True:
        capacity = int((TABLE_BOTTOM - top - 2 * ROW_HEIGHT) // ROW_HEIGHT)
        with_totals = int((TABLE_BOTTOM + 20 - TOTALS_SPACE - top - 2 * ROW_HEIGHT) // ROW_HEIGHT)
        if len(indexes) <= with_totals:
            pages.append(indexes)
            return pages
        take = max(1, min(capacity, len(indexes) - 1))
        pages.append(indexes[:take])
        indexes = indexes[take:]
        top = next_top


def draw(spec: DocumentSpec, style: Style, path: Path) -> None:
    sheet = Sheet(path)
    columns = columns_for(spec)
    labels = LABELS[spec.language]
    top = style.first_page(sheet, spec)
    pages = paginate(spec, top, 48.0)
    running = 0.0
    for page_number, indexes in enumerate(pages, start=1):
        if page_number > 1:
            top = style.next_page_top(sheet, spec, page_number)
        y = style.header_row(sheet, spec, columns, top)
        if page_number > 1 and spec.priced:
            label = labels["brought"].format(previous=page_number - 1)
            sheet.text(columns[1].x if columns[0].key == "pos" else columns[0].x, y, label, bold=True)
            sheet.text(190, y, format_amount(running, spec.language), align="right", bold=True)
            y += ROW_HEIGHT
        for index in indexes:
            line = spec.lines[index]
            style.row(sheet, spec, columns, cells(spec, index + 1, line), y, index)
            running += line.amount or 0.0
            y += ROW_HEIGHT
        if page_number < len(pages):
            if spec.priced:
                sheet.rule(20, y - 3.5, 190, y - 3.5)
                sheet.text(columns[1].x if columns[0].key == "pos" else columns[0].x, y + 1, labels["carried"], bold=True)
                sheet.text(190, y + 1, format_amount(running, spec.language), align="right", bold=True)
            style.footer(sheet, spec, page_number, len(pages))
            sheet.next_page()
    y = style.totals(sheet, spec, y + 2)
    # Unpriced papers have no totals block; their closing text keeps a clear gap to the table.
    remarks(sheet, spec, y + (4 if spec.priced else 12))
    style.footer(sheet, spec, len(pages), len(pages))
    sheet.save()


def remarks(sheet: Sheet, spec: DocumentSpec, y: float) -> None:
    labels = LABELS[spec.language]
    for offset, text in enumerate([*spec.remarks, labels[f"terms.{spec.doc_type}"]]):
        sheet.text(20, y + offset * 4.5, text, size=8)


def total_lines(spec: DocumentSpec) -> list[tuple[str, str, bool]]:
    """Return the totals block as (label, value, bold) rows, or the weight for logistics papers."""
    labels = LABELS[spec.language]
    language = spec.language
    sign = "-" if spec.negative else ""
    if not spec.priced:
        if spec.doc_type == "bill_of_lading":
            weight = sum(line.weight or 0.0 for line in spec.lines)
            return [(labels["total_weight"], format_quantity(round(weight, 1), language), True)]
        return []
    def signed(value: float) -> str:
        return (sign if value else "") + format_amount(value, language)

    rows = [(labels["net"], signed(spec.net), False)]
    for rate, amount in spec.tax_groups().items():
        if rate:
            label = labels["vat_line"].format(rate=format_rate(rate, language))
        else:
            label = labels["no_vat"] if spec.issuer.address[-1] == "United States" else labels["reverse_charge"]
        rows.append((label, signed(amount), False))
    rows.append((labels["total"].format(currency=spec.currency), signed(spec.total), True))
    return rows


def meta_rows(spec: DocumentSpec) -> list[tuple[str, str]]:
    """Return the reference block: number, date and every other printed reference."""
    labels = LABELS[spec.language]
    kind = spec.doc_type
    logistics = kind in ("bill_of_lading", "proof_of_delivery")
    rows = [(labels[f"number.{kind}"], spec.number), (labels[f"date.{kind}"], format_date(spec.issue_date, spec.language, spec.layout))]
    if spec.po_reference:
        rows.append((labels["po_reference.logistics" if logistics else "po_reference"], spec.po_reference))
    if spec.order_reference:
        rows.append((labels["order_reference.credit_note" if kind == "credit_note" else "order_reference.logistics"], spec.order_reference))
    if spec.due_date:
        rows.append((labels["due_date"], format_date(spec.due_date, spec.language, spec.layout)))
    if spec.delivery_date and kind != "proof_of_delivery":
        key = "delivery_date.purchase_order" if kind == "purchase_order" else "delivery_date"
        rows.append((labels[key], format_date(spec.delivery_date, spec.language, spec.layout)))
    if spec.carrier:
        rows.append((labels["carrier"], spec.carrier))
    if spec.tracking_number:
        rows.append((labels["tracking_number"], spec.tracking_number))
    if spec.priced:
        rows.append((labels["currency"], spec.currency))
    return rows


def parties(spec: DocumentSpec) -> list[tuple[str, Party]]:
    """Return the address blocks besides the issuer's letterhead."""
    labels = LABELS[spec.language]
    if spec.doc_type in ("bill_of_lading", "proof_of_delivery"):
        return [(labels["shipper"], Party.of(COMPANY)), (labels["consignee"], spec.recipient)]
    if spec.doc_type == "purchase_order":
        return [(labels["supplier"], spec.recipient), (labels["ship_to"], spec.issuer)]
    if spec.doc_type == "delivery_note":
        return [(labels["ship_to"], spec.recipient)]
    return [(labels["bill_to"], spec.recipient)]


def party_block(sheet: Sheet, x: float, y: float, title: str, party: Party, language: str) -> None:
    sheet.text(x, y, title, bold=True, size=8, color=colors.HexColor("#555555"))
    sheet.text(x, y + 5, party.name, bold=True)
    for offset, text in enumerate(party.address):
        sheet.text(x, y + 9.5 + offset * 4.2, text)
    if party.vat:
        sheet.text(x, y + 9.5 + len(party.address) * 4.2, f"{LABELS[language]['vat']}: {party.vat}", size=8)


def footer_text(spec: DocumentSpec) -> str:
    issuer = spec.issuer
    parts = [issuer.name, ", ".join(issuer.address)]
    if issuer.vat:
        parts.append(f"{LABELS[spec.language]['vat']} {issuer.vat}")
    if issuer.email:
        parts.append(issuer.email)
    return "  |  ".join(parts)


def fit_to_columns(spec: DocumentSpec) -> None:
    """Shorten descriptions and remarks that do not fit their column even at 7 pt, in the spec itself.

    The expected file is written from the spec after this, so it contains the text the
    page shows.
    """
    widths = {column.key: column.width for column in columns_for(spec)}
    for line in spec.lines:
        if line.code and fit(line.code, widths["code"]) != line.code:
            raise ValueError(f"{spec.name}: item code {line.code!r} does not fit the {spec.layout} code column")
        line.description = fit(line.description, widths["description"], SMALLEST_CELL_SIZE)
        if line.remark and "remark" in widths:
            line.remark = fit(line.remark, widths["remark"], SMALLEST_CELL_SIZE)


def render(spec: DocumentSpec, path: Path) -> None:
    """Write `spec` as a PDF at `path` in the spec's layout."""
    from docmatch.demo import styles

    fit_to_columns(spec)
    draw(spec, styles.STYLES[spec.layout], path)
