"""Invoices in another unit than the order: the same goods match, a real difference does not."""

from __future__ import annotations

import pytest

from .helpers import CASE12, KG, LB, CatalogBuilder, extraction, findings_for, kinds

ACME = 10


@pytest.fixture(scope="module")
def cable_ties():
    # "Cable tie 200 mm" in Units, bought in "Case of 12": P00410 2 cases @ 30.00, 24 Units received.
    builder = CatalogBuilder()
    builder.partner(ACME, "Acme Industrial Supply Ltd").product(1, "TIE-200", "Cable tie 200 mm", purchase_uom=CASE12)
    builder.order(1, "P00410", ACME, [dict(product=1, qty=2, uom=CASE12, price=30.0, moved=2)], amount_tax=11.40)
    return builder.build()


def invoice(quantity: float, uom: str, price: float, amount: float):
    return extraction(number="INV-410", date="2024-04-02", po_reference="P00410", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                      net=amount, tax=round(amount * 0.19, 2), total=round(amount * 1.19, 2),
                      lines=[dict(code="TIE-200", description="Cable tie 200 mm", quantity=quantity, uom=uom, unit_price=price, amount=amount)])


@pytest.mark.parametrize(("quantity", "uom", "price"), [(2, "CS", 30.0), (24, "EA", 2.50)])
def test_cases_and_eaches_of_the_same_goods_match(cable_ties, quantity, uom, price):
    assert findings_for(invoice(quantity, uom, price, 60.0), cable_ties) == []


def test_cases_billed_as_if_they_were_units_is_a_twelvefold_quantity(cable_ties):
    findings = findings_for(invoice(24, "CS", 30.0, 720.0), cable_ties)

    assert kinds(findings) == ["quantity_mismatch"]
    finding = findings[0]
    assert (finding.document_value, finding.odoo_value) == (288, 24)
    assert "288 Units" in finding.message
    assert "Case of 12" in finding.message
    assert "12×" in finding.message
    assert finding.rule == "defaults.quantity"
    assert "rounding step of Units" in finding.tolerance
    assert finding.line == 1


@pytest.fixture(scope="module")
def resin():
    # "PP resin pellets" stocked in kg (rounding 0.01), bought in lb: P00512 100 lb @ 1.10; 45.36 kg received.
    builder = CatalogBuilder()
    builder.partner(ACME, "Acme Industrial Supply Ltd").product(2, "PP-RES", "PP resin pellets", uom=KG, purchase_uom=LB)
    received_lb = 45.36 / 0.45359237
    builder.order(2, "P00512", ACME, [dict(product=2, qty=100, uom=LB, price=1.10, moved=received_lb)], amount_tax=20.90)
    return builder.build()


def resin_invoice(uom: str):
    return extraction(number="INV-512", date="2024-04-02", po_reference="P00512", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                      net=110.0, tax=20.90, total=130.90, lines=[dict(code="PP-RES", quantity=100, uom=uom, unit_price=1.10, amount=110.0)])


def test_pounds_billed_match_kilograms_received_within_rounding(resin):
    assert findings_for(resin_invoice("LBS"), resin) == []


def test_kilograms_billed_for_pounds_ordered_is_reported_once_naming_both_units(resin):
    findings = findings_for(resin_invoice("KG"), resin)

    assert kinds(findings) == ["uom_mismatch"]
    message = findings[0].message
    assert "100 kg" in message
    assert "220.46 lb" in message
    assert "100 lb" in message
    assert findings[0].document_value == "100 KG"


def test_kilograms_at_the_kilogram_price_is_a_quantity_difference(resin):
    document = resin_invoice("KG")
    document.lines[0].unit_price = 2.425
    document.lines[0].amount = 242.5
    findings = findings_for(document, resin)
    assert "quantity_mismatch" in kinds(findings)
    finding = next(finding for finding in findings if finding.kind == "quantity_mismatch")
    assert finding.document_value == 100 and finding.odoo_value == pytest.approx(45.36, abs=0.01)


@pytest.fixture(scope="module")
def partial_receipt():
    builder = CatalogBuilder()
    builder.partner(ACME, "Acme Industrial Supply Ltd").product(3, "GLV-L", "Gloves L", packagings=[("Case", 12.0)])
    # 120 ordered, 60 received (a backorder is open), 24 already billed.
    builder.order(3, "P00600", ACME, [dict(product=3, qty=120, price=1.0, moved=60, invoiced=24)])
    return builder.build()


def gloves(quantity: float, uom: str = "EA"):
    return extraction(number="INV-600", date="2024-04-02", po_reference="P00600", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                      lines=[dict(code="GLV-L", quantity=quantity, uom=uom, unit_price=1.0 if uom == "EA" else 12.0)])


def test_billing_what_was_received_and_not_yet_billed_is_clean(partial_receipt):
    assert findings_for(gloves(3, "CS"), partial_receipt) == []


def test_billing_beyond_the_receipt_but_within_the_order(partial_receipt):
    findings = findings_for(gloves(96), partial_receipt)
    assert kinds(findings) == ["billed_exceeds_received"]
    assert findings[0].document_value == 96
    assert findings[0].odoo_value == 36
    assert findings[0].evidence["received"] == 60
    assert findings[0].evidence["billed_before"] == 24


def test_billing_beyond_the_order(partial_receipt):
    assert kinds(findings_for(gloves(200), partial_receipt)) == ["quantity_mismatch"]


def test_billing_less_than_due_is_a_quantity_difference(partial_receipt):
    findings = findings_for(gloves(20), partial_receipt)
    assert kinds(findings) == ["quantity_mismatch"]
    assert "less than received" in findings[0].message


def test_two_way_policy_bills_on_ordered_quantities(partial_receipt, tmp_path):
    from docmatch.rules import load_policy

    rules = tmp_path / "rules.yaml"
    rules.write_text("defaults:\n  bill_on: ordered\n")
    assert findings_for(gloves(96), partial_receipt, policy=load_policy(rules)) == []


@pytest.fixture(scope="module")
def eggs():
    builder = CatalogBuilder()
    builder.partner(ACME, "Van der Berg Zuivel B.V.").product(5, "DAI-EGG-L", "Free-range eggs size L")
    builder.vendor_code(ACME, 5, "VDB-5012")
    builder.order(5, "P00002", ACME, [dict(product=5, qty=30, uom=2, price=3.10)], amount_tax=0.0)
    return builder.build()


def eggs_invoice(method: str, uom: str, vendor: str = "Van der Berg Zuivel B.V."):
    return extraction(number="V-1", date="2024-04-02", po_reference="P00002", vendor_name=vendor, currency="EUR", method=method,
                      lines=[dict(code="VDB-5012", description="Free range eggs", quantity=30, uom=uom, unit_price=3.10, amount=93.0)])


def test_scanned_unit_that_fits_nothing_but_numbers_fit_the_order(eggs):
    # OCR took the egg size "L" for the unit; 30 at 3.10 is the order line in Dozens.
    assert findings_for(eggs_invoice("ocr", "L"), eggs) == []


def test_printed_unit_that_does_not_convert_is_a_unit_finding(eggs):
    assert kinds(findings_for(eggs_invoice("text", "L"), eggs)) == ["uom_mismatch"]


def test_ocr_misread_pound_sign_still_reads_as_pounds(resin):
    document = resin_invoice("Ib")
    assert findings_for(document, resin) == []


def test_vendor_codes_vouch_for_a_misread_vendor_name(eggs):
    # A scan read "Germany" for the vendor; the vendor's own product code names the partner.
    assert findings_for(eggs_invoice("ocr", "DZ", vendor="Germany"), eggs) == []


def test_scanned_unit_that_is_no_word_of_the_product_stays_a_unit_finding(eggs):
    assert kinds(findings_for(eggs_invoice("ocr", "KG"), eggs)) == ["uom_mismatch"]


def test_unknown_order_unit_reviewed():
    builder = CatalogBuilder()
    builder.partner(10, "Acme Industrial Supply Ltd").product(1, "OIL-5L", "Olive oil 5 L tin")
    # Unit 99 is not among the units read from Odoo, as when a snapshot of another version lacks the field.
    builder.order(1, "P00900", 10, [dict(product=1, qty=10, price=18.0, uom=99)])
    catalog = builder.build()
    document = extraction(po_reference="P00900", vendor_name="Acme Industrial Supply Ltd", currency="EUR", lines=[dict(code="OIL-5L", quantity=12, unit_price=18.0)])

    findings = findings_for(document, catalog)

    assert kinds(findings) == ["needs_review"]
    assert "has no unit of measure Odoo gave (id 99)" in findings[0].message
