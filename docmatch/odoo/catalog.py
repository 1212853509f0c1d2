"""Load the Odoo records matching needs into version-neutral records.

`load_catalog` asks an `OdooSource` (a snapshot folder or a live server) for the
models below and translates each version's field names:

    res.company, res.partner, uom.uom, product.product, product.packaging (16-18),
    product.uom (19), product.supplierinfo, purchase.order(.line), sale.order(.line),
    stock.picking, stock.move, account.move

The translation follows Odoo's renames: order-line `product_uom` became
`product_uom_id` in 19, `stock.move.quantity_done` became `quantity` in 17, and
`uom.uom` lost its categories and `factor` meaning in 19 (see `Uom`). Where the field
list of a database is known, the reader picks whichever name exists, so a database
with a back-ported module still loads.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

from docmatch.odoo.records import (
    Bill,
    Company,
    Move,
    Order,
    OrderKey,
    OrderLine,
    Packaging,
    Partner,
    Picking,
    Product,
    SupplierInfo,
    Uom,
    order_kind,
)
from docmatch.odoo.source import OdooSource, Row

log = logging.getLogger(__name__)

# Odoo 19 rounds every unit to one precision, the `decimal.precision` named
# "Product Unit"; 0.01 is the value a new database ships with.
DEFAULT_UOM_ROUNDING = 0.01


def major_version(server_version: str) -> int:
    """Return the major version from '17.0', '17.0+e', 'saas~18.4' or '19.0-20251001'."""
    text = server_version.replace("saas~", "").strip()
    digits = ""
    for char in text:
        if char.isdigit():
            digits += char
        else:
            break
    if not digits:
        raise ValueError(f"cannot read an Odoo version from {server_version!r}")
    return int(digits)


def m2o_id(value: Any) -> int | None:
    """Return the id of a many2one value (`[id, name]`, a bare id or False)."""
    if isinstance(value, (list, tuple)) and value:
        return int(value[0])
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def m2o_name(value: Any) -> str | None:
    if isinstance(value, (list, tuple)) and len(value) > 1:
        return str(value[1])
    return None


def text(value: Any) -> str | None:
    """Return a string value, or None for Odoo's False."""
    if value is False or value is None:
        return None
    return str(value)


def number(value: Any, default: float = 0.0) -> float:
    if value is False or value is None:
        return default
    return float(value)


def odoo_datetime(value: Any) -> datetime | None:
    """Parse Odoo's naive UTC 'YYYY-MM-DD HH:MM:SS' into an aware UTC datetime."""
    if not value:
        return None
    parsed = datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=timezone.utc) if parsed.tzinfo is None else parsed.astimezone(timezone.utc)


def odoo_date(value: Any) -> date | None:
    if not value:
        return None
    return date.fromisoformat(str(value)[:10])


@dataclass
class Catalog:
    """The Odoo records of one database, keyed by id (orders and their lines by kind and id)."""

    server_version: str = "17.0"
    companies: dict[int, Company] = field(default_factory=dict)
    partners: dict[int, Partner] = field(default_factory=dict)
    uoms: dict[int, Uom] = field(default_factory=dict)
    products: dict[int, Product] = field(default_factory=dict)
    supplierinfos: list[SupplierInfo] = field(default_factory=list)
    # Orders and lines by (kind, id): a purchase and a sale order may share an id.
    orders: dict[OrderKey, Order] = field(default_factory=dict)
    order_lines: dict[OrderKey, OrderLine] = field(default_factory=dict)
    pickings: dict[int, Picking] = field(default_factory=dict)
    moves: dict[int, Move] = field(default_factory=dict)
    bills: dict[int, Bill] = field(default_factory=dict)
    # What reviewers confirmed before, keyed by (commercial partner id, printed text):
    # a vendor's product code to a product id, and a printed unit to a unit or a
    # packaging as (model, id), e.g. ("uom.uom", 3) or ("product.packaging", 12).
    # Loaded from docmatch's database, not from Odoo.
    learned_vendor_codes: dict[tuple[int, str], int] = field(default_factory=dict)
    learned_units: dict[tuple[int, str], tuple[str, int]] = field(default_factory=dict)

    @property
    def major(self) -> int:
        return major_version(self.server_version)

    def order(self, model: str, order_id: int) -> Order | None:
        """Return the order of model 'purchase.order' or 'sale.order' with this id."""
        return self.orders.get((order_kind(model), order_id))

    def order_line(self, model: str, line_id: int) -> OrderLine | None:
        """Return the line of model 'purchase.order.line' or 'sale.order.line' with this id."""
        return self.order_lines.get((order_kind(model), line_id))

    def order_of_line(self, line: OrderLine) -> Order | None:
        return self.orders.get(line.order_key)

    def lines_of(self, order: Order) -> list[OrderLine]:
        """Return the order's product lines (section and note lines left out)."""
        found = (self.order_lines.get((order.kind, line_id)) for line_id in order.line_ids)
        return [line for line in found if line is not None and not line.display_type]

    def product_of_template(self, template_id: int) -> list[Product]:
        return [product for product in self.products.values() if product.template_id == template_id]


class _Reader:
    """Reads one source with the field names of its version."""

    def __init__(self, source: OdooSource) -> None:
        self.source = source
        self.major = major_version(source.server_version)

    def pick(self, model: str, *candidates: str) -> str:
        """Return the first candidate field name the model has; the last one otherwise."""
        known = self.source.field_names(model)
        for name in candidates:
            if name in known:
                return name
        return candidates[-1]

    def rows(self, model: str, fields: list[str], domain: list[Any] | None = None) -> list[Row]:
        if not self.source.has_model(model):
            return []
        return self.source.search_read(model, domain or [], fields)


def _load_uoms(reader: _Reader, catalog: Catalog) -> None:
    if reader.major >= 19:
        rows = reader.rows("uom.uom", ["name", "relative_factor", "relative_uom_id", "factor", "parent_path"])
        for row in rows:
            root = int(str(row["parent_path"]).split("/")[0]) if row.get("parent_path") else row["id"]
            catalog.uoms[row["id"]] = Uom(row["id"], str(row["name"]), root, number(row["factor"], 1.0), DEFAULT_UOM_ROUNDING)
        return
    rows = reader.rows("uom.uom", ["name", "category_id", "factor", "rounding"])
    for row in rows:
        factor = number(row["factor"], 1.0) or 1.0
        catalog.uoms[row["id"]] = Uom(row["id"], str(row["name"]), m2o_id(row["category_id"]) or 0, 1.0 / factor, number(row["rounding"], 0.01))


def _load_products(reader: _Reader, catalog: Catalog) -> None:
    fields = ["display_name", "name", "default_code", "barcode", "uom_id", "product_tmpl_id", "categ_id"]
    if reader.major < 19:
        fields.append("uom_po_id")
    for row in reader.rows("product.product", fields):
        catalog.products[row["id"]] = Product(
            id=row["id"],
            name=text(row.get("name")) or text(row.get("display_name")) or "",
            default_code=text(row["default_code"]),
            barcode=text(row["barcode"]),
            uom_id=m2o_id(row["uom_id"]) or 0,
            purchase_uom_id=m2o_id(row.get("uom_po_id")),
            template_id=m2o_id(row["product_tmpl_id"]),
            category=m2o_name(row["categ_id"]),
        )
    _load_packagings(reader, catalog)


def _load_packagings(reader: _Reader, catalog: Catalog) -> None:
    if reader.major >= 19:
        # Odoo 19 replaced product.packaging with units such as "Pack of 6" plus a
        # per-product row in product.uom; the packaging quantity comes from the unit.
        for row in reader.rows("product.uom", ["product_id", "uom_id", "barcode"]):
            product = catalog.products.get(m2o_id(row["product_id"]) or 0)
            unit = catalog.uoms.get(m2o_id(row["uom_id"]) or 0)
            base = catalog.uoms.get(product.uom_id) if product else None
            if product is None or unit is None or base is None:
                continue
            product.packagings.append(Packaging(row["id"], product.id, unit.name, unit.ratio / base.ratio, text(row["barcode"]), unit.id))
        return
    for row in reader.rows("product.packaging", ["name", "qty", "product_id", "barcode", "product_uom_id"]):
        product = catalog.products.get(m2o_id(row["product_id"]) or 0)
        if product is None:
            continue
        product.packagings.append(Packaging(row["id"], product.id, str(row["name"]), number(row["qty"], 1.0), text(row["barcode"]), m2o_id(row.get("product_uom_id"))))


def _load_supplierinfos(reader: _Reader, catalog: Catalog) -> None:
    uom_field = reader.pick("product.supplierinfo", "product_uom_id", "product_uom") if reader.major < 19 else "product_uom_id"
    partner_field = "partner_id" if reader.major >= 16 else "name"
    fields = [partner_field, "product_code", "product_name", "product_id", "product_tmpl_id", "price", uom_field, "min_qty"]
    for row in reader.rows("product.supplierinfo", fields):
        catalog.supplierinfos.append(
            SupplierInfo(
                id=row["id"],
                partner_id=m2o_id(row[partner_field]) or 0,
                product_code=text(row["product_code"]),
                product_name=text(row["product_name"]),
                product_id=m2o_id(row["product_id"]),
                template_id=m2o_id(row["product_tmpl_id"]),
                price=number(row["price"]),
                uom_id=m2o_id(row[uom_field]),
                min_qty=number(row["min_qty"]),
            )
        )


def _load_orders(reader: _Reader, catalog: Catalog, kind: str) -> None:
    model = f"{kind}.order"
    ref_field = "partner_ref" if kind == "purchase" else "client_order_ref"
    promised_field = "date_planned" if kind == "purchase" else "commitment_date"
    fields = ["name", "partner_id", "state", "date_order", "currency_id", "company_id", ref_field, "origin", "amount_untaxed", "amount_tax", "amount_total", "order_line", promised_field]
    for row in reader.rows(model, fields, [["state", "!=", "cancel"]]):
        catalog.orders[(kind, row["id"])] = Order(
            id=row["id"],
            kind=kind,
            name=str(row["name"]),
            partner_id=m2o_id(row["partner_id"]) or 0,
            state=str(row["state"]),
            date_order=odoo_datetime(row["date_order"]),
            currency=m2o_name(row["currency_id"]),
            company_id=m2o_id(row["company_id"]),
            partner_ref=text(row[ref_field]),
            origin=text(row["origin"]),
            amount_untaxed=number(row["amount_untaxed"], 0.0) if row["amount_untaxed"] is not False else None,
            amount_tax=number(row["amount_tax"], 0.0) if row["amount_tax"] is not False else None,
            amount_total=number(row["amount_total"], 0.0) if row["amount_total"] is not False else None,
            line_ids=list(row["order_line"] or []),
            commitment_date=odoo_datetime(row.get(promised_field)),
        )
    _load_order_lines(reader, catalog, kind)


def _load_order_lines(reader: _Reader, catalog: Catalog, kind: str) -> None:
    model = f"{kind}.order.line"
    uom_field = "product_uom_id" if reader.major >= 19 else reader.pick(model, "product_uom", "product_uom_id")
    quantity_field = "product_qty" if kind == "purchase" else "product_uom_qty"
    moved_field = "qty_received" if kind == "purchase" else "qty_delivered"
    fields = ["order_id", "product_id", "name", quantity_field, uom_field, "price_unit", "discount", moved_field, "qty_invoiced", "price_subtotal", "price_tax", "display_type"]
    if reader.major < 19:
        fields += ["product_packaging_id", "product_packaging_qty"]
    without_unit = 0
    for row in reader.rows(model, fields):
        without_unit += bool(row["product_id"] and not row["display_type"] and not m2o_id(row[uom_field]))
        catalog.order_lines[(kind, row["id"])] = OrderLine(
            id=row["id"],
            order_id=m2o_id(row["order_id"]) or 0,
            product_id=m2o_id(row["product_id"]),
            description=text(row["name"]) or "",
            quantity=number(row[quantity_field]),
            uom_id=m2o_id(row[uom_field]) or 0,
            price_unit=number(row["price_unit"]),
            discount=number(row["discount"]),
            qty_moved=number(row[moved_field]),
            qty_invoiced=number(row["qty_invoiced"]),
            price_subtotal=number(row["price_subtotal"]) if row["price_subtotal"] is not False else None,
            price_tax=number(row["price_tax"]) if row["price_tax"] is not False else None,
            packaging_id=m2o_id(row.get("product_packaging_id")),
            packaging_qty=number(row.get("product_packaging_qty")) or None,
            display_type=text(row["display_type"]),
            kind=kind,
        )
    if without_unit:
        # A snapshot or server of another Odoo version names the unit field differently.
        log.warning("%d %s rows have no unit of measure in field %s; their documents go to review. Is the Odoo version %s right?", without_unit, model, uom_field, reader.source.server_version)


def _load_stock(reader: _Reader, catalog: Catalog) -> None:
    fields = ["name", "picking_type_code", "state", "partner_id", "origin", "scheduled_date", "date_done", "carrier_tracking_ref", "move_ids", "return_id"]
    for row in reader.rows("stock.picking", fields, [["state", "!=", "cancel"]]):
        catalog.pickings[row["id"]] = Picking(
            id=row["id"],
            name=str(row["name"]),
            picking_type_code=str(row["picking_type_code"] or ""),
            state=str(row["state"]),
            partner_id=m2o_id(row["partner_id"]),
            origin=text(row["origin"]),
            scheduled_date=odoo_datetime(row["scheduled_date"]),
            date_done=odoo_datetime(row["date_done"]),
            carrier_tracking_ref=text(row["carrier_tracking_ref"]),
            move_ids=list(row["move_ids"] or []),
            is_return=bool(row.get("return_id")),
        )
    done_field = "quantity" if reader.major >= 17 else "quantity_done"
    fields = ["picking_id", "product_id", "product_uom_qty", done_field, "product_uom", "state", "purchase_line_id", "sale_line_id"]
    for row in reader.rows("stock.move", fields):
        catalog.moves[row["id"]] = Move(
            id=row["id"],
            picking_id=m2o_id(row["picking_id"]),
            product_id=m2o_id(row["product_id"]) or 0,
            demand=number(row["product_uom_qty"]),
            quantity_done=number(row[done_field]),
            uom_id=m2o_id(row["product_uom"]) or 0,
            state=str(row["state"]),
            purchase_line_id=m2o_id(row["purchase_line_id"]),
            sale_line_id=m2o_id(row["sale_line_id"]),
        )


def _load_bills(reader: _Reader, catalog: Catalog) -> None:
    fields = ["name", "move_type", "partner_id", "ref", "state", "invoice_date", "invoice_origin", "currency_id", "amount_untaxed", "amount_total"]
    domain = [["move_type", "in", ["in_invoice", "in_refund", "out_invoice", "out_refund"]]]
    for row in reader.rows("account.move", fields, domain):
        catalog.bills[row["id"]] = Bill(
            id=row["id"],
            name=str(row["name"]),
            move_type=str(row["move_type"]),
            partner_id=m2o_id(row["partner_id"]),
            ref=text(row["ref"]),
            state=str(row["state"]),
            invoice_date=odoo_date(row["invoice_date"]),
            invoice_origin=text(row["invoice_origin"]),
            currency=m2o_name(row["currency_id"]),
            amount_untaxed=number(row["amount_untaxed"]) if row["amount_untaxed"] is not False else None,
            amount_total=number(row["amount_total"]) if row["amount_total"] is not False else None,
        )


def load_catalog(source: OdooSource) -> Catalog:
    """Read every record matching needs from `source` into a `Catalog`."""
    reader = _Reader(source)
    catalog = Catalog(server_version=source.server_version)

    for row in reader.rows("res.company", ["name", "currency_id"]):
        catalog.companies[row["id"]] = Company(row["id"], str(row["name"]), m2o_name(row["currency_id"]))
    for row in reader.rows("res.partner", ["name", "vat", "ref", "email", "commercial_partner_id", "is_company", "street", "zip", "country_id"]):
        catalog.partners[row["id"]] = Partner(
            row["id"], str(row["name"] or ""), text(row["vat"]), text(row["ref"]), text(row["email"]), m2o_id(row["commercial_partner_id"]), bool(row["is_company"]),
            street=text(row["street"]), zip=text(row["zip"]), country=m2o_name(row["country_id"]),
        )

    _load_uoms(reader, catalog)
    _load_products(reader, catalog)
    _load_supplierinfos(reader, catalog)
    _load_orders(reader, catalog, "purchase")
    _load_orders(reader, catalog, "sale")
    _load_stock(reader, catalog)
    _load_bills(reader, catalog)

    log.info(
        "loaded Odoo %s catalog: %d partners, %d products, %d orders, %d pickings, %d bills",
        catalog.server_version, len(catalog.partners), len(catalog.products), len(catalog.orders), len(catalog.pickings), len(catalog.bills),
    )
    return catalog
