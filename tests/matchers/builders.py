"""Small catalogs and extractions for matching and rules tests, built in a few lines."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from docmatch.models import ExtractedField, ExtractedLine, Extraction
from docmatch.odoo.catalog import Catalog
from docmatch.odoo.records import Bill, Company, Move, Order, OrderLine, Packaging, Partner, Picking, Product, SupplierInfo, Uom

UNITS, DOZENS, KG, GRAM, LB, LITRE, CASE12 = 1, 2, 3, 4, 5, 6, 7


class CatalogBuilder:
    """Builds a `Catalog` with the standard units of a fresh Odoo database."""

    def __init__(self, version: str = "17.0") -> None:
        self.catalog = Catalog(server_version=version)
        self.catalog.companies[1] = Company(1, "Northwind Distribution GmbH", "EUR")
        for uom in (
            Uom(UNITS, "Units", 1, 1.0, 0.01),
            Uom(DOZENS, "Dozens", 1, 12.0, 0.01),
            Uom(KG, "kg", 2, 1.0, 0.01),
            Uom(GRAM, "g", 2, 0.001, 0.01),
            Uom(LB, "lb", 2, 0.45359237, 0.01),
            Uom(LITRE, "L", 3, 1.0, 0.01),
            Uom(CASE12, "Case of 12", 1, 12.0, 1.0),
        ):
            self.catalog.uoms[uom.id] = uom
        self._next = 1000

    def _id(self) -> int:
        self._next += 1
        return self._next

    def partner(self, partner_id: int, name: str, *, vat: str | None = None, email: str | None = None, street: str | None = None, zip: str | None = None,
                parent: int | None = None, country: str | None = None) -> CatalogBuilder:
        self.catalog.partners[partner_id] = Partner(
            partner_id, name, vat=vat, email=email, street=street, zip=zip, commercial_partner_id=parent, is_company=parent is None, country=country,
        )
        return self

    def product(self, product_id: int, code: str | None, name: str, *, uom: int = UNITS, purchase_uom: int | None = None,
                packagings: list[tuple[str, float]] = (), category: str | None = "All / Saleable", barcode: str | None = None) -> CatalogBuilder:
        product = Product(product_id, name, default_code=code, barcode=barcode, uom_id=uom, purchase_uom_id=purchase_uom, template_id=product_id, category=category)
        for name_, quantity in packagings:
            product.packagings.append(Packaging(self._id(), product_id, name_, quantity))
        self.catalog.products[product_id] = product
        return self

    def vendor_code(self, partner_id: int, product_id: int, code: str, *, name: str | None = None, price: float = 0.0) -> CatalogBuilder:
        self.catalog.supplierinfos.append(SupplierInfo(self._id(), partner_id, code, name, product_id, product_id, price))
        return self

    def order(self, order_id: int, name: str, partner_id: int, lines: list[dict[str, Any]], *, kind: str = "purchase",
              date_order: str = "2024-03-20 09:00:00", currency: str | None = "EUR", partner_ref: str | None = None,
              state: str | None = None, amount_tax: float | None = None, commitment_date: str | None = None) -> CatalogBuilder:
        line_ids = []
        untaxed = 0.0
        for spec in lines:
            line_id = spec.get("id") or self._id()
            line = OrderLine(
                id=line_id, order_id=order_id, product_id=spec["product"], description=spec.get("description") or self.catalog.products[spec["product"]].name,
                quantity=spec["qty"], uom_id=spec.get("uom", UNITS), price_unit=spec["price"], discount=spec.get("discount", 0.0),
                qty_moved=spec.get("moved", spec["qty"]), qty_invoiced=spec.get("invoiced", 0.0), kind=kind,
            )
            line.price_subtotal = round(line.quantity * line.price_unit * (1 - line.discount / 100), 2)
            if "tax_rate" in spec:
                line.price_tax = round(line.price_subtotal * spec["tax_rate"], 2)
            untaxed += line.price_subtotal
            self.catalog.order_lines[(kind, line_id)] = line
            line_ids.append(line_id)
        tax = round(untaxed * 0.19, 2) if amount_tax is None else amount_tax
        self.catalog.orders[(kind, order_id)] = Order(
            id=order_id, kind=kind, name=name, partner_id=partner_id, state=state or ("purchase" if kind == "purchase" else "sale"),
            date_order=datetime.fromisoformat(date_order).replace(tzinfo=timezone.utc), currency=currency, company_id=1, partner_ref=partner_ref,
            amount_untaxed=round(untaxed, 2), amount_tax=tax, amount_total=round(untaxed + tax, 2), line_ids=line_ids,
            commitment_date=datetime.fromisoformat(commitment_date).replace(tzinfo=timezone.utc) if commitment_date else None,
        )
        return self

    def picking(self, picking_id: int, name: str, partner_id: int, order_id: int, moves: list[tuple[int, float]], *, code: str = "outgoing",
                state: str = "done", date_done: str = "2024-04-02 08:00:00", kind: str | None = None) -> CatalogBuilder:
        """`moves` are (order line id, done quantity in the line's unit); `kind` picks the order when a purchase and a sale order share its id."""
        [order] = [order for (order_kind, id_), order in self.catalog.orders.items() if id_ == order_id and kind in (None, order_kind)]
        move_ids = []
        for line_id, quantity in moves:
            line = self.catalog.order_lines[(order.kind, line_id)]
            move_id = self._id()
            self.catalog.moves[move_id] = Move(
                move_id, picking_id, line.product_id or 0, line.quantity, quantity, line.uom_id, "done" if state == "done" else "assigned",
                purchase_line_id=line_id if order.kind == "purchase" else None, sale_line_id=line_id if order.kind == "sale" else None,
            )
            move_ids.append(move_id)
        self.catalog.pickings[picking_id] = Picking(
            picking_id, name, code, state, partner_id=partner_id, origin=order.name,
            date_done=datetime.fromisoformat(date_done).replace(tzinfo=timezone.utc) if state == "done" else None, move_ids=move_ids,
        )
        return self

    def bill(self, bill_id: int, name: str, partner_id: int, ref: str | None, *, total: float | None = None, invoice_date: str | None = None,
             move_type: str = "in_invoice", state: str = "posted", origin: str | None = None, currency: str = "EUR") -> CatalogBuilder:
        self.catalog.bills[bill_id] = Bill(bill_id, name, move_type, partner_id, ref, state, date.fromisoformat(invoice_date) if invoice_date else None,
                                           origin, currency, None, total)
        return self

    def build(self) -> Catalog:
        return self.catalog


def extraction(doc_type: str = "invoice", *, lines: list[dict[str, Any]] = (), method: str = "text", flags: dict[str, list[str]] | None = None, **fields: Any) -> Extraction:
    """An extraction as the extractors would hand it over; field values given by keyword."""
    flags = flags or {}
    return Extraction(
        doc_type=doc_type,
        method=method,
        fields={name: ExtractedField(value=value, confidence=0.95, page=1, flags=flags.get(name, [])) for name, value in fields.items()},
        lines=[ExtractedLine(confidence=0.95, page=1, **line) for line in lines],
    )
