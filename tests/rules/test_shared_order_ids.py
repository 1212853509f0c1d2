"""Purchase and sale orders with the same database id, as on a real Odoo database.

Both tables count their ids from 1, so purchase order 1 and sale order 1 exist side by
side. Each document must be matched and checked against its own order, its own lines
and its own picking, whichever of the two was loaded last.
"""

from __future__ import annotations

import pytest

from docmatch.matchers import match_document

from .helpers import CatalogBuilder, extraction, findings_for

CUSTOMER, VENDOR = 30, 10


@pytest.fixture(scope="module")
def catalog():
    builder = CatalogBuilder()
    builder.partner(CUSTOMER, "Harbour Street Catering Ltd").partner(VENDOR, "Acme Industrial Supply Ltd")
    builder.product(1, "OIL-5L", "Olive oil 5 L tin").product(2, "RICE-10", "Basmati rice 10 kg").product(3, "SALT-1", "Sea salt 1 kg")
    # Line ids 7 and 8 exist in both tables too.
    builder.order(1, "P00001", VENDOR, [dict(id=7, product=1, qty=10, price=18.0), dict(id=8, product=2, qty=4, price=12.0)], kind="purchase")
    builder.order(1, "S00001", CUSTOMER, [dict(id=7, product=3, qty=6, price=2.5, moved=6), dict(id=8, product=1, qty=3, price=25.0, moved=3)],
                  kind="sale", partner_ref="HSC-PO-17", date_order="2024-04-02 10:00:00")
    builder.picking(40, "WH/IN/00001", VENDOR, 1, [(7, 10), (8, 4)], code="incoming", kind="purchase")
    builder.picking(41, "WH/OUT/00001", CUSTOMER, 1, [(7, 6), (8, 3)], kind="sale")
    return builder.build()


def vendor_invoice():
    return extraction("invoice", number="INV-5501", date="2024-03-25", vendor_name="Acme Industrial Supply Ltd", po_reference="P00001", currency="EUR",
                      lines=[dict(code="OIL-5L", quantity=10, unit_price=18.0), dict(code="RICE-10", quantity=4, unit_price=12.0)])


def customer_order():
    return extraction("purchase_order", number="HSC-PO-17", date="2024-04-01", customer_name="Harbour Street Catering Ltd", currency="EUR",
                      lines=[dict(code="SALT-1", quantity=6, unit_price=2.5), dict(code="OIL-5L", quantity=3, unit_price=25.0)])


def test_both_orders_with_one_id_are_loaded(catalog):
    assert sorted(catalog.orders) == [("purchase", 1), ("sale", 1)]


def test_vendor_invoice_is_matched_to_the_purchase_order(catalog):
    match = match_document(vendor_invoice(), catalog)

    assert [(record.model, record.name) for record in match.records] == [("purchase.order", "P00001")]
    assert sorted((pair.odoo_line.model, pair.odoo_line.id) for pair in match.pairs) == [("purchase.order.line", 7), ("purchase.order.line", 8)]


def test_vendor_invoice_has_no_finding(catalog):
    assert findings_for(vendor_invoice(), catalog) == []


def test_customer_order_is_matched_to_the_sale_order(catalog):
    match = match_document(customer_order(), catalog)

    assert [(record.model, record.name) for record in match.records] == [("sale.order", "S00001")]
    assert sorted((pair.odoo_line.model, pair.odoo_line.id) for pair in match.pairs) == [("sale.order.line", 7), ("sale.order.line", 8)]


def test_customer_order_has_no_finding(catalog):
    assert findings_for(customer_order(), catalog) == []


def test_bill_of_lading_uses_sale_picking(catalog):
    document = extraction("bill_of_lading", number="BOL-9", date="2024-04-04", customer_name="Harbour Street Catering Ltd", po_reference="S00001",
                          lines=[dict(code="SALT-1", quantity=6), dict(code="OIL-5L", quantity=3)])

    match = match_document(document, catalog)

    assert ("stock.picking", "WH/OUT/00001") in [(record.model, record.name) for record in match.records]
    assert findings_for(document, catalog) == []


def test_short_receipt_on_purchase_line(catalog):
    document = extraction("delivery_note", number="DN-3", date="2024-03-22", vendor_name="Acme Industrial Supply Ltd", picking_reference="WH/IN/00001",
                          lines=[dict(code="OIL-5L", quantity=9), dict(code="RICE-10", quantity=4)])

    findings = findings_for(document, catalog)

    assert [(finding.kind, finding.document_value, finding.odoo_value) for finding in findings] == [("quantity_mismatch", 9.0, 10.0)]
