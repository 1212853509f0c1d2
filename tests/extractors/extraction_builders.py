"""Build the small PDFs the extractor tests read, with reportlab and pikepdf.

Every document is invented; names and numbers mean nothing. Each builder writes one
file into the folder it is given and returns its path.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pikepdf
import reportlab
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

WIDTH, HEIGHT = A4
# Bitstream Vera ships with reportlab and has the fi and fl ligature glyphs.
LIGATURE_FONT = "VeraLig"
pdfmetrics.registerFont(TTFont(LIGATURE_FONT, os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")))

# Column x positions in points: position, code, description, qty, uom (left), price, amount (right).
COLUMNS = (50, 80, 150, 330, 370, 470, 545)


class Sheet:
    """A reportlab canvas with helpers for rows drawn top-down in points."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.canvas = canvas.Canvas(str(path), pagesize=A4)
        self.y = HEIGHT - 60

    def text(self, x: float, s: str, *, font: str = "Helvetica", size: float = 10, right: bool = False, twice: bool = False) -> None:
        self.canvas.setFont(font, size)
        draw = self.canvas.drawRightString if right else self.canvas.drawString
        draw(x, self.y, s)
        if twice:
            # Fake bold: the same glyphs again, 0.2 pt to the right.
            draw(x + 0.2, self.y, s)

    def row(self, values: list[str], *, font: str = "Helvetica", twice: bool = False) -> None:
        for x, value, right in zip(COLUMNS, values, (False, False, False, True, False, True, True)):
            if value:
                self.text(x, value, font=font, right=right, twice=twice)
        self.down()

    def down(self, points: float = 16) -> None:
        self.y -= points

    def new_page(self) -> None:
        self.canvas.showPage()
        self.y = HEIGHT - 60

    def save(self) -> Path:
        self.canvas.showPage()
        self.canvas.save()
        return self.path


def _header(sheet: Sheet, title: str, lines: list[str], *, twice: bool = False) -> None:
    sheet.text(50, "Harbourline Supplies B.V.", font="Helvetica-Bold", size=16)
    sheet.text(545, title, font="Helvetica-Bold", size=18, right=True)
    sheet.down(22)
    for line in lines:
        sheet.text(50, line, twice=twice)
        sheet.down(14)
    sheet.down(10)


def ligature_invoice(folder: Path, *, strip_unicode: bool = False) -> Path:
    """Invoice whose descriptions use the fi and fl ligature glyphs.

    With `strip_unicode` the ToUnicode entries of the ligature glyphs are removed, so
    a text extractor cannot map them back to letters.
    """
    path = folder / ("ligatures-unmapped.pdf" if strip_unicode else "ligatures.pdf")
    sheet = Sheet(path)
    _header(sheet, "INVOICE", ["Invoice No: LG-2024-118", "Invoice date: 2024-03-12", "Currency: EUR"])
    sheet.row(["Pos", "Item", "Description", "Qty", "UoM", "Unit price", "Amount"], font="Helvetica-Bold")
    items = [
        ("FL-50", "Steel \ufb02ange DN50", "4", "12.50", "50.00"),
        ("PF-12", "Pipe \ufb01tting 1/2 in", "10", "3.20", "32.00"),
        ("OC-01", "Of\ufb01ce chair", "1", "149.00", "149.00"),
        ("AF-70", "Air\ufb02ow \ufb01lter", "2", "18.75", "37.50"),
    ]
    for position, (code, description, quantity, price, amount) in enumerate(items, start=1):
        for x, value, font, right in (
            (COLUMNS[0], str(position), "Helvetica", False),
            (COLUMNS[1], code, "Helvetica", False),
            (COLUMNS[2], description, LIGATURE_FONT, False),
            (COLUMNS[3], quantity, "Helvetica", True),
            (COLUMNS[4], "pc", "Helvetica", False),
            (COLUMNS[5], price, "Helvetica", True),
            (COLUMNS[6], amount, "Helvetica", True),
        ):
            sheet.text(x, value, font=font, right=right)
        sheet.down()
    sheet.down(8)
    sheet.text(400, "Total net"), sheet.text(545, "268.50", right=True)
    sheet.save()
    if strip_unicode:
        _drop_ligature_mappings(path)
    return path


def _drop_ligature_mappings(path: Path) -> None:
    """Map every ligature glyph of the embedded fonts to U+FFFD in the ToUnicode CMaps."""
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                if "/ToUnicode" not in font:
                    continue
                cmap = font.ToUnicode.read_bytes().decode("latin-1")
                cmap = re.sub(r"<(FB0[0-4])>", "<FFFD>", cmap, flags=re.IGNORECASE)
                font.ToUnicode.write(cmap.encode("latin-1"))
        pdf.save(path)


def double_drawn_invoice(folder: Path) -> Path:
    """Invoice whose header row and totals are painted twice, 0.2 pt apart (fake bold)."""
    sheet = Sheet(folder / "double-drawn.pdf")
    _header(sheet, "INVOICE", ["Invoice No: DD-7781", "Invoice date: 2024-02-20", "Currency: EUR"], twice=True)
    sheet.row(["Pos", "Item", "Description", "Qty", "UoM", "Unit price", "Amount"], font="Helvetica-Bold", twice=True)
    sheet.row(["1", "AA-1100", "Cable gland M20", "1100", "pc", "0,20", "220,00"])
    sheet.row(["2", "BB-2040", "Junction box", "12", "pc", "15,00", "180,00"])
    sheet.down(8)
    for label, amount in (("Net", "400,00"), ("VAT 27 %", "108,00"), ("Gross", "508,00")):
        sheet.text(400, label, twice=True)
        sheet.text(545, amount, right=True, twice=True)
        sheet.down(14)
    return sheet.save()


def multipage_invoice(folder: Path) -> Path:
    """14 line items, 9 on page one and 5 on page two, with a repeated header and carried totals."""
    sheet = Sheet(folder / "multipage.pdf")
    _header(sheet, "INVOICE", ["Invoice No: MP-2024-0314", "Invoice date: 14.03.2024", "Currency: EUR"])
    header = ["Pos", "Item", "Description", "Qty", "UoM", "Unit price", "Amount"]
    amounts = [102.50, 88.00, 45.25, 230.00, 19.75, 310.00, 150.00, 64.00, 225.00, 80.00, 12.50, 99.90, 41.10, 7.00]
    sheet.row(header, font="Helvetica-Bold")
    carried = 0.0
    for index, amount in enumerate(amounts, start=1):
        if index == 10:
            sheet.text(150, "Carried forward"), sheet.text(545, _eu(carried), right=True)
            sheet.new_page()
            sheet.text(50, "Invoice MP-2024-0314, page 2")
            sheet.down(24)
            sheet.row(header, font="Helvetica-Bold")
            sheet.text(150, "Brought forward"), sheet.text(545, _eu(carried), right=True)
            sheet.down()
        quantity = 5 if index % 2 else 1
        sheet.row([str(index), f"MP-{1000 + index}", f"Fastener set type {index}", str(quantity), "box", _eu(amount / quantity), _eu(amount)])
        carried += amount
    sheet.down(8)
    sheet.text(400, "Net total"), sheet.text(545, _eu(sum(amounts)), right=True)
    return sheet.save()


def _eu(value: float) -> str:
    """Format with a decimal comma and a space between thousands: 1 234,50."""
    return f"{value:,.2f}".replace(",", " ").replace(".", ",")


def decimal_invoice(folder: Path, variant: str) -> Path:
    """Vendor A's invoice in three number styles: "comma", "point" and "thousands"."""
    sheet = Sheet(folder / f"decimals-{variant}.pdf")
    _header(sheet, "INVOICE", [f"Invoice No: VA-2024-{len(variant)}", "Invoice date: 2024-05-02", "Currency: EUR"])
    sheet.row(["Pos", "Item", "Description", "Qty", "UoM", "Unit price", "Amount"], font="Helvetica-Bold")
    if variant == "comma":
        sheet.row(["1", "VA-100", "Hydraulic hose", "2", "pc", "27,80", "55,60"])
        sheet.row(["2", "VA-200", "Pump unit", "1", "pc", "1.178,96", "1.178,96"])
        totals = ("1.234,56",)
    elif variant == "point":
        sheet.row(["1", "VA-100", "Hydraulic hose", "2", "pc", "27.80", "55.60"])
        sheet.row(["2", "VA-200", "Pump unit", "1", "pc", "1,178.96", "1,178.96"])
        totals = ("1,234.56",)
    else:
        sheet.row(["1", "VA-300", "Washer M8", "1,250", "pc", "2,00", "2 500,00"])
        sheet.row(["2", "VA-301", "Spacer ring", "1,250", "pc", "", ""])
        totals = ("2 500,00",)
    sheet.down(8)
    sheet.text(400, "Total"), sheet.text(545, totals[0], right=True)
    return sheet.save()


def dated_invoice(folder: Path, variant: str) -> Path:
    """Invoices with slashed dates: an EU vendor, a US vendor and one that names no country."""
    sheet = Sheet(folder / f"dates-{variant}.pdf")
    if variant == "eu":
        lines = ["Keizersgracht 12, 1015 CN Amsterdam, Netherlands", "Invoice date 05/04/2024", "Delivery 2024-04-07", "Due 05.05.2024", "Currency: EUR"]
    elif variant == "us":
        lines = ["1200 Congress Ave, Austin, TX 78701, USA", "Invoice date 04/05/2024", "Currency: USD"]
    else:
        lines = ["Invoice date 04/05/2024"]
    _header(sheet, "INVOICE", [f"Invoice No: DT-{variant.upper()}-1", *lines])
    return sheet.save()


def currency_invoice(folder: Path, *, with_sign: bool = True) -> Path:
    """Estonian-style invoice whose only currency mark is a trailing "$", or none at all."""
    sheet = Sheet(folder / ("currency-dollar.pdf" if with_sign else "currency-none.pdf"))
    _header(sheet, "ARVE", ["Arve nr: EE-4410", "Kuupäev: 12.03.2024"])
    sheet.text(400, "Kokku")
    sheet.text(545, "40,00 $" if with_sign else "40,00", right=True)
    return sheet.save()


def protected_invoice(folder: Path, *, user_password: str) -> Path:
    """A plain invoice encrypted with an owner password and, if given, a user password."""
    plain = ligature_invoice(folder)
    path = folder / ("protected-user.pdf" if user_password else "protected-owner.pdf")
    with pikepdf.open(plain) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user=user_password, owner="owner-secret", allow=pikepdf.Permissions(extract=False, modify_other=False)))
    return path


def thousands_invoice(folder: Path, name: str, items: list[tuple[str, str, str]], net: str, *, extra: str | None = None, currency: str = "EUR") -> Path:
    """Invoice whose prices print one separator before three digits ("3,500"), so each may be read two ways.

    `items` are (quantity, unit price, amount) as printed; `extra` adds a freight row
    to the totals block whose number shows the document's decimal mark.
    """
    sheet = Sheet(folder / f"{name}.pdf")
    _header(sheet, "INVOICE", [f"Invoice No: TH-{len(items)}-{name[:3].upper()}", "Invoice date: 2024-06-03", f"Currency: {currency}"])
    sheet.row(["Pos", "Item", "Description", "Qty", "UoM", "Unit price", "Amount"], font="Helvetica-Bold")
    for position, (quantity, price, amount) in enumerate(items, start=1):
        sheet.row([str(position), f"TH-{position}0", "Consulting day", quantity, "day", price, amount])
    sheet.down(8)
    sheet.text(400, "Net total"), sheet.text(545, net, right=True)
    if extra is not None:
        sheet.down()
        sheet.text(400, "Freight (not taxed)"), sheet.text(545, extra, right=True)
    return sheet.save()


_CII_TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocument><ram:ID>{number}</ram:ID><ram:TypeCode>{type_code}</ram:TypeCode>
  <ram:IssueDateTime><udt:DateTimeString format="102">20240603</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
  <ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:TaxBasisTotalAmount>200.00</ram:TaxBasisTotalAmount>
   <ram:TaxTotalAmount currencyID="EUR">38.00</ram:TaxTotalAmount><ram:GrandTotalAmount>{total}</ram:GrandTotalAmount>
  </ram:SpecifiedTradeSettlementHeaderMonetarySummation></ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""


def titled_invoice(folder: Path, name: str, title: str, *, subtitle: str | None = None, type_code: str | None = None, xml_number: str = "GS-4711", xml_total: str = "238.00") -> Path:
    """German invoice or credit note "GS-4711" of 238,00 EUR under `title`, with an optional self-billing `subtitle`.

    With `type_code` a Factur-X XML (CII) with that UNTDID 1001 document code, number
    `xml_number` and grand total `xml_total` is attached as factur-x.xml.
    """
    sheet = Sheet(folder / f"{name}.pdf")
    _header(sheet, title, ["Belegnummer: GS-4711", "Datum: 03.06.2024", "Währung: EUR"])
    if subtitle is not None:
        sheet.text(50, subtitle)
        sheet.down(20)
    sheet.row(["Pos", "Art.-Nr.", "Bezeichnung", "Menge", "Einheit", "Preis", "Betrag"], font="Helvetica-Bold")
    sheet.row(["1", "KB-10", "Kupferblech 2 mm", "4", "Stk", "50,00", "200,00"])
    sheet.down(8)
    for label, amount in (("Netto", "200,00"), ("MwSt. 19 %", "38,00"), ("Gesamtbetrag", "238,00")):
        sheet.text(400, label), sheet.text(545, amount, right=True)
        sheet.down()
    path = sheet.save()
    if type_code is not None:
        xml = _CII_TEMPLATE.format(number=xml_number, type_code=type_code, total=xml_total).encode("utf-8")
        with pikepdf.open(path, allow_overwriting_input=True) as pdf:
            pdf.attachments["factur-x.xml"] = pikepdf.AttachedFileSpec(pdf, xml, mime_type="text/xml")
            pdf.save(path)
    return path


def party_invoice(folder: Path, name: str, letterhead: str, *, party_rows: list[list[tuple[float, str]]] = (), sender_line: str | None = None) -> Path:  # type: ignore[assignment]
    """German invoice with `letterhead` printed large at the top, where the sender's name usually is.

    `party_rows` are rows of (x, text) cells, such as a party label and the cells after
    it; `sender_line` is printed small above the address window.
    """
    sheet = Sheet(folder / f"{name}.pdf")
    sheet.text(50, letterhead, font="Helvetica-Bold", size=16)
    sheet.text(545, "RECHNUNG", font="Helvetica-Bold", size=18, right=True)
    sheet.down(30)
    if sender_line is not None:
        sheet.text(50, sender_line, size=7)
        sheet.down(12)
        sheet.text(50, "Beispielhandel GmbH")
        sheet.down(14)
        sheet.text(50, "Ringstraße 4, 60311 Frankfurt")
        sheet.down(24)
    for row in party_rows:
        for x, text in row:
            sheet.text(x, text)
        sheet.down(14)
    for line in ("Rechnungsnummer: RE-2024-77", "Rechnungsdatum: 03.06.2024", "Währung: EUR"):
        sheet.text(50, line)
        sheet.down(14)
    sheet.down(10)
    sheet.row(["Pos", "Art.-Nr.", "Bezeichnung", "Menge", "Einheit", "Preis", "Betrag"], font="Helvetica-Bold")
    sheet.row(["1", "KB-10", "Kupferblech 2 mm", "4", "Stk", "50,00", "200,00"])
    sheet.down(8)
    sheet.text(400, "Netto"), sheet.text(545, "200,00", right=True)
    return sheet.save()
