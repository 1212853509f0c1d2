"""What a printed demo document shows, and what docmatch must find in it.

A `DocumentSpec` holds the values a document prints (header, lines, totals) and the
expected outcome: the Odoo records it refers to and the findings it must produce. The
builders below derive a clean document from the ledger (an invoice from a purchase
order's received quantities, a bill of lading from an outgoing picking, ...); the
`seed_*` functions then change one thing and record the finding that change must cause.

What a seeded change means, so that the expected files stay unambiguous:

- One cause, one finding. A wrong unit is a `uom_mismatch`, not also a quantity and a
  price mismatch; a wrong tax rate is a `tax_mismatch`, not also a `total_mismatch`.
  A `total_mismatch` is a printed total that no line or tax difference explains.
- An invoice is held against the quantity received and not yet billed: billing what
  arrived of a partial delivery is clean; billing more than arrived is
  `billed_exceeds_received`; billing less than arrived of a fully received line is a
  `quantity_mismatch`.
- A reference to another partner's order is a `partner_mismatch` and matches nothing.
- A vendor's delivery note is held against the receipt that booked it; a bill of
  lading and a proof of delivery against the outgoing picking they name.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from docmatch.demo.company import COMPANY, DOZENS_ID, G_ID, KG_ID, L_ID, LB_ID, M_ID, PARTNER_BY_KEY, UNITS_ID, Partner, Product, tax_rate
from docmatch.demo.ledger import Ledger, Order, Picking, money

DOC_TYPES = ("invoice", "credit_note", "purchase_order", "bill_of_lading", "proof_of_delivery", "delivery_note")

# The unit codes documents print for Odoo's units, per language.
_UNIT_CODES = {
    "en": {UNITS_ID: "EA", DOZENS_ID: "DZ", KG_ID: "KG", G_ID: "G", L_ID: "L", LB_ID: "LB", M_ID: "M"},
    "de": {UNITS_ID: "Stk", DOZENS_ID: "DZ", KG_ID: "kg", G_ID: "g", L_ID: "l", LB_ID: "lb", M_ID: "m"},
}


def printed_unit(uom_id: int, language: str) -> str:
    return _UNIT_CODES[language][uom_id]


@dataclass(slots=True)
class Party:
    name: str
    address: list[str]
    vat: str | None = None
    email: str | None = None

    @classmethod
    def of(cls, partner: Partner) -> Party:
        return cls(partner.name, partner.address_lines, partner.vat, partner.email)


@dataclass(slots=True)
class PrintedLine:
    """One printed line; quantities in the printed unit `uom`."""

    code: str | None
    description: str
    quantity: float
    uom: str
    unit_price: float | None = None
    amount: float | None = None
    tax_rate: float = 0.0
    shipped: float | None = None
    received: float | None = None
    damaged: float | None = None
    remark: str | None = None
    weight: float | None = None

    def reprice(self) -> None:
        if self.unit_price is not None:
            self.amount = money(self.quantity * self.unit_price)


@dataclass(slots=True)
class ExpectedFinding:
    kind: str
    line: int | None = None


@dataclass(slots=True)
class DocumentSpec:
    name: str
    doc_type: str
    layout: str  # "classic", "modern" or "din"
    language: str  # "en" or "de"
    number: str
    issue_date: date
    issuer: Party
    recipient: Party
    vendor_name: str
    customer_name: str
    currency: str = "EUR"
    lines: list[PrintedLine] = field(default_factory=list)
    po_reference: str | None = None
    order_reference: str | None = None
    due_date: date | None = None
    delivery_date: date | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    remarks: list[str] = field(default_factory=list)
    total_override: float | None = None
    negative: bool = False  # credit note printing its amounts with a minus sign
    matched: list[str] = field(default_factory=list)
    findings: list[ExpectedFinding] = field(default_factory=list)
    summary: str = ""

    # --- totals, as the document prints them -------------------------------------------

    @property
    def priced(self) -> bool:
        return self.doc_type in ("invoice", "credit_note", "purchase_order")

    @property
    def net(self) -> float:
        return money(sum(line.amount or 0.0 for line in self.lines))

    def tax_groups(self) -> dict[float, float]:
        """Tax per rate, each line rounded as Odoo's default per-line rounding does."""
        groups: dict[float, float] = {}
        for line in self.lines:
            groups[line.tax_rate] = money(groups.get(line.tax_rate, 0.0) + money((line.amount or 0.0) * line.tax_rate))
        return dict(sorted(groups.items()))

    @property
    def tax(self) -> float:
        return money(sum(self.tax_groups().values()))

    @property
    def total(self) -> float:
        return self.total_override if self.total_override is not None else money(self.net + self.tax)

    # --- the expected file ---------------------------------------------------------------

    def printed_fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = {
            "number": self.number,
            "date": self.issue_date.isoformat(),
            "vendor_name": self.vendor_name,
            "customer_name": self.customer_name,
            "po_reference": self.po_reference,
            "order_reference": self.order_reference,
            "currency": self.currency if self.priced else None,
            "net": self._signed(self.net) if self.priced else None,
            "tax": self._signed(self.tax) if self.priced else None,
            "total": self._signed(self.total) if self.priced else None,
        }
        if self.due_date:
            fields["due_date"] = self.due_date.isoformat()
        if self.delivery_date:
            fields["delivery_date"] = self.delivery_date.isoformat()
        if self.carrier:
            fields["carrier"] = self.carrier
        if self.tracking_number:
            fields["tracking_number"] = self.tracking_number
        return fields

    def printed_lines(self) -> list[dict[str, Any]]:
        rows = []
        for line in self.lines:
            row: dict[str, Any] = {
                "code": line.code,
                "description": line.description,
                "quantity": self._signed(line.quantity),
                "uom": line.uom,
                "unit_price": line.unit_price,
                "amount": self._signed(line.amount) if line.amount is not None else None,
            }
            if self.doc_type == "proof_of_delivery":
                row.update(shipped_quantity=line.shipped, received_quantity=line.received, damaged_quantity=line.damaged, remark=line.remark)
            rows.append(row)
        return rows

    def expected(self) -> dict[str, Any]:
        return {
            "file": f"{self.name}.pdf",
            "doc_type": self.doc_type,
            "language": self.language,
            "layout": self.layout,
            "summary": self.summary,
            "matched": list(self.matched),
            "findings": [{"kind": finding.kind, "line": finding.line} for finding in self.findings],
            "fields": self.printed_fields(),
            "lines": self.printed_lines(),
        }

    def _signed(self, value: float | None) -> float | None:
        if value is None:
            return None
        return -value if self.negative and value else value


# --- builders: clean documents from the ledger -------------------------------------------


def _vendor_line(order: Order, code: str, quantity: float, language: str) -> PrintedLine:
    line = order.line(code)
    item = line.product.vendor_item(order.partner.key)
    return PrintedLine(item.code, item.name, quantity, printed_unit(line.uom_id, language), line.price_unit, money(quantity * line.price_unit), tax_rate(line.tax_id))


def vendor_invoice(orders: list[Order], *, name: str, number: str, issued: str, layout: str, language: str, quantities: dict[str, float] | None = None) -> DocumentSpec:
    """Build the vendor's invoice for what was received on `orders` and not yet billed."""
    vendor = orders[0].partner
    day = date.fromisoformat(issued)
    spec = DocumentSpec(
        name=name, doc_type="invoice", layout=layout, language=language, number=number, issue_date=day,
        issuer=Party.of(vendor), recipient=Party.of(COMPANY), vendor_name=vendor.name, customer_name=COMPANY.name,
        currency=orders[0].currency, po_reference=", ".join(order.name for order in orders), due_date=day + timedelta(days=30),
        matched=[order.name for order in orders],
    )
    for order in orders:
        for line in order.lines:
            code = line.product.default_code
            quantity = quantities.get(code, 0.0) if quantities is not None else line.qty_moved - line.qty_invoiced
            if quantity > 0:
                spec.lines.append(_vendor_line(order, code, quantity, language))
    return spec


def unordered_invoice(vendor: Partner, lines: list[PrintedLine], *, name: str, number: str, issued: str, layout: str, language: str) -> DocumentSpec:
    """Build an invoice from `vendor` for goods no open order of theirs contains."""
    day = date.fromisoformat(issued)
    return DocumentSpec(
        name=name, doc_type="invoice", layout=layout, language=language, number=number, issue_date=day,
        issuer=Party.of(vendor), recipient=Party.of(COMPANY), vendor_name=vendor.name, customer_name=COMPANY.name,
        currency=vendor.currency, due_date=day + timedelta(days=30), lines=lines,
    )


def vendor_credit_note(order: Order, returned: Picking, *, name: str, number: str, issued: str, layout: str, language: str, credited_invoice: str, negative: bool = False) -> DocumentSpec:
    """Build the vendor's credit note for the goods sent back with `returned`."""
    vendor = order.partner
    spec = DocumentSpec(
        name=name, doc_type="credit_note", layout=layout, language=language, number=number, issue_date=date.fromisoformat(issued),
        issuer=Party.of(vendor), recipient=Party.of(COMPANY), vendor_name=vendor.name, customer_name=COMPANY.name,
        currency=order.currency, po_reference=order.name, order_reference=credited_invoice, negative=negative, matched=[order.name],
    )
    for move in returned.moves:
        spec.lines.append(_vendor_line(order, move.product.default_code, move.quantity, language))
    return spec


def vendor_delivery_note(receipt: Picking, *, name: str, number: str, layout: str, language: str) -> DocumentSpec:
    """Build the delivery note the vendor sent with `receipt`."""
    order = receipt.order
    assert order is not None and receipt.date_done is not None
    spec = DocumentSpec(
        name=name, doc_type="delivery_note", layout=layout, language=language, number=number, issue_date=receipt.date_done.date() - timedelta(days=1),
        issuer=Party.of(order.partner), recipient=Party.of(COMPANY), vendor_name=order.partner.name, customer_name=COMPANY.name,
        currency=order.currency, po_reference=order.name, delivery_date=receipt.date_done.date(), matched=[order.name],
    )
    for move in receipt.moves:
        line = _vendor_line(order, move.product.default_code, move.quantity, language)
        spec.lines.append(replace(line, unit_price=None, amount=None))
    return spec


def customer_purchase_order(order: Order, *, name: str, issued: str, layout: str, language: str) -> DocumentSpec:
    """Build the customer's purchase order behind sale order `order` (its `client_order_ref`)."""
    customer = order.partner
    assert order.partner_ref
    spec = DocumentSpec(
        name=name, doc_type="purchase_order", layout=layout, language=language, number=order.partner_ref, issue_date=date.fromisoformat(issued),
        issuer=Party.of(customer), recipient=Party.of(COMPANY), vendor_name=COMPANY.name, customer_name=customer.name,
        currency=order.currency, delivery_date=order.date_planned.date() if order.date_planned else None, matched=[order.name],
    )
    for line in order.lines:
        spec.lines.append(PrintedLine(line.product.default_code, line.product.name, line.quantity, printed_unit(line.uom_id, language), line.price_unit, line.subtotal, tax_rate(line.tax_id)))
    return spec


def handling_units(product: Product, quantity: float, language: str) -> tuple[float, str]:
    """Express `quantity` product units in the largest packaging that divides it exactly."""
    for packaging in sorted(product.packagings, key=lambda item: -item.qty):
        if quantity >= packaging.qty and quantity % packaging.qty == 0:
            return quantity / packaging.qty, packaging.code
    return quantity, printed_unit(product.uom_id, language)


def bill_of_lading(delivery: Picking, *, name: str, number: str, layout: str, language: str) -> DocumentSpec:
    """Build the carrier's bill of lading for outgoing picking `delivery`."""
    order = delivery.order
    assert order is not None and delivery.carrier
    carrier = PARTNER_BY_KEY[delivery.carrier]
    shipped = (delivery.date_done or delivery.scheduled_date).date()
    spec = DocumentSpec(
        name=name, doc_type="bill_of_lading", layout=layout, language=language, number=number, issue_date=shipped,
        issuer=Party.of(carrier), recipient=Party.of(order.partner), vendor_name=COMPANY.name, customer_name=order.partner.name,
        po_reference=order.partner_ref, order_reference=delivery.name, carrier=carrier.name, tracking_number=delivery.tracking_ref,
        matched=[delivery.name],
    )
    for move in delivery.moves:
        count, code = handling_units(move.product, move.quantity, language)
        spec.lines.append(PrintedLine(move.product.default_code, move.product.name, count, code, weight=round(move.quantity * move.product.weight, 1)))
    return spec


def proof_of_delivery(delivery: Picking, *, name: str, number: str, delivered: str, layout: str, language: str) -> DocumentSpec:
    """Build the consignee's signed proof of delivery for outgoing picking `delivery`."""
    spec = bill_of_lading(delivery, name=name, number=number, layout=layout, language=language)
    spec.doc_type = "proof_of_delivery"
    spec.issue_date = date.fromisoformat(delivered)
    spec.delivery_date = spec.issue_date
    for line in spec.lines:
        line.shipped = line.quantity
        line.received = line.quantity
        line.damaged = 0
    return spec


# --- seeds: one change each, with the finding it must cause -----------------------------


def expect(spec: DocumentSpec, kind: str, line: int | None = None) -> DocumentSpec:
    spec.findings.append(ExpectedFinding(kind, line))
    return spec


def seed_quantity(spec: DocumentSpec, line: int, quantity: float) -> DocumentSpec:
    printed = spec.lines[line - 1]
    if printed.weight is not None and printed.quantity:
        printed.weight = round(printed.weight * quantity / printed.quantity, 1)
    printed.quantity = quantity
    if printed.shipped is not None:
        printed.shipped = printed.received = quantity
    printed.reprice()
    return expect(spec, "quantity_mismatch", line)


def seed_shortage(spec: DocumentSpec, line: int, received: float, remark: str) -> DocumentSpec:
    printed = spec.lines[line - 1]
    printed.received = received
    printed.remark = remark
    return expect(spec, "quantity_mismatch", line)


def seed_damage(spec: DocumentSpec, line: int, damaged: float, remark: str) -> DocumentSpec:
    printed = spec.lines[line - 1]
    printed.damaged = damaged
    printed.remark = remark
    return expect(spec, "damaged_goods", line)


def seed_price(spec: DocumentSpec, line: int, price: float) -> DocumentSpec:
    printed = spec.lines[line - 1]
    printed.unit_price = price
    printed.reprice()
    return expect(spec, "price_mismatch", line)


def seed_unit(spec: DocumentSpec, line: int, unit: str) -> DocumentSpec:
    """Print another unit with the same number: 24 CS billed where 24 units were ordered."""
    spec.lines[line - 1].uom = unit
    return expect(spec, "uom_mismatch", line)


def seed_total(spec: DocumentSpec, delta: float) -> DocumentSpec:
    spec.total_override = money(spec.net + spec.tax + delta)
    return expect(spec, "total_mismatch")


def seed_tax_rate(spec: DocumentSpec, rate: float) -> DocumentSpec:
    for line in spec.lines:
        line.tax_rate = rate
    return expect(spec, "tax_mismatch")


def seed_currency(spec: DocumentSpec, currency: str) -> DocumentSpec:
    spec.currency = currency
    return expect(spec, "currency_mismatch")


def seed_unknown_product(spec: DocumentSpec, line: PrintedLine) -> DocumentSpec:
    spec.lines.append(line)
    return expect(spec, "unknown_product", len(spec.lines))


def seed_line_not_on_order(spec: DocumentSpec, line: PrintedLine) -> DocumentSpec:
    spec.lines.append(line)
    return expect(spec, "line_not_on_order", len(spec.lines))


def seed_missing_line(spec: DocumentSpec, line: int) -> DocumentSpec:
    """Leave a line of the Odoo order or picking off the document."""
    del spec.lines[line - 1]
    return expect(spec, "line_missing")


def seed_date(spec: DocumentSpec, days: int) -> DocumentSpec:
    spec.issue_date = spec.issue_date + timedelta(days=days)
    if spec.due_date:
        spec.due_date = spec.issue_date + timedelta(days=30)
    return expect(spec, "date_out_of_window")


def seed_unknown_order(spec: DocumentSpec, reference: str) -> DocumentSpec:
    spec.po_reference = reference
    spec.matched = []
    return expect(spec, "order_not_found")


def seed_other_partners_order(spec: DocumentSpec, other: Order) -> DocumentSpec:
    spec.po_reference = other.name
    spec.matched = []
    return expect(spec, "partner_mismatch")


def seed_duplicate(spec: DocumentSpec, ledger: Ledger, order: Order) -> DocumentSpec:
    """Book the same vendor invoice number in Odoo already, keyed in without the order link."""
    ledger.bill(order, ref=spec.number, invoice_date=spec.issue_date.isoformat(), quantities={line.product.default_code: line.qty_moved for line in order.lines}, linked=False)
    return expect(spec, "duplicate_document")


def in_packaging(spec: DocumentSpec, line: int, product: Product, unit_code: str) -> DocumentSpec:
    """Print a line in a packaging (2 CS at 117.60) instead of units (24 EA at 9.80); no finding."""
    printed = spec.lines[line - 1]
    packaging = product.packaging(unit_code)
    assert printed.unit_price is not None
    printed.quantity = printed.quantity / packaging.qty
    printed.unit_price = money(printed.unit_price * packaging.qty)
    printed.uom = unit_code
    printed.reprice()
    return spec
