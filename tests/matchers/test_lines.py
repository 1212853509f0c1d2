"""Document lines pair with order lines by vendor code, internal code or description."""

from __future__ import annotations

import pytest

from docmatch.matchers import match_document

from .builders import CatalogBuilder, extraction

VENDOR_A, VENDOR_B = 10, 20


@pytest.fixture(scope="module")
def flanges():
    builder = CatalogBuilder()
    builder.partner(VENDOR_A, "Acme Industrial Supply Ltd").partner(VENDOR_B, "Beta Parts GmbH")
    builder.product(1, "FLG-DN50", "Flange DN50 PN16").product(2, "FLG-DN65", "Flange DN65 PN16")
    builder.vendor_code(VENDOR_A, 1, "VND-7781").vendor_code(VENDOR_A, 2, "VND-7782")
    builder.order(1, "P00101", VENDOR_A, [dict(product=1, qty=10, price=12.0), dict(product=2, qty=5, price=14.0)])
    builder.order(2, "P00102", VENDOR_B, [dict(product=1, qty=10, price=12.0)])
    return builder.build()


def test_vendor_code_resolves_through_that_vendors_supplier_info(flanges):
    document = extraction(po_reference="P00101", vendor_name="Acme Industrial Supply Ltd", lines=[
        dict(code="VND-7781", description="Flange DN 50", quantity=10, unit_price=12.0),
        dict(code="VND-9999", description="Flange DN50 PN16 galv.", quantity=5, unit_price=14.0),
    ])
    result = match_document(document, flanges)

    first, second = result.pairs
    assert (first.product.id, first.method, first.issue) == (1, "vendor_code", None)
    assert second.issue == "unknown_product"
    assert second.odoo_line is None
    assert second.product is None


def test_another_vendors_code_does_not_count(flanges):
    document = extraction(po_reference="P00102", vendor_name="Beta Parts GmbH", lines=[dict(code="VND-7781", description="Flange DN 50", quantity=10)])
    result = match_document(document, flanges)
    assert result.pairs[0].issue == "unknown_product"


def test_lines_without_codes_pair_by_description_as_one_assignment(flanges):
    document = extraction(po_reference="P00101", vendor_name="Acme Industrial Supply Ltd", lines=[
        dict(description="Flange DN65 PN16", quantity=5, unit_price=14.0),
        dict(description="Flange DN50 PN16", quantity=10, unit_price=12.0),
    ])
    result = match_document(document, flanges)
    assert [pair.product.id for pair in result.pairs] == [2, 1]
    assert all(pair.method == "description" for pair in result.pairs)


def test_description_too_close_to_two_products_is_ambiguous(flanges):
    document = extraction(po_reference="P00101", vendor_name="Acme Industrial Supply Ltd", lines=[dict(description="Flange PN16", quantity=7)])
    result = match_document(document, flanges)
    assert result.pairs[0].issue == "ambiguous"
    assert result.pairs[0].odoo_line is None
    assert len(result.pairs[0].candidates) == 2


def test_quantity_and_price_break_a_tie_between_lines_of_one_product():
    builder = CatalogBuilder()
    builder.partner(VENDOR_A, "Acme").product(1, "FLG-DN50", "Flange DN50 PN16")
    builder.order(1, "P00017", VENDOR_A, [dict(product=1, qty=10, price=12.0)]).order(2, "P00018", VENDOR_A, [dict(product=1, qty=4, price=11.0)])
    document = extraction(po_reference="P00017, P00018", vendor_name="Acme", lines=[
        dict(code="FLG-DN50", quantity=4, unit_price=11.0), dict(code="FLG-DN50", quantity=10, unit_price=12.0),
    ])
    result = match_document(document, builder.build())
    assert [pair.order.name for pair in result.pairs] == ["P00018", "P00017"]


@pytest.fixture(scope="module")
def lookalikes():
    builder = CatalogBuilder()
    builder.partner(VENDOR_A, "Acme Industrial Supply Ltd")
    for product_id, code in enumerate(["B0O-10L1", "PN-0O1I-57", "AB-100", "AB-10O"], start=1):
        builder.product(product_id, code, f"Part {code}")
    builder.order(1, "P00200", VENDOR_A, [dict(product=product_id, qty=1, price=1.0) for product_id in range(1, 5)])
    return builder.build()


def packing_list(method: str):
    return extraction(po_reference="P00200", vendor_name="Acme Industrial Supply Ltd", method=method,
                      lines=[dict(code=code, quantity=1) for code in ["B0O-10L1", "PN-0O1I-57", "AB-100", "AB-10O"]])


def test_scanned_codes_that_differ_only_by_lookalikes_go_to_review(lookalikes):
    result = match_document(packing_list("ocr"), lookalikes)

    resolved = [(pair.product.name if pair.product else None, pair.issue) for pair in result.pairs]
    assert resolved[0] == ("[B0O-10L1] Part B0O-10L1", None)
    assert resolved[1] == ("[PN-0O1I-57] Part PN-0O1I-57", None)
    assert resolved[2] == (None, "ambiguous")
    assert resolved[3] == (None, "ambiguous")
    assert {candidate.id for candidate in result.pairs[2].candidates} == {3, 4}


def test_text_layer_codes_are_trusted_exactly(lookalikes):
    result = match_document(packing_list("text"), lookalikes)
    assert [pair.product.id for pair in result.pairs] == [1, 2, 3, 4]


def test_misread_code_with_a_single_lookalike_resolves(lookalikes):
    document = extraction(po_reference="P00200", vendor_name="Acme Industrial Supply Ltd", method="ocr", lines=[dict(code="PN-001I-57", quantity=1)])
    result = match_document(document, lookalikes)
    assert (result.pairs[0].product.id, result.pairs[0].method) == (2, "lookalike_code")


@pytest.mark.parametrize(
    ("read", "product_id"),
    [("BOO-10L1", 1), ("B00-10L1", 1), ("8OO-1OL1", 1), ("B0O-10l1", 1), ("PN-0011-57", 2), ("PN-OO1l-S7", 2), ("PN 0O1I\u201357", 2)],
)
def test_scanned_code_misread_finds_its_one_product(lookalikes, read, product_id):
    document = extraction(po_reference="P00200", vendor_name="Acme Industrial Supply Ltd", method="ocr", lines=[dict(code=read, quantity=1)])

    [pair] = match_document(document, lookalikes).pairs

    assert pair.product is not None
    assert pair.product.id == product_id
    assert pair.issue is None


@pytest.mark.parametrize("read", ["AB-1OO", "A8-100", "ab-10o"])
def test_scanned_misread_of_lookalike_pair_goes_to_review(lookalikes, read):
    document = extraction(po_reference="P00200", vendor_name="Acme Industrial Supply Ltd", method="ocr", lines=[dict(code=read, quantity=1)])

    [pair] = match_document(document, lookalikes).pairs

    assert pair.product is None
    assert pair.issue == "ambiguous"
    assert {candidate.id for candidate in pair.candidates} == {3, 4}


def test_code_confirmed_by_a_reviewer_before_is_used(flanges):
    flanges.learned_vendor_codes[(VENDOR_B, "BP-50")] = 1
    try:
        document = extraction(po_reference="P00102", vendor_name="Beta Parts GmbH", lines=[dict(code="BP-50", quantity=10)])
        result = match_document(document, flanges)
        assert (result.pairs[0].product.id, result.pairs[0].method) == (1, "learned")
    finally:
        del flanges.learned_vendor_codes[(VENDOR_B, "BP-50")]


def test_product_known_but_not_on_the_order_is_reported(flanges):
    document = extraction(po_reference="P00102", vendor_name="Beta Parts GmbH", lines=[dict(code="FLG-DN65", quantity=1)])
    result = match_document(document, flanges)
    assert result.pairs[0].issue == "not_on_order"
    assert result.pairs[0].product.id == 2


def test_converted_quantities_are_kept_on_the_pair():
    builder = CatalogBuilder()
    builder.partner(VENDOR_A, "Acme").product(1, "GLV", "Gloves", packagings=[("Case", 12.0)])
    builder.order(1, "P1", VENDOR_A, [dict(product=1, qty=24, price=1.0)])
    result = match_document(extraction(po_reference="P1", vendor_name="Acme", lines=[dict(code="GLV", quantity=2, uom="CS")]), builder.build())
    pair = result.pairs[0]
    assert (pair.unit_factor, pair.document_quantity_base, pair.odoo_quantity_base) == (12, 24, 24)
    assert "Case" in pair.conversion


def test_code_cut_short_in_print_pairs_by_its_prefix():
    builder = CatalogBuilder()
    builder.partner(VENDOR_A, "Acme").product(1, "DRY-FLOUR-25", "Wheat flour 25 kg").product(2, "DRY-RICE-10", "Basmati rice 10 kg")
    builder.order(1, "S1", VENDOR_A, [dict(product=1, qty=5, price=21.5), dict(product=2, qty=10, price=27.9)], kind="sale", partner_ref="C-1")
    document = extraction("purchase_order", number="C-1", customer_name="Acme", lines=[dict(code="DRY-FLOUR-...", description="Wheat Flour Type 405, 25 kg", quantity=5)])
    result = match_document(document, builder.build())
    assert (result.pairs[0].product.id, result.pairs[0].method, result.pairs[0].issue) == (1, "code_prefix", None)


def test_words_in_the_code_column_are_not_a_code(flanges):
    # A sentence of the footer read as a line: no code, unit or price, like no order line.
    document = extraction(po_reference="P00101", vendor_name="Acme Industrial Supply Ltd", lines=[
        dict(code="VND-7781", quantity=10), dict(code="prüfen Sie die Ware", description="bei Anlieferung und melden Sie Schäden", quantity=48),
    ])
    result = match_document(document, flanges)
    assert result.pairs[1].issue == "not_an_item"


def test_our_own_company_is_never_the_partner(flanges):
    flanges.partners[1] = flanges.partners[VENDOR_A].__class__(1, "Northwind Distribution GmbH", vat="DE204681399")
    try:
        document = extraction(po_reference="P00101", vendor_name="Acme Industrial Supply Ltd", vendor_vat="DE204681399", lines=[dict(code="VND-7781", quantity=10)])
        result = match_document(document, flanges)
        assert result.partner.id == VENDOR_A
        assert result.foreign_records == []
    finally:
        del flanges.partners[1]


def test_the_carrier_printed_as_sender_is_not_the_partner():
    builder = CatalogBuilder()
    builder.partner(30, "Harbour Street Catering Ltd").partner(40, "Speedline Logistik GmbH").product(1, "OIL", "Olive oil")
    builder.order(1, "S00031", 30, [dict(id=301, product=1, qty=8, price=20.0)], kind="sale")
    builder.picking(501, "WH/OUT/00012", 30, 1, [(301, 8)])
    document = extraction("proof_of_delivery", vendor_name="Speedline Logistik GmbH", carrier="Speedline Logistik GmbH", order_reference="WH/OUT/00012",
                          lines=[dict(code="OIL", quantity=8, received_quantity=8)])
    result = match_document(document, builder.build())
    assert result.partner.id == 30
    assert result.foreign_records == []


def test_delivery_paper_citing_the_order_is_held_against_its_done_picking():
    builder = CatalogBuilder()
    builder.partner(VENDOR_A, "Acme").product(1, "OIL", "Olive oil")
    builder.order(1, "P00005", VENDOR_A, [dict(id=11, product=1, qty=100, price=1.0, moved=60)])
    builder.picking(21, "WH/IN/00005", VENDOR_A, 1, [(11, 60)], code="incoming")
    builder.picking(22, "WH/IN/00006", VENDOR_A, 1, [(11, 40)], code="incoming", state="assigned")
    document = extraction("delivery_note", po_reference="P00005", vendor_name="Acme", lines=[dict(code="OIL", quantity=60)])
    result = match_document(document, builder.build())
    assert [record.name for record in result.records] == ["P00005", "WH/IN/00005"]


def test_line_without_code_or_words_pairs_on_exact_numbers():
    builder = CatalogBuilder()
    builder.partner(VENDOR_A, "Acme").product(1, "VIN-5", "White wine vinegar 5 l").product(2, "OIL-10", "Sunflower oil 10 l")
    builder.order(1, "P00006", VENDOR_A, [dict(product=1, qty=12, price=5.6), dict(product=2, qty=4, price=17.9)])
    document = extraction(po_reference="P00006", vendor_name="Acme", lines=[dict(description="21", quantity=12, unit_price=5.6), dict(description="22", quantity=4, unit_price=17.9),
                                                                          dict(description="23", quantity=3, unit_price=1.0)])
    result = match_document(document, builder.build())
    assert [pair.product.id if pair.product else None for pair in result.pairs] == [1, 2, None]
    assert result.pairs[0].method == "quantity_price"
    assert result.pairs[2].issue == "not_on_order"


def test_scanned_line_that_lost_its_unit_takes_the_fitting_packaging():
    builder = CatalogBuilder()
    builder.partner(VENDOR_A, "Acme").product(1, "NAP-33", "Napkins 33 cm", packagings=[("Carton of 8", 8.0), ("Pallet", 480.0)])
    builder.order(1, "P00002", VENDOR_A, [dict(product=1, qty=48, price=3.40)])
    document = extraction(po_reference="P00002", vendor_name="Acme", method="ocr", lines=[dict(code="NAP-33", quantity=6, unit_price=27.2, amount=163.2)])
    pair = match_document(document, builder.build()).pairs[0]
    assert (pair.unit_factor, pair.document_quantity_base) == (8.0, 48.0)
    assert "Carton of 8" in pair.conversion


def test_line_with_unreadable_glyphs_is_not_matched(flanges):
    document = extraction(po_reference="P00101", vendor_name="Acme Industrial Supply Ltd", lines=[
        dict(description="\ufffdange DN50 PN16", quantity=10, unit_price=12.0, flags=["replacement_character"]),
        dict(code="VND-7782", description="Flange DN65 PN16", quantity=5, unit_price=14.0),
    ])
    result = match_document(document, flanges)

    unreadable, readable = result.pairs
    assert unreadable.issue == "unreadable_text"
    assert unreadable.odoo_line is None
    assert unreadable.product is None
    assert readable.product.id == 2
