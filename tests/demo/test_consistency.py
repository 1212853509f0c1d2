"""Clean demo documents agree with the Odoo snapshot, checked from the raw JSON alone.

The generator derives documents and snapshot from the same ledger. These tests read
the printed values (expected files) and the snapshot rows independently. A document
called clean must have nothing to find: every line converts, through its printed unit
and the product's packagings, to exactly what Odoo ordered, received, delivered or has
left to bill. A document seeded with a line mismatch must fail the same check.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from docmatch.eval.seeded import build_pair

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
# Printed unit codes of the demo's documents and the Odoo units (uom.uom ids) they stand for.
PLAIN_UNITS = {"EA": 1, "Stk": 1, "KG": 3, "kg": 3, "L": 11, "l": 11, "LB": 12, "lb": 12, "DZ": 2}


class Snapshot:
    """The rows of a snapshot folder, indexed the way the checks need them."""

    def __init__(self, folder: Path) -> None:
        def rows(model: str) -> list[dict[str, Any]]:
            path = folder / f"{model}.json"
            return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []

        self.products = {row["id"]: row for row in rows("product.product")}
        self.packagings = defaultdict(dict)
        for row in rows("product.packaging"):
            self.packagings[row["product_id"][0]][row["name"]] = row["qty"]
        self.codes: dict[tuple[int, str], int] = {}
        templates = {row["product_tmpl_id"][0]: row["id"] for row in rows("product.product")}
        for row in rows("product.supplierinfo"):
            self.codes[(row["partner_id"][0], row["product_code"])] = templates[row["product_tmpl_id"][0]]
        self.orders = {row["name"]: row for row in [*rows("purchase.order"), *rows("sale.order")]}
        self.purchase_lines = {row["id"]: row for row in rows("purchase.order.line")}
        self.sale_lines = {row["id"]: row for row in rows("sale.order.line")}
        self.pickings = {row["name"]: row for row in rows("stock.picking")}
        self.moves = {row["id"]: row for row in rows("stock.move")}
        self.partners = {row["name"]: row["id"] for row in rows("res.partner")}
        self.units = {row["id"]: row for row in rows("uom.uom")}

    def product_id(self, partner_id: int, code: str) -> int:
        if (partner_id, code) in self.codes:
            return self.codes[(partner_id, code)]
        return next(product_id for product_id, row in self.products.items() if row["default_code"] == code)

    def pack_size(self, product_id: int, unit: str, line_unit: int) -> float:
        """Return how many of the Odoo line's unit one printed unit is (a packaging's quantity for CS, CT, PAL)."""
        if unit in PLAIN_UNITS:
            printed, ordered = self.units[PLAIN_UNITS[unit]], self.units[line_unit]
            assert printed["category_id"] == ordered["category_id"], f"{unit} does not convert into {ordered['name']}"
            return ordered["factor"] / printed["factor"]
        names = {"CS": ("Case",), "CT": ("Carton",), "PAL": ("Pallet",)}[unit]
        return next(qty for name, qty in self.packagings[product_id].items() if name.startswith(names))


def printed_quantities(snapshot: Snapshot, partner_id: int, lines: list[dict[str, Any]], units: dict[int, int], *, field: str = "quantity") -> dict[int, float]:
    """Return the printed quantities per product, converted into the unit of its Odoo line (`units`)."""
    totals: dict[int, float] = defaultdict(float)
    for line in lines:
        product_id = snapshot.product_id(partner_id, line["code"])
        totals[product_id] += round(abs(line[field]) * snapshot.pack_size(product_id, line["uom"], units[product_id]), 6)
    return dict(totals)


def check_invoice(snapshot: Snapshot, expected: dict[str, Any]) -> None:
    vendor = snapshot.partners[expected["fields"]["vendor_name"]]
    open_to_bill: dict[int, float] = defaultdict(float)
    prices: dict[int, float] = {}
    units: dict[int, int] = {}
    for name in expected["matched"]:
        for line_id in snapshot.orders[name]["order_line"]:
            line = snapshot.purchase_lines[line_id]
            open_to_bill[line["product_id"][0]] += line["qty_received"] - line["qty_invoiced"]
            prices[line["product_id"][0]] = line["price_unit"]
            units[line["product_id"][0]] = line["product_uom"][0]
    billed = printed_quantities(snapshot, vendor, expected["lines"], units)
    assert billed == {product: quantity for product, quantity in open_to_bill.items() if quantity}
    for line in expected["lines"]:
        product_id = snapshot.product_id(vendor, line["code"])
        assert line["unit_price"] == pytest.approx(prices[product_id] * snapshot.pack_size(product_id, line["uom"], units[product_id]))


def check_credit_note(snapshot: Snapshot, expected: dict[str, Any]) -> None:
    vendor = snapshot.partners[expected["fields"]["vendor_name"]]
    (name,) = expected["matched"]
    lines = [snapshot.purchase_lines[line_id] for line_id in snapshot.orders[name]["order_line"]]
    over_billed = {line["product_id"][0]: line["qty_invoiced"] - line["qty_received"] for line in lines if line["qty_invoiced"] > line["qty_received"]}
    units = {line["product_id"][0]: line["product_uom"][0] for line in lines}
    assert printed_quantities(snapshot, vendor, expected["lines"], units) == over_billed
    prices = {line["product_id"][0]: line["price_unit"] for line in lines}
    for line in expected["lines"]:
        product_id = snapshot.product_id(vendor, line["code"])
        assert line["unit_price"] == pytest.approx(prices[product_id] * snapshot.pack_size(product_id, line["uom"], units[product_id]))


def check_customer_order(snapshot: Snapshot, expected: dict[str, Any]) -> None:
    (name,) = expected["matched"]
    order = snapshot.orders[name]
    assert order["client_order_ref"] == expected["fields"]["number"]
    lines = {snapshot.sale_lines[line_id]["product_id"][0]: snapshot.sale_lines[line_id] for line_id in order["order_line"]}
    units = {product: line["product_uom"][0] for product, line in lines.items()}
    printed = printed_quantities(snapshot, 0, expected["lines"], units)
    assert printed == {product: line["product_uom_qty"] for product, line in lines.items()}
    for line in expected["lines"]:
        assert line["unit_price"] == lines[snapshot.product_id(0, line["code"])]["price_unit"]


def check_outgoing_paper(snapshot: Snapshot, expected: dict[str, Any]) -> None:
    (name,) = expected["matched"]
    picking = snapshot.pickings[name]
    assert picking["state"] == "done"
    assert picking["picking_type_code"] == "outgoing"
    assert picking["carrier_tracking_ref"] == expected["fields"]["tracking_number"]
    moves = [snapshot.moves[move_id] for move_id in picking["move_ids"]]
    moved = {move["product_id"][0]: move["quantity"] for move in moves}
    units = {move["product_id"][0]: move["product_uom"][0] for move in moves}
    assert printed_quantities(snapshot, 0, expected["lines"], units) == moved
    if expected["doc_type"] == "proof_of_delivery":
        assert printed_quantities(snapshot, 0, expected["lines"], units, field="received_quantity") == moved
        assert all(line["damaged_quantity"] == 0 for line in expected["lines"])


def check_delivery_note(snapshot: Snapshot, expected: dict[str, Any]) -> None:
    vendor = snapshot.partners[expected["fields"]["vendor_name"]]
    (name,) = expected["matched"]
    receipts = [picking for picking in snapshot.pickings.values() if picking["origin"] == name and picking["state"] == "done" and picking["picking_type_code"] == "incoming"]
    delivered = expected["fields"]["delivery_date"]
    (receipt,) = [picking for picking in receipts if picking["date_done"].startswith(delivered)]
    moves = [snapshot.moves[move_id] for move_id in receipt["move_ids"]]
    moved = {move["product_id"][0]: move["quantity"] for move in moves}
    units = {move["product_id"][0]: move["product_uom"][0] for move in moves}
    assert printed_quantities(snapshot, vendor, expected["lines"], units) == moved


CHECKS = {
    "invoice": check_invoice,
    "credit_note": check_credit_note,
    "purchase_order": check_customer_order,
    "bill_of_lading": check_outgoing_paper,
    "proof_of_delivery": check_outgoing_paper,
    "delivery_note": check_delivery_note,
}


def clean_expected_files() -> list[Path]:
    return [path for path in sorted((FIXTURES / "documents").glob("*.expected.json")) if not json.loads(path.read_text())["findings"]]


@pytest.fixture(scope="module")
def demo_snapshot() -> Snapshot:
    return Snapshot(FIXTURES / "odoo")


@pytest.mark.parametrize("path", clean_expected_files(), ids=lambda path: path.name.removesuffix(".expected.json"))
def test_clean_demo_document_agrees_with_odoo(path: Path, demo_snapshot: Snapshot):
    """GIVEN a demo document expected to be clean WHEN held against the raw snapshot THEN every line agrees."""
    expected = json.loads(path.read_text(encoding="utf-8"))
    CHECKS[expected["doc_type"]](demo_snapshot, expected)


def test_clean_seeded_pairs_agree_with_odoo(tmp_path: Path):
    """GIVEN the clean pairs among the first 150 seeded pairs WHEN held against their snapshots THEN every line agrees."""
    from docmatch.demo.odoo17 import write_snapshot

    checked = 0
    for index in range(150):
        pair = build_pair(index, seed=1)
        if pair.kind is not None:
            continue
        folder = tmp_path / pair.name
        write_snapshot(pair.ledger, folder)
        CHECKS[pair.doc_type](Snapshot(folder), pair.spec.expected())
        checked += 1
    assert checked >= 30


LINE_KINDS = {"quantity_mismatch", "price_mismatch", "uom_mismatch", "billed_exceeds_received", "line_not_on_order", "line_missing", "unknown_product", "damaged_goods"}


def test_seeded_line_mismatches_break_the_agreement(tmp_path: Path):
    """GIVEN seeded pairs with a line-level mismatch WHEN held against their snapshots THEN the check fails for each."""
    from docmatch.demo.odoo17 import write_snapshot

    checked = 0
    for index in range(150):
        pair = build_pair(index, seed=1)
        if pair.kind not in LINE_KINDS:
            continue
        folder = tmp_path / pair.name
        write_snapshot(pair.ledger, folder)
        with pytest.raises((AssertionError, KeyError, StopIteration)):
            CHECKS[pair.doc_type](Snapshot(folder), pair.spec.expected())
        checked += 1
    assert checked >= 30


def line_mismatch_expected_files() -> list[Path]:
    paths = sorted((FIXTURES / "documents").glob("*.expected.json"))
    return [path for path in paths if {finding["kind"] for finding in json.loads(path.read_text())["findings"]} & LINE_KINDS]


@pytest.mark.parametrize("path", line_mismatch_expected_files(), ids=lambda path: path.name.removesuffix(".expected.json"))
def test_seeded_demo_document_disagrees_with_odoo(path: Path, demo_snapshot: Snapshot):
    """GIVEN a demo document with a line-level seeded mismatch WHEN held against the raw snapshot THEN the check fails."""
    expected = json.loads(path.read_text(encoding="utf-8"))
    with pytest.raises((AssertionError, KeyError, StopIteration)):
        CHECKS[expected["doc_type"]](demo_snapshot, expected)
