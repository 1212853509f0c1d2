"""Version-neutral Odoo records that matching works on.

Odoo 16 to 19 name the same facts differently (`product_uom` or `product_uom_id`,
`quantity_done` or `quantity`, `uom.category` or a tree of units). Readers translate
each version's `search_read` rows into these records once, so matchers and rules never
see a version's field names. Quantities keep the unit Odoo stores them in; `Uom`
carries what is needed to convert.

Records are slotted dataclasses rather than pydantic models because a large database
loads millions of order lines and validation would cost more than the matching.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

# Purchase and sale orders live in two tables with their own id sequences, so one id can
# name an order of each kind. An order is therefore known by its kind and its id.
OrderKey = tuple[str, int]


def order_kind(model: str) -> str:
    """Return 'purchase' or 'sale' for an order or order-line model name."""
    kind = model.split(".", 1)[0]
    if kind not in ("purchase", "sale"):
        raise ValueError(f"{model!r} is not a purchase or sale model")
    return kind


@dataclass(slots=True)
class Company:
    id: int
    name: str
    currency: str | None = None


@dataclass(slots=True)
class Partner:
    id: int
    name: str
    vat: str | None = None
    ref: str | None = None
    email: str | None = None
    commercial_partner_id: int | None = None
    is_company: bool = True
    street: str | None = None
    zip: str | None = None
    # The country's name as Odoo displays it ("United States").
    country: str | None = None

    @property
    def commercial_id(self) -> int:
        return self.commercial_partner_id or self.id


@dataclass(slots=True)
class Uom:
    """A unit of measure.

    `ratio` is how many units of the category's reference unit one of this unit is
    (Dozen = 12 when Units is the reference; g = 0.001 when kg is). In Odoo 16 to 18 it
    is 1 / `factor`; in Odoo 19 it is the computed absolute `factor` of the unit tree.
    `category` identifies the units that convert into each other: the `uom.category`
    id in 16 to 18, the root unit of the tree in 19.
    """

    id: int
    name: str
    category: int
    ratio: float
    rounding: float = 0.01


@dataclass(slots=True)
class Packaging:
    """A packaging of a product: `quantity` product units in the product's own unit."""

    id: int
    product_id: int
    name: str
    quantity: float
    barcode: str | None = None
    uom_id: int | None = None


@dataclass(slots=True)
class Product:
    id: int
    name: str
    default_code: str | None = None
    barcode: str | None = None
    uom_id: int = 0
    purchase_uom_id: int | None = None
    template_id: int | None = None
    category: str | None = None
    packagings: list[Packaging] = field(default_factory=list)


@dataclass(slots=True)
class SupplierInfo:
    """A vendor's own name, code and price for a product (`product.supplierinfo`)."""

    id: int
    partner_id: int
    product_code: str | None
    product_name: str | None
    product_id: int | None
    template_id: int | None
    price: float = 0.0
    uom_id: int | None = None
    min_qty: float = 0.0


@dataclass(slots=True)
class OrderLine:
    """A purchase or sale order line; quantities are in the line's unit `uom_id`."""

    id: int
    order_id: int
    product_id: int | None
    description: str
    quantity: float
    uom_id: int
    price_unit: float
    discount: float = 0.0
    # Received for purchase lines, delivered for sale lines.
    qty_moved: float = 0.0
    qty_invoiced: float = 0.0
    price_subtotal: float | None = None
    # Tax of the whole line in the order's currency; with price_subtotal it gives the line's rate.
    price_tax: float | None = None
    packaging_id: int | None = None
    packaging_qty: float | None = None
    display_type: str | None = None
    # 'purchase' or 'sale': the table the line and its order come from.
    kind: str = "purchase"

    @property
    def key(self) -> OrderKey:
        return (self.kind, self.id)

    @property
    def order_key(self) -> OrderKey:
        return (self.kind, self.order_id)


@dataclass(slots=True)
class Order:
    """A purchase order (`kind='purchase'`) or sale order (`kind='sale'`)."""

    id: int
    kind: str
    name: str
    partner_id: int
    state: str
    date_order: datetime | None = None
    currency: str | None = None
    company_id: int | None = None
    # Purchase: the vendor's reference (`partner_ref`). Sale: the customer's PO (`client_order_ref`).
    partner_ref: str | None = None
    origin: str | None = None
    amount_untaxed: float | None = None
    amount_tax: float | None = None
    amount_total: float | None = None
    line_ids: list[int] = field(default_factory=list)
    # The delivery date promised: `commitment_date` of a sale order, `date_planned` of a purchase order.
    commitment_date: datetime | None = None

    @property
    def model(self) -> str:
        return "purchase.order" if self.kind == "purchase" else "sale.order"

    @property
    def key(self) -> OrderKey:
        return (self.kind, self.id)


@dataclass(slots=True)
class Move:
    """A stock move; `quantity_done` is what was processed, in `uom_id`."""

    id: int
    picking_id: int | None
    product_id: int
    demand: float
    quantity_done: float
    uom_id: int
    state: str
    purchase_line_id: int | None = None
    sale_line_id: int | None = None

    @property
    def order_line_key(self) -> OrderKey | None:
        """Return the (kind, id) of the order line the move fulfils, if any."""
        if self.purchase_line_id is not None:
            return ("purchase", self.purchase_line_id)
        if self.sale_line_id is not None:
            return ("sale", self.sale_line_id)
        return None


@dataclass(slots=True)
class Picking:
    id: int
    name: str
    picking_type_code: str
    state: str
    partner_id: int | None = None
    origin: str | None = None
    scheduled_date: datetime | None = None
    date_done: datetime | None = None
    carrier_tracking_ref: str | None = None
    move_ids: list[int] = field(default_factory=list)
    # A return picking reverses the quantities of the one it returns.
    is_return: bool = False


@dataclass(slots=True)
class Bill:
    """An `account.move` invoice, bill or credit note already in Odoo."""

    id: int
    name: str
    move_type: str
    partner_id: int | None
    ref: str | None
    state: str
    invoice_date: date | None = None
    invoice_origin: str | None = None
    currency: str | None = None
    amount_untaxed: float | None = None
    amount_total: float | None = None
