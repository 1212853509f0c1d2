"""Write the demo company and its ledger as an Odoo 17.0 snapshot folder.

Each model becomes `<model>.json`, a JSON array of rows shaped exactly like the result of
Odoo 17's `search_read`: many2one fields as `[id, "display name"]`, one2many and
many2many fields as lists of ids, empty values as `false`, datetimes as naive UTC
strings `YYYY-MM-DD HH:MM:SS` and dates as `YYYY-MM-DD`. Field names are 17.0's own:
`product_uom` and `taxes_id` on purchase lines, `tax_id` on sale lines, `quantity` and
`picked` on stock moves, `uom.category` with `factor` and `rounding` on units.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from docmatch.demo.company import (
    CARRIERS,
    CATEGORIES,
    COMPANY,
    PARTNER_BY_ID,
    PARTNERS,
    PRODUCTS,
    TAXES,
    UNIT_BY_ID,
    UNITS,
    UOM_CATEGORIES,
    Partner,
    Product,
)
from docmatch.demo.ledger import Ledger, Move, Order, OrderLine, Picking, money, to_product_unit

SERVER_VERSION = "17.0"
Row = dict[str, Any]

CURRENCIES = {"EUR": 1, "USD": 2}
COMPANY_REF = [1, COMPANY.name]
STOCK = [8, "WH/Stock"]
VENDORS_LOCATION = [4, "Partners/Vendors"]
CUSTOMERS_LOCATION = [5, "Partners/Customers"]
RECEIPTS_TYPE = [1, "Brennholt Lager: Receipts"]
DELIVERIES_TYPE = [2, "Brennholt Lager: Delivery Orders"]
PURCHASE_JOURNAL = [2, "Vendor Bills"]


def odoo_datetime(value: datetime | None) -> str | bool:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else False


def odoo_date(value: date | None) -> str | bool:
    return value.isoformat() if value else False


def ref(record_id: int | None, name: str | None) -> list[Any] | bool:
    """Return a many2one value: `[id, display name]`, or False when empty."""
    return [record_id, name] if record_id else False


def currency(code: str) -> list[Any]:
    return [CURRENCIES[code], code]


def unit(uom_id: int) -> list[Any]:
    return [uom_id, UNIT_BY_ID[uom_id].name]


def partner_ref(partner: Partner) -> list[Any]:
    return [partner.id, partner_display_name(partner)]


def partner_display_name(partner: Partner) -> str:
    if partner.parent_id:
        return f"{PARTNER_BY_ID[partner.parent_id].name}, {partner.name}"
    return partner.name


def product_ref(product: Product) -> list[Any]:
    return [product.id, product.display_name]


# --- master data ----------------------------------------------------------------------


def company_rows() -> list[Row]:
    return [
        {
            "id": 1,
            "name": COMPANY.name,
            "display_name": COMPANY.name,
            "partner_id": partner_ref(COMPANY),
            "currency_id": currency("EUR"),
            "vat": COMPANY.vat,
            "email": COMPANY.email,
            "phone": COMPANY.phone,
            "street": COMPANY.street,
            "zip": COMPANY.zip,
            "city": COMPANY.city,
            "country_id": [COMPANY.country.id, COMPANY.country.name],
            "company_registry": "HRB 123456",
        }
    ]


def currency_rows() -> list[Row]:
    return [
        {"id": 1, "name": "EUR", "display_name": "EUR", "symbol": "€", "rounding": 0.01, "active": True},
        {"id": 2, "name": "USD", "display_name": "USD", "symbol": "$", "rounding": 0.01, "active": True},
    ]


def partner_rows() -> list[Row]:
    rows = []
    for partner in PARTNERS:
        parent = PARTNER_BY_ID[partner.parent_id] if partner.parent_id else None
        commercial = parent or partner
        rows.append(
            {
                "id": partner.id,
                "name": partner.name,
                "display_name": partner_display_name(partner),
                "is_company": parent is None,
                "company_type": "person" if parent else "company",
                "parent_id": partner_ref(parent) if parent else False,
                "commercial_partner_id": partner_ref(commercial),
                "vat": partner.vat or False,
                "ref": partner.ref or False,
                "email": partner.email,
                "phone": partner.phone or False,
                "street": partner.street,
                "zip": partner.zip,
                "city": partner.city,
                "country_id": [partner.country.id, partner.country.name],
                "lang": partner.lang,
                "tz": partner.tz,
                "supplier_rank": 1 if partner.role == "vendor" else 0,
                "customer_rank": 1 if partner.role == "customer" else 0,
                "company_id": False,
                "active": True,
            }
        )
    return rows


def uom_category_rows() -> list[Row]:
    return [{"id": category.id, "name": category.name, "display_name": category.name} for category in UOM_CATEGORIES]


def uom_rows() -> list[Row]:
    categories = {category.id: category.name for category in UOM_CATEGORIES}
    rows = []
    for item in UNITS:
        rows.append(
            {
                "id": item.id,
                "name": item.name,
                "display_name": item.name,
                "category_id": [item.category_id, categories[item.category_id]],
                "factor": item.factor,
                "factor_inv": 1.0 / item.factor,
                "ratio": 1.0 / item.factor if item.uom_type == "bigger" else item.factor,
                "rounding": item.rounding,
                "uom_type": item.uom_type,
                "active": item.active,
            }
        )
    return rows


def tax_rows() -> list[Row]:
    return [
        {
            "id": tax.id,
            "name": tax.name,
            "display_name": tax.name,
            "amount": tax.amount,
            "amount_type": "percent",
            "type_tax_use": tax.type_tax_use,
            "price_include": False,
            "description": tax.description,
            "company_id": COMPANY_REF,
            "active": True,
        }
        for tax in TAXES
    ]


def category_rows() -> list[Row]:
    return [
        {"id": category.id, "name": category.complete_name.split(" / ")[-1], "complete_name": category.complete_name, "display_name": category.complete_name}
        for category in CATEGORIES
    ]


def _category(product: Product) -> list[Any]:
    names = {category.id: category.complete_name for category in CATEGORIES}
    return [product.category_id, names[product.category_id]]


def product_rows() -> list[Row]:
    rows = []
    for product in PRODUCTS:
        rows.append(
            {
                "id": product.id,
                "name": product.name,
                "display_name": product.display_name,
                "default_code": product.default_code,
                "barcode": product.barcode,
                "product_tmpl_id": [product.template_id, product.display_name],
                "categ_id": _category(product),
                "uom_id": unit(product.uom_id),
                "uom_po_id": unit(product.uom_po_id),
                "detailed_type": "product",
                "type": "product",
                "list_price": product.list_price,
                "standard_price": product.standard_price,
                "weight": product.weight,
                "sale_ok": True,
                "purchase_ok": True,
                "taxes_id": [product.sale_tax],
                "supplier_taxes_id": [product.purchase_tax],
                "packaging_ids": [packaging.id for packaging in product.packagings],
                "seller_ids": [item.id for item in product.vendor_items],
                "company_id": False,
                "active": True,
            }
        )
    return rows


def packaging_rows() -> list[Row]:
    rows = []
    for product in PRODUCTS:
        for packaging in product.packagings:
            rows.append(
                {
                    "id": packaging.id,
                    "name": packaging.name,
                    "display_name": packaging.name,
                    "product_id": product_ref(product),
                    "qty": float(packaging.qty),
                    "barcode": packaging.barcode or False,
                    "product_uom_id": unit(product.uom_id),
                    "sales": True,
                    "purchase": True,
                    "sequence": 1,
                    "company_id": False,
                }
            )
    return sorted(rows, key=lambda row: row["id"])


def supplierinfo_rows() -> list[Row]:
    rows = []
    for product in PRODUCTS:
        for item in product.vendor_items:
            vendor = next(partner for partner in PARTNERS if partner.key == item.vendor)
            rows.append(
                {
                    "id": item.id,
                    "display_name": vendor.name,
                    "partner_id": partner_ref(vendor),
                    "product_name": item.name,
                    "product_code": item.code,
                    "product_tmpl_id": [product.template_id, product.display_name],
                    "product_id": False,
                    "product_uom": unit(product.uom_po_id),
                    "min_qty": item.min_qty,
                    "price": item.price,
                    "discount": 0.0,
                    "currency_id": currency(item.currency),
                    "delay": 3,
                    "sequence": 1,
                    "date_start": False,
                    "date_end": False,
                    "company_id": COMPANY_REF,
                }
            )
    return sorted(rows, key=lambda row: row["id"])


def carrier_rows() -> list[Row]:
    return [{"id": carrier_id, "name": name, "display_name": name, "delivery_type": "fixed", "active": True} for carrier_id, name in CARRIERS.values()]


# --- ledger ---------------------------------------------------------------------------


def _amounts(order: Order) -> Row:
    return {"amount_untaxed": order.amount_untaxed, "amount_tax": order.amount_tax, "amount_total": order.amount_total}


def purchase_order_rows(orders: Iterable[Order], pickings: list[Picking]) -> list[Row]:
    rows = []
    for order in orders:
        invoiced = [line.qty_invoiced >= line.qty_moved for line in order.lines]
        rows.append(
            {
                "id": order.id,
                "name": order.name,
                "display_name": order.name,
                "partner_id": partner_ref(order.partner),
                "partner_ref": order.partner_ref or False,
                "origin": order.origin or False,
                "date_order": odoo_datetime(order.date_order),
                "date_approve": odoo_datetime(order.date_order),
                "date_planned": odoo_datetime(order.date_planned),
                "state": order.state,
                "currency_id": currency(order.currency),
                "company_id": COMPANY_REF,
                "order_line": [line.id for line in order.lines],
                **_amounts(order),
                "receipt_status": _receipt_status(order),
                "invoice_status": "invoiced" if all(invoiced) and _receipt_status(order) == "full" else "to invoice",
                "picking_ids": [picking.id for picking in pickings if picking.order is order],
                "invoice_ids": list(order.invoice_ids),
                "picking_type_id": RECEIPTS_TYPE,
                "dest_address_id": False,
                "notes": False,
                "user_id": [2, "Mitchell Admin"],
            }
        )
    return rows


def purchase_line_rows(orders: Iterable[Order], moves: list[Move]) -> list[Row]:
    rows = []
    for order in orders:
        for sequence, line in enumerate(order.lines, start=1):
            rows.append(
                {
                    "id": line.id,
                    "order_id": [order.id, order.name],
                    "sequence": sequence * 10,
                    "display_type": False,
                    "product_id": product_ref(line.product),
                    "name": line.description,
                    "product_qty": line.quantity,
                    "product_uom_qty": round(line.product_qty, 2),
                    "product_uom": unit(line.uom_id),
                    "product_packaging_id": ref(line.packaging.id, line.packaging.name) if line.packaging else False,
                    "product_packaging_qty": line.quantity / line.packaging.qty if line.packaging else 0.0,
                    "price_unit": line.price_unit,
                    "discount": 0.0,
                    "taxes_id": [line.tax_id],
                    "price_subtotal": line.subtotal,
                    "price_tax": line.tax_amount,
                    "price_total": money(line.subtotal + line.tax_amount),
                    "qty_received_method": "stock_moves",
                    "qty_received": line.qty_moved,
                    "qty_invoiced": line.qty_invoiced,
                    "qty_to_invoice": line.qty_moved - line.qty_invoiced,
                    "date_planned": odoo_datetime(line.date_planned),
                    "partner_id": partner_ref(order.partner),
                    "currency_id": currency(order.currency),
                    "move_ids": [move.id for move in moves if move.purchase_line is line],
                    "state": order.state,
                    "company_id": COMPANY_REF,
                }
            )
    return rows


def sale_order_rows(orders: Iterable[Order], pickings: list[Picking]) -> list[Row]:
    rows = []
    for order in orders:
        rows.append(
            {
                "id": order.id,
                "name": order.name,
                "display_name": order.name,
                "partner_id": partner_ref(order.partner),
                "partner_invoice_id": partner_ref(order.partner),
                "partner_shipping_id": partner_ref(order.partner),
                "client_order_ref": order.partner_ref or False,
                "origin": order.origin or False,
                "date_order": odoo_datetime(order.date_order),
                "commitment_date": odoo_datetime(order.date_planned),
                "validity_date": False,
                "state": order.state,
                "locked": False,
                "currency_id": currency(order.currency),
                "company_id": COMPANY_REF,
                "order_line": [line.id for line in order.lines],
                **_amounts(order),
                "picking_ids": [picking.id for picking in pickings if picking.order is order],
                "delivery_count": sum(1 for picking in pickings if picking.order is order),
                "invoice_status": "to invoice" if any(line.qty_moved for line in order.lines) else "no",
                "user_id": [2, "Mitchell Admin"],
            }
        )
    return rows


def sale_line_rows(orders: Iterable[Order], moves: list[Move]) -> list[Row]:
    rows = []
    for order in orders:
        for sequence, line in enumerate(order.lines, start=1):
            rows.append(
                {
                    "id": line.id,
                    "order_id": [order.id, order.name],
                    "sequence": sequence * 10,
                    "display_type": False,
                    "product_id": product_ref(line.product),
                    "name": line.description,
                    "product_uom_qty": line.quantity,
                    "product_uom": unit(line.uom_id),
                    "product_packaging_id": ref(line.packaging.id, line.packaging.name) if line.packaging else False,
                    "product_packaging_qty": line.quantity / line.packaging.qty if line.packaging else 0.0,
                    "price_unit": line.price_unit,
                    "discount": 0.0,
                    "tax_id": [line.tax_id],
                    "price_subtotal": line.subtotal,
                    "price_tax": line.tax_amount,
                    "price_total": money(line.subtotal + line.tax_amount),
                    "qty_delivered_method": "stock_move",
                    "qty_delivered": line.qty_moved,
                    "qty_invoiced": line.qty_invoiced,
                    "qty_to_invoice": line.qty_moved - line.qty_invoiced,
                    "customer_lead": 0.0,
                    "currency_id": currency(order.currency),
                    "move_ids": [move.id for move in moves if move.sale_line is line],
                    "state": order.state,
                    "company_id": COMPANY_REF,
                }
            )
    return rows


def picking_rows(pickings: list[Picking]) -> list[Row]:
    rows = []
    for picking in pickings:
        incoming = picking.code == "incoming"
        carrier = CARRIERS.get(picking.carrier or "")
        rows.append(
            {
                "id": picking.id,
                "name": picking.name,
                "display_name": picking.name,
                "picking_type_id": RECEIPTS_TYPE if incoming else DELIVERIES_TYPE,
                "picking_type_code": picking.code,
                "state": picking.state,
                "partner_id": partner_ref(picking.partner),
                "origin": picking.origin,
                "scheduled_date": odoo_datetime(picking.scheduled_date),
                "date_deadline": False,
                "date_done": odoo_datetime(picking.date_done),
                "location_id": VENDORS_LOCATION if incoming else STOCK,
                "location_dest_id": _destination(picking),
                "move_ids": [move.id for move in picking.moves],
                "move_ids_without_package": [move.id for move in picking.moves],
                "backorder_id": ref(picking.backorder_of.id, picking.backorder_of.name) if picking.backorder_of else False,
                "backorder_ids": [other.id for other in pickings if other.backorder_of is picking],
                "return_id": ref(picking.return_of.id, picking.return_of.name) if picking.return_of else False,
                "return_ids": [other.id for other in pickings if other.return_of is picking],
                "purchase_id": ref(picking.order.id, picking.order.name) if picking.order and picking.order.kind == "purchase" else False,
                "sale_id": ref(picking.order.id, picking.order.name) if picking.order and picking.order.kind == "sale" else False,
                "carrier_id": list(carrier) if carrier else False,
                "carrier_tracking_ref": picking.tracking_ref or False,
                "weight": round(sum(move.quantity * move.product.weight for move in picking.moves), 2),
                "company_id": COMPANY_REF,
            }
        )
    return rows


def move_rows(pickings: list[Picking]) -> list[Row]:
    rows = []
    for picking in pickings:
        incoming = picking.code == "incoming"
        for move in picking.moves:
            order_line: OrderLine | None = move.purchase_line or move.sale_line
            rows.append(
                {
                    "id": move.id,
                    "name": move.product.display_name,
                    "reference": picking.name,
                    "picking_id": [picking.id, picking.name],
                    "product_id": product_ref(move.product),
                    "product_uom_qty": move.demand,
                    "quantity": move.quantity,
                    "picked": move.picked,
                    "product_qty": _in_product_unit(move),
                    "product_uom": unit(move.uom_id),
                    "product_packaging_id": ref(move.packaging.id, move.packaging.name) if move.packaging else False,
                    "state": move.state,
                    "date": odoo_datetime(move.date),
                    "origin": order_line and _order_name(order_line, picking) or False,
                    "location_id": VENDORS_LOCATION if incoming else STOCK,
                    "location_dest_id": _destination(picking),
                    "purchase_line_id": ref(move.purchase_line.id, move.purchase_line.description) if move.purchase_line else False,
                    "sale_line_id": ref(move.sale_line.id, move.sale_line.description) if move.sale_line else False,
                    "origin_returned_move_id": _returned_move(picking, move),
                    "to_refund": picking.return_of is not None,
                    "company_id": COMPANY_REF,
                }
            )
    return rows


def _receipt_status(order: Order) -> str:
    if all(line.qty_moved >= line.quantity for line in order.lines):
        return "full"
    if any(line.qty_moved for line in order.lines):
        return "partial"
    return "pending"


def _destination(picking: Picking) -> list[Any]:
    if picking.code == "incoming":
        return STOCK
    if picking.return_of:
        return VENDORS_LOCATION
    return CUSTOMERS_LOCATION


def _in_product_unit(move: Move) -> float:
    return round(to_product_unit(move.product, move.demand, move.uom_id), 2)


def _order_name(line: OrderLine, picking: Picking) -> str:
    return picking.order.name if picking.order else ""


def _returned_move(picking: Picking, move: Move) -> list[Any] | bool:
    if picking.return_of is None:
        return False
    for original in picking.return_of.moves:
        if original.product is move.product:
            return [original.id, f"{picking.return_of.name}: {original.product.display_name}"]
    return False


def bill_rows(ledger: Ledger) -> list[Row]:
    rows = []
    for bill in ledger.bills:
        rows.append(
            {
                "id": bill.id,
                "name": bill.name,
                "display_name": f"{bill.name} ({bill.ref})",
                "move_type": bill.move_type,
                "ref": bill.ref,
                "partner_id": partner_ref(bill.partner),
                "invoice_date": odoo_date(bill.invoice_date),
                "date": odoo_date(bill.invoice_date),
                "invoice_date_due": odoo_date(bill.invoice_date.fromordinal(bill.invoice_date.toordinal() + 30)),
                "invoice_origin": bill.origin or False,
                "state": bill.state,
                "payment_state": "not_paid",
                "currency_id": currency(bill.currency),
                "amount_untaxed": bill.amount_untaxed,
                "amount_tax": bill.amount_tax,
                "amount_total": bill.amount_total,
                "invoice_line_ids": [line.id for line in bill.lines],
                "journal_id": PURCHASE_JOURNAL,
                "company_id": COMPANY_REF,
            }
        )
    return rows


def bill_line_rows(ledger: Ledger) -> list[Row]:
    rows = []
    for bill in ledger.bills:
        for line in bill.lines:
            rows.append(
                {
                    "id": line.id,
                    "move_id": [bill.id, bill.name],
                    "display_type": "product",
                    "product_id": product_ref(line.product),
                    "name": line.purchase_line.description if line.purchase_line else line.product.display_name,
                    "quantity": line.quantity,
                    "product_uom_id": unit(line.uom_id),
                    "price_unit": line.price_unit,
                    "discount": 0.0,
                    "tax_ids": [line.tax_id],
                    "price_subtotal": line.subtotal,
                    "purchase_line_id": ref(line.purchase_line.id, line.purchase_line.description) if line.purchase_line else False,
                }
            )
    return rows


def snapshot_rows(ledger: Ledger) -> dict[str, list[Row]]:
    """Return every model of the snapshot with its rows, ordered by id."""
    purchases = [order for order in ledger.orders if order.kind == "purchase"]
    sales = [order for order in ledger.orders if order.kind == "sale"]
    moves = [move for picking in ledger.pickings for move in picking.moves]
    return {
        "res.company": company_rows(),
        "res.currency": currency_rows(),
        "res.partner": partner_rows(),
        "uom.category": uom_category_rows(),
        "uom.uom": uom_rows(),
        "account.tax": tax_rows(),
        "product.category": category_rows(),
        "product.product": product_rows(),
        "product.packaging": packaging_rows(),
        "product.supplierinfo": supplierinfo_rows(),
        "delivery.carrier": carrier_rows(),
        "purchase.order": purchase_order_rows(purchases, ledger.pickings),
        "purchase.order.line": purchase_line_rows(purchases, moves),
        "sale.order": sale_order_rows(sales, ledger.pickings),
        "sale.order.line": sale_line_rows(sales, moves),
        "stock.picking": picking_rows(ledger.pickings),
        "stock.move": move_rows(ledger.pickings),
        "account.move": bill_rows(ledger),
        "account.move.line": bill_line_rows(ledger),
    }


def write_snapshot(ledger: Ledger, folder: Path) -> None:
    """Write the snapshot folder: one `<model>.json` per model plus `version.json`."""
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.json"):
        stale.unlink()
    (folder / "version.json").write_text(json.dumps({"server_version": SERVER_VERSION}) + "\n", encoding="utf-8")
    for model, rows in snapshot_rows(ledger).items():
        text = json.dumps(rows, indent=1, ensure_ascii=False)
        (folder / f"{model}.json").write_text(text + "\n", encoding="utf-8")
