"""Customer orders against sale orders, delivery papers against pickings, credit notes, totals."""

from __future__ import annotations

import pytest

from docmatch.rules import load_policy

from .helpers import CatalogBuilder, extraction, findings_for, kinds

CUSTOMER, VENDOR = 30, 10


@pytest.fixture(scope="module")
def catalog():
    builder = CatalogBuilder()
    builder.partner(CUSTOMER, "Harbour Street Catering Ltd").partner(VENDOR, "Acme Industrial Supply Ltd")
    builder.product(1, "OIL-5L", "Olive oil 5 L tin", packagings=[("Case", 4.0)]).product(2, "RICE-10", "Basmati rice 10 kg")
    builder.order(1, "S00031", CUSTOMER, [dict(id=301, product=1, qty=8, price=20.0, moved=8), dict(id=302, product=2, qty=5, price=15.0, moved=5)],
                  kind="sale", partner_ref="HSC-PO-881", date_order="2024-04-02 10:00:00")
    builder.picking(501, "WH/OUT/00012", CUSTOMER, 1, [(301, 8), (302, 5)], date_done="2024-04-04 08:00:00")
    builder.order(2, "P00300", VENDOR, [dict(id=401, product=1, qty=10, price=18.0, moved=10, invoiced=10)])
    return builder.build()


def customer_po(**line_changes):
    first = dict(code="OIL-5L", quantity=2, uom="CS", unit_price=80.0)
    first.update(line_changes)
    return extraction("purchase_order", number="HSC-PO-881", date="2024-04-01", customer_name="Harbour Street Catering Ltd", currency="EUR",
                      lines=[first, dict(code="RICE-10", quantity=5, unit_price=15.0)])


def test_customer_order_in_cases_matches_the_sale_order(catalog):
    assert findings_for(customer_po(), catalog) == []


def test_customer_order_with_another_price_and_quantity(catalog):
    findings = findings_for(customer_po(quantity=3, unit_price=84.0), catalog)
    assert sorted(kinds(findings)) == ["price_mismatch", "quantity_mismatch"]
    price = next(finding for finding in findings if finding.kind == "price_mismatch")
    assert (price.document_value, price.odoo_value) == (21.0, 20.0)
    assert "84.00 EUR per CS" in price.message


def test_customer_order_dated_far_from_the_sale_order(catalog):
    document = customer_po()
    document.fields["date"].value = "2024-01-15"
    assert kinds(findings_for(document, catalog)) == ["date_out_of_window"]


def test_sale_order_line_missing_from_the_customer_order(catalog):
    document = customer_po()
    document.lines.pop()
    findings = findings_for(document, catalog)
    assert kinds(findings) == ["line_missing"]
    assert "Basmati" in findings[0].message


def bill_of_lading(oil_shipped: float):
    return extraction("bill_of_lading", number="BOL-55120", date="2024-04-04", customer_name="Harbour Street Catering Ltd", picking_reference="WH/OUT/00012",
                      lines=[dict(code="OIL-5L", quantity=oil_shipped, uom="EA"), dict(code="RICE-10", quantity=5)])


def test_bill_of_lading_agrees_with_the_picking(catalog):
    assert findings_for(bill_of_lading(8), catalog) == []


def test_bill_of_lading_with_another_quantity_than_the_picking(catalog):
    findings = findings_for(bill_of_lading(6), catalog)
    assert kinds(findings) == ["quantity_mismatch"]
    assert (findings[0].document_value, findings[0].odoo_value) == (6, 8)


def proof_of_delivery(**oil):
    line = dict(code="OIL-5L", quantity=8, received_quantity=8)
    line.update(oil)
    return extraction("proof_of_delivery", number="POD-77", date="2024-04-05", customer_name="Harbour Street Catering Ltd", delivery_note_reference="WH/OUT/00012",
                      lines=[line, dict(code="RICE-10", quantity=5, received_quantity=5)])


def test_clean_proof_of_delivery(catalog):
    assert findings_for(proof_of_delivery(), catalog) == []


def test_damaged_goods_on_the_proof_of_delivery(catalog):
    findings = findings_for(proof_of_delivery(damaged_quantity=2, remark="2 tins dented"), catalog)
    assert kinds(findings) == ["damaged_goods"]
    assert findings[0].document_value == 2
    assert findings[0].line == 1


def test_shortage_on_the_proof_of_delivery(catalog):
    findings = findings_for(proof_of_delivery(received_quantity=7), catalog)
    assert kinds(findings) == ["quantity_mismatch"]
    assert "shortage" in findings[0].message


def test_damage_remark_on_the_document(catalog):
    document = proof_of_delivery()
    document.fields["remarks"] = document.fields["number"].model_copy(update={"value": "Pallet wrap torn, goods wet"})
    assert kinds(findings_for(document, catalog)) == ["damaged_goods"]


def credit_note(quantity: float, price: float, sign: float = -1.0):
    amount = sign * quantity * price
    return extraction("credit_note", number="CN-12", date="2024-04-10", po_reference="P00300", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                      net=amount, tax=round(amount * 0.19, 2), total=round(amount * 1.19, 2),
                      lines=[dict(code="OIL-5L", quantity=sign * quantity, unit_price=price, amount=amount)])


@pytest.mark.parametrize("sign", [-1.0, 1.0])
def test_credit_note_is_matched_with_one_sign(catalog, sign):
    assert findings_for(credit_note(2, 18.0, sign), catalog) == []


def test_credit_note_crediting_more_than_was_billed(catalog):
    assert kinds(findings_for(credit_note(12, 18.0), catalog)) == ["quantity_mismatch"]


def test_credit_note_with_mixed_signs_goes_to_review(catalog):
    document = credit_note(2, 18.0)
    document.lines[0].amount = 36.0
    assert "needs_review" in kinds(findings_for(document, catalog))


@pytest.fixture(scope="module")
def priced():
    builder = CatalogBuilder()
    builder.partner(VENDOR, "Acme Industrial Supply Ltd").product(1, "OIL-5L", "Olive oil 5 L tin").product(2, "RICE-10", "Basmati rice 10 kg")
    builder.order(1, "P00500", VENDOR, [dict(product=1, qty=10, price=18.0), dict(product=2, qty=4, price=12.5)], amount_tax=43.7)
    return builder.build()


def vendor_invoice(**fields):
    values = dict(number="INV-500", date="2024-04-02", po_reference="P00500", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                  net=230.0, tax=43.7, total=273.7)
    values.update(fields)
    return extraction(lines=[dict(code="OIL-5L", quantity=10, unit_price=18.0, amount=180.0), dict(code="RICE-10", quantity=4, unit_price=12.5, amount=50.0)], **values)


def test_clean_vendor_invoice(priced):
    assert findings_for(vendor_invoice(), priced) == []


def test_price_within_the_default_tolerance_passes(priced):
    document = vendor_invoice(net=230.05, total=273.75)
    document.lines[0].unit_price = 18.005
    document.lines[0].amount = 180.05
    assert findings_for(document, priced) == []


def test_higher_price_is_one_price_finding_with_both_values(priced):
    document = vendor_invoice(net=235.0, tax=44.65, total=279.65)
    document.lines[0].unit_price = 18.5
    document.lines[0].amount = 185.0
    findings = findings_for(document, priced)
    assert kinds(findings) == ["price_mismatch"]
    assert (findings[0].document_value, findings[0].odoo_value) == (18.5, 18.0)
    assert findings[0].rule == "defaults.price"
    assert findings[0].tolerance == "±0.5 % or ±0.01 EUR, whichever is larger (defaults.price)"
    # The currency goes with the values, so that every view writes "18.50 EUR".
    assert findings[0].evidence["currency"] == "EUR"


def test_wrong_tax(priced):
    findings = findings_for(vendor_invoice(tax=16.1, total=246.1), priced)
    assert kinds(findings) == ["tax_mismatch"]
    assert findings[0].odoo_value == 43.7


def test_totals_that_do_not_add_up(priced):
    findings = findings_for(vendor_invoice(total=283.7), priced)
    assert kinds(findings) == ["total_mismatch"]
    assert findings[0].evidence["compared"] == "document arithmetic"


def test_extra_line_not_on_the_order(priced):
    document = vendor_invoice(net=255.0, tax=48.45, total=303.45)
    document.lines.append(document.lines[0].model_copy(update={"code": None, "description": "Freight and insurance", "amount": 25.0}))
    assert kinds(findings_for(document, priced)) == ["line_not_on_order"]


def test_decimal_comma_amounts_compare_as_numbers(priced):
    # "1.250" read as 1250 because 1250 × 2,00 = 2 500,00: the rules see plain numbers.
    builder = CatalogBuilder()
    builder.partner(VENDOR, "Acme Industrial Supply Ltd").product(9, "WSH-10", "Washer M10")
    builder.order(9, "P00900", VENDOR, [dict(product=9, qty=1250, price=2.0)], amount_tax=475.0)
    document = extraction(number="R-1", date="2024-04-02", po_reference="P00900", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                          net=2500.0, tax=475.0, total=2975.0, lines=[dict(code="WSH-10", quantity=1250, unit_price=2.0, amount=2500.0)])
    assert findings_for(document, builder.build()) == []


@pytest.fixture(scope="module")
def returns_and_backorders():
    builder = CatalogBuilder()
    builder.partner(VENDOR, "Acme Industrial Supply Ltd").product(5, "CUP-300", "Paper cup 300 ml")
    # Cups: 500 ordered, 450 received (50 on backorder), all billed, 100 sent back.
    builder.order(5, "P00020", VENDOR, [dict(id=51, product=5, qty=500, price=2.65, moved=350, invoiced=450)], date_order="2025-03-01 09:00:00")
    builder.picking(61, "WH/IN/00022", VENDOR, 5, [(51, 450)], code="incoming", date_done="2025-03-20 09:00:00")
    builder.picking(62, "WH/IN/00023", VENDOR, 5, [(51, 50)], code="incoming", state="assigned")
    builder.picking(63, "WH/OUT/00003", VENDOR, 5, [(51, 100)], code="outgoing", date_done="2025-03-24 09:00:00")
    catalog = builder.build()
    catalog.pickings[63].is_return = True
    return catalog


def test_credit_note_credits_what_was_returned(returns_and_backorders):
    document = extraction("credit_note", number="CN-1", date="2025-03-25", po_reference="P00020", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                          lines=[dict(code="CUP-300", quantity=100, unit_price=2.65, amount=-265.0)])
    assert findings_for(document, returns_and_backorders) == []


def test_credit_note_short_of_the_return(returns_and_backorders):
    document = extraction("credit_note", number="CN-2", date="2025-03-25", po_reference="P00020", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                          lines=[dict(code="CUP-300", quantity=60, unit_price=2.65, amount=-159.0)])
    findings = findings_for(document, returns_and_backorders)
    assert kinds(findings) == ["quantity_mismatch"]
    assert (findings[0].document_value, findings[0].odoo_value) == (60, 100)
    assert "less than was returned" in findings[0].message


@pytest.mark.parametrize(("printed", "expected"), [(450, []), (500, ["quantity_mismatch"])])
def test_delivery_note_against_the_validated_receipt(returns_and_backorders, printed, expected):
    document = extraction("delivery_note", number="DN-1", date="2025-03-20", po_reference="P00020", vendor_name="Acme Industrial Supply Ltd",
                          lines=[dict(code="CUP-300", quantity=printed, uom="EA")])
    assert kinds(findings_for(document, returns_and_backorders)) == expected


def test_tax_is_the_difference_when_only_net_and_gross_are_printed(priced):
    # 19 % printed where the order carries 19 % on 230.00 = 43.70: clean; 7 % is not.
    assert findings_for(vendor_invoice(tax=None), priced) == []
    findings = findings_for(vendor_invoice(tax=None, total=246.1), priced)
    assert kinds(findings) == ["tax_mismatch"]
    assert findings[0].document_value == pytest.approx(16.1)


def test_tax_row_misread_when_net_and_total_agree_with_odoo(priced):
    # Two VAT rows printed; the reader took only one. Net and total agree with the order.
    findings = findings_for(vendor_invoice(tax=12.6, total=273.7), priced)
    assert findings == []


def test_wrong_printed_total_with_a_right_net(priced):
    findings = findings_for(vendor_invoice(total=373.7), priced)
    assert kinds(findings) == ["total_mismatch"]


def test_tax_follows_each_order_lines_rate():
    # Food at 7 %, packaging at 19 %: an invoice for the food alone carries 7 %.
    builder = CatalogBuilder()
    builder.partner(VENDOR, "Acme Industrial Supply Ltd").product(1, "RICE", "Rice").product(2, "CUP", "Cup")
    builder.order(1, "P00700", VENDOR, [dict(product=1, qty=10, price=10.0, tax_rate=0.07), dict(product=2, qty=10, price=10.0, moved=0, tax_rate=0.19)], amount_tax=26.0)
    document = extraction(number="I-7", date="2024-04-02", po_reference="P00700", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                          net=100.0, tax=7.0, total=107.0, lines=[dict(code="RICE", quantity=10, unit_price=10.0, amount=100.0)])
    catalog = builder.build()
    assert findings_for(document, catalog) == []

    document.fields["tax"].value, document.fields["total"].value = 19.0, 119.0
    findings = findings_for(document, catalog)
    assert kinds(findings) == ["tax_mismatch"]
    assert findings[0].odoo_value == 7.0


def test_order_discount_is_part_of_the_expected_price():
    builder = CatalogBuilder()
    builder.partner(VENDOR, "Acme Industrial Supply Ltd").product(1, "OIL", "Olive oil")
    builder.order(1, "P00800", VENDOR, [dict(product=1, qty=10, price=10.0, discount=10.0)], amount_tax=17.1)
    document = extraction(number="I-8", date="2024-04-02", po_reference="P00800", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                          net=90.0, tax=17.1, total=107.1, lines=[dict(code="OIL", quantity=10, unit_price=9.0, amount=90.0)])
    catalog = builder.build()
    assert findings_for(document, catalog) == []

    document.lines[0].unit_price = 10.0
    document.lines[0].discount = 10.0
    assert findings_for(document, catalog) == []

    document.lines[0].discount = None
    assert kinds(findings_for(document, catalog)) == ["price_mismatch"]


@pytest.fixture(scope="module")
def committed_catalog():
    builder = CatalogBuilder()
    builder.partner(CUSTOMER, "Harbour Street Catering Ltd")
    builder.product(2, "RICE-10", "Basmati rice 10 kg")
    # 22:30 UTC on the 9th is the 10th in Berlin, the company's time zone.
    builder.order(3, "S00040", CUSTOMER, [dict(id=310, product=2, qty=5, price=15.0)], kind="sale", partner_ref="HSC-PO-900",
                  date_order="2024-04-02 10:00:00", commitment_date="2024-04-09 22:30:00")
    return builder.build()


def customer_po_wanting(delivery_date: str):
    document = extraction("purchase_order", number="HSC-PO-900", date="2024-04-01", customer_name="Harbour Street Catering Ltd", currency="EUR",
                          lines=[dict(code="RICE-10", quantity=5, unit_price=15.0)])
    document.fields["delivery_date"] = document.fields["date"].model_copy(update={"value": delivery_date})
    return document


def test_commitment_on_requested_date_passes(committed_catalog):
    assert findings_for(customer_po_wanting("2024-04-10"), committed_catalog) == []


def test_commitment_before_requested_date_passes(committed_catalog):
    assert findings_for(customer_po_wanting("2024-04-12"), committed_catalog) == []


def test_commitment_later_than_requested(committed_catalog):
    findings = findings_for(customer_po_wanting("2024-04-08"), committed_catalog)

    assert kinds(findings) == ["date_out_of_window"]
    assert (findings[0].document_value, findings[0].odoo_value) == ("2024-04-08", "2024-04-10")
    assert findings[0].rule == "defaults.dates.requested_delivery_days"
    assert "2 days later" in findings[0].message


def test_commitment_window_from_policy(committed_catalog, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text("defaults:\n  dates: {requested_delivery_days: 3}\n", encoding="utf-8")
    policy = load_policy(rules)

    assert findings_for(customer_po_wanting("2024-04-08"), committed_catalog, policy=policy) == []


def test_allowed_price_variance_keeps_total(priced, tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text('partners:\n  "Acme Industrial Supply Ltd":\n    price: {percent: 3}\n', encoding="utf-8")
    # 2 % over the order on the oil: 10 x 18.36 = 183.60, net 233.60, tax at 19 % 44.38.
    document = vendor_invoice(net=233.6, tax=44.38, total=277.98)
    document.lines[0].unit_price = 18.36
    document.lines[0].amount = 183.6

    assert findings_for(document, priced, policy=load_policy(rules)) == []


def test_price_variance_without_allowance(priced):
    document = vendor_invoice(net=233.6, tax=44.38, total=277.98)
    document.lines[0].unit_price = 18.36
    document.lines[0].amount = 183.6

    assert kinds(findings_for(document, priced)) == ["price_mismatch"]
