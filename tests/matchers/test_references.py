"""Orders cited in many spellings resolve to the right records, never across partners."""

from __future__ import annotations

import pytest

from docmatch.matchers import match_document
from docmatch.matchers.references import split_reference

from .builders import CatalogBuilder, extraction

VENDOR_A, VENDOR_B = 10, 20


@pytest.fixture(scope="module")
def catalog():
    builder = CatalogBuilder()
    builder.partner(VENDOR_A, "Acme Industrial Supply Ltd", vat="DE123456788").partner(VENDOR_B, "Beta Parts GmbH")
    for product_id, code in [(101, "FLG-DN50"), (102, "FLG-DN65"), (103, "BLT-M8"), (104, "NUT-M8"), (105, "WSH-M8")]:
        builder.product(product_id, code, f"{code} part")
    builder.order(1, "P00017", VENDOR_A, [dict(product=101, qty=10, price=5.0), dict(product=102, qty=4, price=6.0), dict(product=103, qty=100, price=0.1)])
    builder.order(2, "P00018", VENDOR_A, [dict(product=104, qty=100, price=0.05), dict(product=105, qty=100, price=0.02)])
    builder.order(3, "P00019", VENDOR_B, [dict(product=101, qty=1, price=5.0)])
    builder.order(4, "S00042", VENDOR_A, [dict(product=101, qty=3, price=9.0)], kind="sale", partner_ref="CUST-PO-7781")
    return builder.build()


def five_lines() -> list[dict]:
    return [dict(code=code, quantity=1) for code in ("FLG-DN50", "FLG-DN65", "BLT-M8", "NUT-M8", "WSH-M8")]


@pytest.mark.parametrize(
    ("printed", "parts"),
    [
        ("Your order: P00017, P00018", ["P00017", "P00018"]),
        ("PO#P00017/P00018", ["P00017", "P00018"]),
        ("P00017 and P00018", ["P00017", "P00018"]),
        ("PO# P00017", ["P00017"]),
        ("PO P 00017", ["P 00017"]),
        ("WH/OUT/00012", ["WH/OUT/00012"]),
    ],
)
def test_printed_references_split_into_order_names(printed, parts):
    assert split_reference(printed) == parts


@pytest.mark.parametrize("printed", ["Your order: P00017, P00018", "PO#P00017/P00018", "P00017; P00018"])
def test_consolidated_invoice_resolves_both_orders_and_pairs_all_lines(catalog, printed):
    result = match_document(extraction(po_reference=printed, vendor_name="Acme Industrial Supply Ltd", lines=five_lines()), catalog)

    assert {record.name for record in result.records} == {"P00017", "P00018"}
    assert all(pair.odoo_line is not None and pair.issue is None for pair in result.pairs)
    assert result.unpaired_odoo_lines == []
    assert result.foreign_records == []


def test_revision_suffix_resolves_with_a_note(catalog):
    result = match_document(extraction(po_reference="P00017-A", vendor_name="Acme Industrial Supply Ltd", lines=five_lines()[:3]), catalog)

    assert [record.name for record in result.records] == ["P00017"]
    assert any("P00017-A" in note and "P00017" in note for note in result.notes)


def test_spaced_reference_with_label_resolves(catalog):
    result = match_document(extraction(po_reference="PO P 00017", vendor_name="Acme Industrial Supply Ltd"), catalog)
    assert [record.name for record in result.records] == ["P00017"]


def test_ocr_lookalike_reference_resolves_when_unique(catalog):
    result = match_document(extraction(po_reference="PO0O17", vendor_name="Acme Industrial Supply Ltd", method="ocr"), catalog)
    assert [record.name for record in result.records] == ["P00017"]
    assert any("look-alike" in note for note in result.notes)


def test_reference_of_another_vendor_is_not_matched(catalog):
    result = match_document(extraction(po_reference="P00017, P00019", vendor_name="Acme Industrial Supply Ltd", lines=five_lines()[:3]), catalog)

    assert [record.name for record in result.records] == ["P00017"]
    assert [record.name for record in result.foreign_records] == ["P00019"]


def test_partner_comes_from_the_reference_when_the_name_is_unknown(catalog):
    result = match_document(extraction(po_reference="P00018"), catalog)
    assert result.partner is not None and result.partner.id == VENDOR_A
    assert result.partner_method == "reference"


def test_customer_purchase_order_number_finds_the_sale_order(catalog):
    result = match_document(extraction("purchase_order", number="CUST-PO-7781", customer_name="Acme Industrial Supply Ltd"), catalog)
    assert [record.name for record in result.records] == ["S00042"]


def test_unknown_reference_resolves_to_nothing(catalog):
    result = match_document(extraction(po_reference="P99999", vendor_name="Acme Industrial Supply Ltd"), catalog)
    assert result.records == []
    assert result.unresolved_references == ["P99999"]


def test_open_order_found_by_its_products_when_no_reference_is_printed(catalog):
    result = match_document(extraction(vendor_name="Acme Industrial Supply Ltd", lines=[dict(code="NUT-M8", quantity=100), dict(code="WSH-M8", quantity=100)]), catalog)
    assert [record.name for record in result.records] == ["P00018"]
    assert any("by the products" in note for note in result.notes)


def test_reference_that_lost_its_prefix_resolves_within_the_partners_orders():
    builder = CatalogBuilder()
    builder.partner(VENDOR_A, "Hansa Trockenwaren GmbH").partner(VENDOR_B, "Beta Parts GmbH").product(1, "RICE", "Rice")
    builder.vendor_code(VENDOR_A, 1, "HT-41030")
    builder.order(1, "P00002", VENDOR_A, [dict(product=1, qty=38, price=7.2)]).order(2, "S00002", VENDOR_B, [dict(product=1, qty=1, price=9.0)], kind="sale")
    # A scan read "nvoice" for the vendor and "00002" for the order.
    document = extraction(po_reference="00002", vendor_name="nvoice", method="ocr", lines=[dict(code="HT-41030", quantity=38, unit_price=7.2)])
    result = match_document(document, builder.build())
    assert result.partner_method == "vendor_codes"
    assert [record.name for record in result.records] == ["P00002"]
    assert any("digits only" in note for note in result.notes)


def test_of_two_orders_for_the_same_goods_the_quantities_decide():
    builder = CatalogBuilder()
    builder.partner(VENDOR_A, "Prairie Nut Company Inc.").product(1, "NUT-WALNUT", "Walnuts").product(2, "NUT-PECAN", "Pecans")
    builder.order(1, "P00001", VENDOR_A, [dict(product=1, qty=100, price=3.8), dict(product=2, qty=100, price=4.6)])
    builder.order(2, "P00003", VENDOR_A, [dict(product=1, qty=50, price=3.8), dict(product=2, qty=200, price=4.6)])
    document = extraction(vendor_name="Prairie Nut Company Inc.", lines=[dict(code="NUT-WALNUT", quantity=50), dict(code="NUT-PECAN", quantity=200)])
    result = match_document(document, builder.build())
    assert [record.name for record in result.records] == ["P00003"]


def test_document_without_partner_or_reference_finds_the_one_order_with_its_products(catalog):
    document = extraction(vendor_name="say", method="ocr", lines=[dict(code="NUT-M8", quantity=100), dict(code="WSH-M8", quantity=100)])
    result = match_document(document, catalog)
    assert [record.name for record in result.records] == ["P00018"]
    assert result.partner.id == VENDOR_A
    assert result.partner_method == "order_content"
