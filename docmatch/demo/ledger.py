"""Orders, pickings and bills of the demo distributor, built the way Odoo 17 books them.

A `Ledger` starts from the master data in `docmatch.demo.company` and records what
happened: purchase orders and their receipts (partial receipts leave a backorder),
returns to vendors, vendor bills, sale orders and their deliveries. Quantities moved
and billed are written back onto the order lines (`qty_received`, `qty_delivered`,
`qty_invoiced`) as Odoo computes them, so a snapshot of the ledger reads like an export
of a real database. Ids and sequence numbers (P00001, S00001, WH/IN/00001,
BILL/2025/03/0001) are handed out in call order, which keeps every build identical.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from docmatch.demo.company import PARTNER_BY_KEY, PRODUCT_BY_CODE, UNIT_BY_ID, Packaging, Partner, Product, tax_rate


def money(value: float) -> float:
    """Round to cents the way Odoo rounds EUR and USD amounts (half away from zero)."""
    return float(f"{value + (1e-9 if value >= 0 else -1e-9):.2f}")


@dataclass(slots=True)
class Item:
    """An order line to book; unit and price default to the vendor's or the list values."""

    code: str
    quantity: float
    uom_id: int | None = None
    price: float | None = None
    packaging: str | None = None  # packaging unit code (CS, PAL...) chosen on the line


@dataclass(slots=True)
class OrderLine:
    id: int
    order_id: int
    kind: str
    product: Product
    description: str
    quantity: float
    uom_id: int
    price_unit: float
    tax_id: int
    qty_moved: float = 0.0
    qty_invoiced: float = 0.0
    packaging: Packaging | None = None
    date_planned: datetime | None = None

    @property
    def subtotal(self) -> float:
        return money(self.quantity * self.price_unit)

    @property
    def tax_amount(self) -> float:
        return money(self.subtotal * tax_rate(self.tax_id))

    @property
    def product_qty(self) -> float:
        """The line quantity in the product's own unit."""
        return to_product_unit(self.product, self.quantity, self.uom_id)


@dataclass(slots=True)
class Order:
    id: int
    kind: str  # "purchase" or "sale"
    name: str
    partner: Partner
    date_order: datetime
    currency: str
    lines: list[OrderLine] = field(default_factory=list)
    partner_ref: str | None = None  # purchase: vendor's reference; sale: customer's PO
    origin: str | None = None
    date_planned: datetime | None = None
    state: str = "purchase"
    picking_ids: list[int] = field(default_factory=list)
    invoice_ids: list[int] = field(default_factory=list)

    @property
    def amount_untaxed(self) -> float:
        return money(sum(line.subtotal for line in self.lines))

    @property
    def amount_tax(self) -> float:
        return money(sum(line.tax_amount for line in self.lines))

    @property
    def amount_total(self) -> float:
        return money(self.amount_untaxed + self.amount_tax)

    def line(self, code: str) -> OrderLine:
        for line in self.lines:
            if line.product.default_code == code:
                return line
        raise KeyError(f"{self.name} has no line for {code}")


@dataclass(slots=True)
class Move:
    id: int
    picking_id: int
    product: Product
    demand: float
    quantity: float
    uom_id: int
    state: str
    picked: bool
    date: datetime
    purchase_line: OrderLine | None = None
    sale_line: OrderLine | None = None
    packaging: Packaging | None = None


@dataclass(slots=True)
class Picking:
    id: int
    name: str
    code: str  # "incoming" or "outgoing"
    partner: Partner
    origin: str
    scheduled_date: datetime
    state: str
    date_done: datetime | None = None
    moves: list[Move] = field(default_factory=list)
    order: Order | None = None
    backorder_of: Picking | None = None
    return_of: Picking | None = None
    carrier: str | None = None
    tracking_ref: str | None = None


@dataclass(slots=True)
class BillLine:
    id: int
    product: Product
    quantity: float
    uom_id: int
    price_unit: float
    tax_id: int
    purchase_line: OrderLine | None = None

    @property
    def subtotal(self) -> float:
        return money(self.quantity * self.price_unit)


@dataclass(slots=True)
class Bill:
    id: int
    name: str
    move_type: str
    partner: Partner
    ref: str
    invoice_date: date
    currency: str
    lines: list[BillLine]
    origin: str | None = None
    state: str = "posted"

    @property
    def amount_untaxed(self) -> float:
        return money(sum(line.subtotal for line in self.lines))

    @property
    def amount_tax(self) -> float:
        return money(sum(money(line.subtotal * tax_rate(line.tax_id)) for line in self.lines))

    @property
    def amount_total(self) -> float:
        return money(self.amount_untaxed + self.amount_tax)


def to_product_unit(product: Product, quantity: float, uom_id: int) -> float:
    """Convert `quantity` in unit `uom_id` to the product's unit, as Odoo 17 does."""
    source, target = UNIT_BY_ID[uom_id], UNIT_BY_ID[product.uom_id]
    if source.id == target.id:
        return quantity
    return quantity / source.factor * target.factor


def when(text: str) -> datetime:
    """Parse 'YYYY-MM-DD HH:MM' (naive UTC, as Odoo stores datetimes)."""
    return datetime.fromisoformat(text)


class Ledger:
    """Everything that happened in the demo database, in the order it happened."""

    def __init__(self, *, first_ids: int = 1) -> None:
        # Every model counts its ids from `first_ids`, so purchase and sale orders share
        # ids as they do on a real database.
        self._next: dict[str, int] = {}
        self._first = first_ids
        self.orders: list[Order] = []
        self.pickings: list[Picking] = []
        self.bills: list[Bill] = []

    def _id(self, model: str) -> int:
        value = self._next.get(model, self._first)
        self._next[model] = value + 1
        return value

    def _sequence(self, key: str) -> int:
        return self._id(f"sequence:{key}") - self._first + 1

    # --- purchase ---------------------------------------------------------------------

    def purchase(self, vendor: str, items: list[Item], *, ordered: str, planned: str | None = None, partner_ref: str | None = None, state: str = "purchase") -> Order:
        """Record a confirmed purchase order with `vendor` for `items`."""
        partner = PARTNER_BY_KEY[vendor]
        order = Order(self._id("purchase.order"), "purchase", f"P{self._sequence('P'):05d}", partner, when(ordered), partner.currency, partner_ref=partner_ref, state=state)
        order.date_planned = when(planned) if planned else order.date_order
        for item in items:
            product = PRODUCT_BY_CODE[item.code]
            vendor_item = product.vendor_item(vendor)
            packaging = product.packaging(item.packaging) if item.packaging else None
            order.lines.append(
                OrderLine(
                    id=self._id("purchase.order.line"),
                    order_id=order.id,
                    kind="purchase",
                    product=product,
                    description=f"[{vendor_item.code}] {vendor_item.name}",
                    quantity=item.quantity,
                    uom_id=item.uom_id or product.uom_po_id,
                    price_unit=item.price if item.price is not None else vendor_item.price,
                    tax_id=product.purchase_tax,
                    packaging=packaging,
                    date_planned=order.date_planned,
                )
            )
        self.orders.append(order)
        return order

    def receive(self, order: Order, quantities: dict[str, float] | None = None, *, done: str, backorder: bool = True) -> Picking:
        """Receive goods for `order`; quantities per product code in the line's unit.

        Without `quantities` everything still open is received. What stays open goes to
        a backorder picking that waits for the rest, as Odoo proposes.
        """
        picking = self._picking("incoming", order, done=done, prefix="WH/IN")
        rest: list[tuple[OrderLine, float]] = []
        for line in order.lines:
            open_quantity = line.quantity - line.qty_moved
            if open_quantity <= 0:
                continue
            received = open_quantity if quantities is None else quantities.get(line.product.default_code, 0.0)
            if received:
                picking.moves.append(self._move(picking, line, demand=open_quantity, quantity=received, done=True))
                line.qty_moved += received
            if open_quantity - received > 0:
                rest.append((line, open_quantity - received))
        if rest and backorder:
            waiting = self._picking("incoming", order, done=None, prefix="WH/IN")
            waiting.backorder_of = picking
            for line, missing in rest:
                waiting.moves.append(self._move(waiting, line, demand=missing, quantity=missing, done=False))
        return picking

    def return_to_vendor(self, receipt: Picking, quantities: dict[str, float], *, done: str) -> Picking:
        """Send goods of `receipt` back; Odoo lowers `qty_received` of the order line."""
        assert receipt.order is not None
        picking = self._picking("outgoing", receipt.order, done=done, prefix="WH/OUT")
        picking.origin = f"Return of {receipt.name}"
        picking.return_of = receipt
        for code, quantity in quantities.items():
            line = receipt.order.line(code)
            picking.moves.append(self._move(picking, line, demand=quantity, quantity=quantity, done=True))
            line.qty_moved -= quantity
        return picking

    def bill(self, order: Order, *, ref: str, invoice_date: str, quantities: dict[str, float] | None = None, linked: bool = True, state: str = "posted") -> Bill:
        """Record a vendor bill for `order`; by default for everything received and not billed.

        With `linked=False` the bill is keyed in by hand without the purchase order, so
        the order lines' `qty_invoiced` stays as it was.
        """
        day = date.fromisoformat(invoice_date)
        bill = Bill(self._id("account.move"), self._bill_name(day), "in_invoice", order.partner, ref, day, order.currency, [], origin=order.name if linked else None, state=state)
        for line in order.lines:
            quantity = line.qty_moved - line.qty_invoiced if quantities is None else quantities.get(line.product.default_code, 0.0)
            if quantity <= 0:
                continue
            bill.lines.append(BillLine(self._id("account.move.line"), line.product, quantity, line.uom_id, line.price_unit, line.tax_id, line if linked else None))
            if linked:
                line.qty_invoiced += quantity
        if linked:
            order.invoice_ids.append(bill.id)
        self.bills.append(bill)
        return bill

    # --- sale -------------------------------------------------------------------------

    def sell(self, customer: str, items: list[Item], *, ordered: str, client_order_ref: str | None = None, commitment: str | None = None) -> Order:
        """Record a confirmed sale order; prices default to the list price."""
        partner = PARTNER_BY_KEY[customer]
        order = Order(self._id("sale.order"), "sale", f"S{self._sequence('S'):05d}", partner, when(ordered), "EUR", partner_ref=client_order_ref, state="sale")
        order.date_planned = when(commitment) if commitment else None
        for item in items:
            product = PRODUCT_BY_CODE[item.code]
            packaging = product.packaging(item.packaging) if item.packaging else None
            order.lines.append(
                OrderLine(
                    id=self._id("sale.order.line"),
                    order_id=order.id,
                    kind="sale",
                    product=product,
                    description=product.display_name,
                    quantity=item.quantity,
                    uom_id=item.uom_id or product.uom_id,
                    price_unit=item.price if item.price is not None else product.list_price,
                    tax_id=product.sale_tax,
                    packaging=packaging,
                )
            )
        self.orders.append(order)
        return order

    def deliver(self, order: Order, quantities: dict[str, float] | None = None, *, done: str | None, carrier: str | None = None, tracking_ref: str | None = None) -> Picking:
        """Deliver `order` (everything by default); `done=None` leaves the picking ready, not done."""
        picking = self._picking("outgoing", order, done=done, prefix="WH/OUT")
        picking.carrier = carrier
        picking.tracking_ref = tracking_ref
        for line in order.lines:
            quantity = line.quantity - line.qty_moved if quantities is None else quantities.get(line.product.default_code, 0.0)
            if quantity <= 0:
                continue
            picking.moves.append(self._move(picking, line, demand=quantity, quantity=quantity, done=done is not None))
            if done is not None:
                line.qty_moved += quantity
        return picking

    # --- helpers ----------------------------------------------------------------------

    def _picking(self, code: str, order: Order, *, done: str | None, prefix: str) -> Picking:
        moment = when(done) if done else order.date_planned or order.date_order
        picking = Picking(
            id=self._id("stock.picking"),
            name=f"{prefix}/{self._sequence(prefix):05d}",
            code=code,
            partner=order.partner,
            origin=order.name,
            scheduled_date=moment,
            state="done" if done else "assigned",
            date_done=when(done) if done else None,
            order=order,
        )
        order.picking_ids.append(picking.id)
        self.pickings.append(picking)
        return picking

    def _move(self, picking: Picking, line: OrderLine, *, demand: float, quantity: float, done: bool) -> Move:
        return Move(
            id=self._id("stock.move"),
            picking_id=picking.id,
            product=line.product,
            demand=demand,
            quantity=quantity,
            uom_id=line.uom_id,
            state="done" if done else "assigned",
            picked=done,
            date=picking.date_done or picking.scheduled_date,
            purchase_line=line if line.kind == "purchase" else None,
            sale_line=line if line.kind == "sale" else None,
            packaging=line.packaging,
        )

    def _bill_name(self, day: date) -> str:
        key = f"BILL/{day:%Y/%m}"
        return f"{key}/{self._sequence(key):04d}"

    def order_named(self, name: str) -> Order:
        for order in self.orders:
            if order.name == name:
                return order
        raise KeyError(name)
