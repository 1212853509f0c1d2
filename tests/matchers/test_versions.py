"""The same purchase converts the same way from an Odoo 17 and an Odoo 19 snapshot.

Odoo 17 keeps `uom.category` and a `factor` per unit (reference = 1, lb = 2.20462 per
kg); Odoo 19 drops categories for a tree of units whose computed `factor` is absolute
(g is the root, kg = 1000, lb = 453.59237). The catalog turns both into `Uom.ratio`.
"""

from __future__ import annotations

import json

import pytest

from docmatch.matchers import match_document
from docmatch.odoo.catalog import load_catalog
from docmatch.odoo.snapshot import SnapshotSource

from .builders import extraction

PARTNER = [{"id": 10, "name": "Prairie Nut Company Inc.", "vat": False, "ref": False, "email": False, "commercial_partner_id": [10, "Prairie Nut Company Inc."], "is_company": True}]
PRODUCT = {"id": 5, "display_name": "[NUT-PEC] Pecans", "name": "Pecans", "default_code": "NUT-PEC", "barcode": False, "uom_id": [2, "kg"], "product_tmpl_id": [5, "Pecans"], "categ_id": [1, "All"]}
ORDER = {"id": 1, "name": "P00004", "partner_id": [10, "Prairie Nut Company Inc."], "state": "purchase", "date_order": "2025-03-01 08:00:00", "currency_id": [2, "USD"],
         "company_id": [1, "Brennholt"], "partner_ref": False, "origin": False, "amount_untaxed": 550.0, "amount_tax": 0.0, "amount_total": 550.0, "order_line": [7]}
LINE = {"id": 7, "order_id": [1, "P00004"], "product_id": [5, "Pecans"], "name": "Pecans", "product_qty": 100.0, "price_unit": 5.5, "discount": 0.0,
        "qty_received": 100.0, "qty_invoiced": 0.0, "price_subtotal": 550.0, "display_type": False}


def write_snapshot(folder, version: str) -> None:
    if version.startswith("17"):
        uoms = [
            {"id": 2, "name": "kg", "category_id": [2, "Weight"], "factor": 1.0, "rounding": 0.001},
            {"id": 3, "name": "g", "category_id": [2, "Weight"], "factor": 1000.0, "rounding": 0.01},
            {"id": 4, "name": "lb", "category_id": [2, "Weight"], "factor": 2.20462, "rounding": 0.01},
        ]
        line = {**LINE, "product_uom": [4, "lb"]}
        product = {**PRODUCT, "uom_po_id": [4, "lb"]}
    else:
        uoms = [
            {"id": 3, "name": "g", "relative_factor": 1.0, "relative_uom_id": False, "factor": 1.0, "parent_path": "3/"},
            {"id": 2, "name": "kg", "relative_factor": 1000.0, "relative_uom_id": [3, "g"], "factor": 1000.0, "parent_path": "3/2/"},
            {"id": 4, "name": "lb", "relative_factor": 453.59237, "relative_uom_id": [3, "g"], "factor": 453.59237, "parent_path": "3/4/"},
        ]
        line = {**LINE, "product_uom_id": [4, "lb"]}
        product = PRODUCT
    files = {"version.json": {"server_version": version}, "res.partner.json": PARTNER, "uom.uom.json": uoms, "product.product.json": [product],
             "purchase.order.json": [ORDER], "purchase.order.line.json": [line]}
    for name, rows in files.items():
        (folder / name).write_text(json.dumps(rows), encoding="utf-8")


@pytest.mark.parametrize("version", ["17.0", "19.0"])
def test_pounds_convert_alike_in_both_unit_models(tmp_path, version):
    write_snapshot(tmp_path, version)
    catalog = load_catalog(SnapshotSource(tmp_path))
    document = extraction(po_reference="P00004", vendor_name="Prairie Nut Company Inc.", currency="USD",
                          lines=[dict(code="NUT-PEC", quantity=45.36, uom="KGM", unit_price=12.13), dict(code="NUT-PEC", quantity=100, uom="LBS", unit_price=5.5)])

    result = match_document(document, catalog)

    in_kg, in_lb = result.pairs
    assert in_kg.unit_factor == pytest.approx(1.0)
    assert in_lb.unit_factor == pytest.approx(0.45359, abs=1e-4)
    assert in_lb.odoo_quantity_base == pytest.approx(45.359, abs=1e-3)
