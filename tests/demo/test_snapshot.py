"""The demo's Odoo snapshot has Odoo 17's search_read shape and loads with the right values."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from docmatch.odoo.catalog import load_catalog
from docmatch.odoo.snapshot import SnapshotSource

SNAPSHOT = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "odoo"
NAIVE_UTC = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
DATETIME_FIELDS = {"date_order", "date_approve", "date_planned", "commitment_date", "scheduled_date", "date_done", "date"}
MANY2ONE_FIELDS = {"partner_id", "product_id", "product_uom", "uom_id", "uom_po_id", "order_id", "picking_id", "currency_id", "categ_id", "category_id", "product_tmpl_id", "company_id", "commercial_partner_id"}
X2MANY_FIELDS = {"order_line", "move_ids", "taxes_id", "tax_id", "packaging_ids", "seller_ids", "invoice_line_ids", "picking_ids", "backorder_ids", "return_ids"}


def rows(model: str) -> list[dict]:
    return json.loads((SNAPSHOT / f"{model}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(SnapshotSource(SNAPSHOT))


def test_version_file_names_odoo_17():
    assert json.loads((SNAPSHOT / "version.json").read_text()) == {"server_version": "17.0"}


@pytest.mark.parametrize("path", sorted(SNAPSHOT.glob("*.json")), ids=lambda path: path.stem)
def test_every_model_file_has_the_search_read_shape(path: Path):
    """GIVEN a model file WHEN read THEN many2one is [id, name] or false, x2many an id list, no null, datetimes naive UTC."""
    if path.name == "version.json":
        return
    records = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(records, list) and records
    ids = [record["id"] for record in records]
    assert len(ids) == len(set(ids))
    for record in records:
        for name, value in record.items():
            assert value is not None, f"{path.stem}.{name} is null; Odoo sends false"
            if name in MANY2ONE_FIELDS and value is not False:
                assert isinstance(value, list) and len(value) == 2 and isinstance(value[0], int) and isinstance(value[1], str), f"{path.stem}.{name}={value!r}"
            if name in X2MANY_FIELDS:
                assert isinstance(value, list) and all(isinstance(item, int) for item in value), f"{path.stem}.{name}={value!r}"
            if name in DATETIME_FIELDS and value is not False and path.stem != "account.move":
                assert NAIVE_UTC.match(value), f"{path.stem}.{name}={value!r}"


def test_field_names_are_those_of_odoo_17():
    purchase_line, sale_line, move = rows("purchase.order.line")[0], rows("sale.order.line")[0], rows("stock.move")[0]
    assert {"product_uom", "taxes_id", "product_qty", "qty_received", "qty_invoiced", "product_packaging_id", "product_packaging_qty"} <= purchase_line.keys()
    assert "product_uom_id" not in purchase_line
    assert "tax_ids" not in purchase_line
    assert {"product_uom", "tax_id", "product_uom_qty", "qty_delivered"} <= sale_line.keys()
    assert {"quantity", "picked", "product_uom", "purchase_line_id", "sale_line_id"} <= move.keys()
    assert "quantity_done" not in move
    assert {"factor", "rounding", "category_id", "uom_type"} <= rows("uom.uom")[0].keys()


def test_units_carry_the_17_factors():
    units = {unit["name"]: unit for unit in rows("uom.uom")}
    assert units["Units"]["factor"] == 1.0
    assert units["Units"]["uom_type"] == "reference"
    assert units["Dozens"]["factor"] == pytest.approx(1 / 12)
    assert units["g"]["factor"] == 1000.0
    assert units["lb"]["factor"] == 2.20462
    assert units["lb"]["category_id"] == [2, "Weight"]
    assert all(unit["rounding"] == 0.01 for unit in units.values())


def test_catalog_reads_units_packagings_and_vendor_codes(catalog):
    dozens = next(uom for uom in catalog.uoms.values() if uom.name == "Dozens")
    pound = next(uom for uom in catalog.uoms.values() if uom.name == "lb")
    assert dozens.ratio == pytest.approx(12.0)
    assert pound.ratio == pytest.approx(0.45359, abs=1e-5)
    water = next(product for product in catalog.products.values() if product.default_code == "BEV-WATER-075")
    assert sorted(packaging.quantity for packaging in water.packagings) == [12.0, 480.0]
    codes = {info.product_code for info in catalog.supplierinfos if info.partner_id == 7}
    assert "HT-40110" in codes
    assert len(codes) == 26


def test_catalog_keeps_purchase_and_sale_orders_apart(catalog):
    """GIVEN 21 purchase and 10 sale orders WHEN loaded THEN all 31 are in the catalog."""
    names = {order.name for order in catalog.orders.values()}
    assert len([name for name in names if name.startswith("P")]) == len(rows("purchase.order"))
    assert len([name for name in names if name.startswith("S")]) == len(rows("sale.order"))


def test_partial_receipt_leaves_a_backorder(catalog):
    order = next(order for order in catalog.orders.values() if order.name == "P00005")
    flour = next(catalog.order_lines[("purchase", line_id)] for line_id in order.line_ids if catalog.order_lines[("purchase", line_id)].quantity == 100)
    assert flour.qty_moved == 60
    pickings = [picking for picking in rows("stock.picking") if picking["origin"] == "P00005"]
    waiting = [picking for picking in pickings if picking["state"] == "assigned"]
    assert len(pickings) == 2
    assert len(waiting) == 1
    assert waiting[0]["backorder_id"][1] == pickings[0]["name"]


def test_duplicate_invoice_is_booked_as_a_vendor_bill(catalog):
    bill = next(bill for bill in catalog.bills.values() if bill.ref == "GL-INV-88213")
    assert bill.move_type == "in_invoice"
    assert bill.state == "posted"
    assert bill.invoice_origin is None


def test_outgoing_deliveries_carry_tracking_references(catalog):
    tracked = [picking for picking in catalog.pickings.values() if picking.picking_type_code == "outgoing" and picking.carrier_tracking_ref]
    assert {"SPL-7781-2417", "NSF-552910"} <= {picking.carrier_tracking_ref for picking in tracked}
    returns = [picking for picking in catalog.pickings.values() if picking.is_return]
    assert len(returns) == 3
