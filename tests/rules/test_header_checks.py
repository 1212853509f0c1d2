"""Order lookup, partner, currency, dates and duplicates."""

from __future__ import annotations

from datetime import date

import pytest

from docmatch.errors import ConfigurationError
from docmatch.rules import PriorDocument, load_policy

from .helpers import CatalogBuilder, extraction, findings_for, kinds

ACME, BETA = 10, 20


@pytest.fixture(scope="module")
def catalog():
    builder = CatalogBuilder()
    builder.partner(ACME, "Acme Industrial Supply Ltd", vat="DE123456788").partner(BETA, "Beta Parts GmbH")
    for product_id, code in [(101, "FLG-DN50"), (102, "FLG-DN65"), (103, "BLT-M8"), (104, "NUT-M8"), (105, "WSH-M8")]:
        builder.product(product_id, code, f"{code} part")
    builder.vendor_code(ACME, 101, "VND-7781")
    builder.order(1, "P00017", ACME, [dict(product=101, qty=10, price=5.0), dict(product=102, qty=4, price=6.0), dict(product=103, qty=100, price=0.1)])
    builder.order(2, "P00018", ACME, [dict(product=104, qty=100, price=0.05), dict(product=105, qty=100, price=0.02)])
    builder.order(3, "P00019", BETA, [dict(product=101, qty=1, price=5.0)])
    builder.order(4, "P00040", ACME, [dict(product=101, qty=1, price=40.0)], currency="USD")
    # Confirmed at 22:30 UTC on 31 March: 1 April in Berlin.
    builder.order(5, "P00702", ACME, [dict(product=102, qty=1, price=100.0)], date_order="2024-03-31 22:30:00")
    builder.bill(900, "BILL/2024/0042", ACME, "INV-2024-077", total=119.0, invoice_date="2024-03-02")
    return builder.build()


def consolidated(reference: str = "Your order: P00017, P00018", **overrides):
    fields = dict(number="INV-5001", date="2024-04-03", po_reference=reference, vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                  net=77.0, tax=14.63, total=91.63)
    fields.update(overrides)
    lines = [dict(code="VND-7781", quantity=10, unit_price=5.0, amount=50.0), dict(code="FLG-DN65", quantity=4, unit_price=6.0, amount=24.0),
             dict(code="BLT-M8", quantity=100, unit_price=0.1, amount=10.0), dict(code="NUT-M8", quantity=100, unit_price=0.05, amount=5.0),
             dict(code="WSH-M8", quantity=100, unit_price=0.02, amount=2.0)]
    return extraction(lines=lines, **fields)


@pytest.mark.parametrize("reference", ["Your order: P00017, P00018", "PO#P00017/P00018"])
def test_consolidated_invoice_over_two_orders_is_clean(catalog, reference):
    document = consolidated(reference, net=91.0, tax=17.29, total=108.29)
    assert findings_for(document, catalog) == []


def test_order_of_another_vendor_is_a_partner_mismatch_not_order_not_found(catalog):
    document = extraction(number="INV-5002", date="2024-04-03", po_reference="P00019", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                          lines=[dict(code="VND-7781", quantity=1, unit_price=5.0)])
    findings = findings_for(document, catalog)
    assert kinds(findings) == ["partner_mismatch"]
    assert findings[0].odoo_value == "Beta Parts GmbH"
    assert "P00019" in findings[0].message


def test_unknown_reference_is_order_not_found(catalog):
    document = extraction(number="INV-5003", date="2024-04-03", po_reference="P09999", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                          lines=[dict(code="ZZZ-1", quantity=1)])
    findings = findings_for(document, catalog)
    assert kinds(findings) == ["order_not_found"]
    assert findings[0].severity == "high"
    assert findings[0].document_value == "P09999"


def test_printed_vendor_unlike_the_orders_partner_is_reported(catalog):
    document = extraction(number="X-1", date="2024-04-03", po_reference="P00019", vendor_name="Completely Different Trading", currency="EUR",
                          lines=[dict(code="FLG-DN50", quantity=1, unit_price=5.0)])
    assert kinds(findings_for(document, catalog)) == ["partner_mismatch"]


def test_unknown_vendor_code_is_reported_and_nothing_else(catalog):
    document = extraction(number="INV-5004", date="2024-04-03", po_reference="P00017", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                          lines=[dict(code="VND-7781", description="Flange DN 50", quantity=10, unit_price=5.0),
                                 dict(code="FLG-DN65", quantity=4, unit_price=6.0), dict(code="BLT-M8", quantity=100, unit_price=0.1),
                                 dict(code="VND-9999", description="Flange DN50 PN16 galv.", quantity=5, unit_price=5.0)])
    findings = findings_for(document, catalog)
    assert kinds(findings) == ["unknown_product"]
    assert findings[0].line == 4
    assert findings[0].document_value == "VND-9999"


def test_usd_invoice_matches_usd_order(catalog):
    document = extraction(number="A-40", date="2024-04-03", po_reference="P00040", vendor_name="Acme Industrial Supply Ltd", currency="USD",
                          net=40.0, tax=7.6, total=47.6, lines=[dict(code="VND-7781", quantity=1, unit_price=40.0, amount=40.0)])
    assert findings_for(document, catalog) == []


def test_other_currency_is_one_currency_finding_and_no_amount_finding(catalog):
    # An invoice in USD against a EUR order, with amounts that differ too.
    document = extraction(number="A-41", date="2024-04-03", po_reference="P00017", vendor_name="Acme Industrial Supply Ltd", currency="USD",
                          net=40.0, tax=0.0, total=40.0, lines=[dict(code="VND-7781", quantity=10, unit_price=4.0, amount=40.0),
                                                                 dict(code="FLG-DN65", quantity=4, unit_price=6.0), dict(code="BLT-M8", quantity=100, unit_price=0.1)])
    findings = findings_for(document, catalog)
    assert kinds(findings) == ["currency_mismatch"]
    assert (findings[0].document_value, findings[0].odoo_value) == ("USD", "EUR")
    assert "order is in EUR" in findings[0].message
    assert "document in USD" in findings[0].message


def test_missing_currency_is_a_question_never_a_default(catalog):
    document = consolidated(currency=None, net=91.0, tax=17.29, total=108.29)
    findings = findings_for(document, catalog)
    assert kinds(findings) == ["needs_review"]
    assert findings[0].rule == "currency.missing"


def test_order_date_is_compared_in_the_company_time_zone(catalog):
    document = extraction(number="INV-702", date="2024-04-01", po_reference="P00702", vendor_name="Acme Industrial Supply Ltd", currency="EUR",
                          lines=[dict(code="FLG-DN65", quantity=1, unit_price=100.0)])
    assert findings_for(document, catalog, timezone="Europe/Berlin") == []

    document.fields["date"].value = "2024-03-31"
    berlin = findings_for(document, catalog, timezone="Europe/Berlin")
    assert kinds(berlin) == ["date_out_of_window"]
    assert berlin[0].odoo_value == "2024-04-01"
    assert "Europe/Berlin" in berlin[0].tolerance
    # In UTC the order is from 31 March, so the same invoice is not early.
    assert findings_for(document, catalog, timezone="UTC") == []


def test_invoice_dated_before_its_order_is_out_of_window(catalog):
    document = consolidated(date="2024-03-19", net=91.0, tax=17.29, total=108.29)
    findings = findings_for(document, catalog)
    assert set(kinds(findings)) == {"date_out_of_window"}


def test_vendor_number_already_billed_in_odoo_is_a_duplicate(catalog):
    document = consolidated(number="INV 2024-077", net=91.0, tax=17.29, total=108.29)
    findings = findings_for(document, catalog)
    assert kinds(findings) == ["duplicate_document"]
    assert findings[0].odoo_value == "BILL/2024/0042"


def test_same_vendor_number_processed_before_is_a_duplicate(catalog):
    document = consolidated(net=91.0, tax=17.29, total=108.29)
    prior = PriorDocument("a" * 64, "invoice", "INV-5001", "Acme Industrial Supply", 10.0, date(2024, 1, 1))
    assert kinds(findings_for(document, catalog, prior_documents=[prior])) == ["duplicate_document"]
    # The same file processed again is not its own duplicate.
    assert findings_for(document, catalog, prior_documents=[prior], document_sha256="a" * 64) == []


def test_same_vendor_amount_and_date_under_another_number_is_a_duplicate(catalog):
    document = consolidated(net=91.0, tax=17.29, total=108.29)
    prior = PriorDocument("b" * 64, "invoice", "INV-4999", "Acme Industrial Supply Ltd", 108.29, date(2024, 4, 3))
    findings = findings_for(document, catalog, prior_documents=[prior])
    assert kinds(findings) == ["duplicate_document"]
    assert findings[0].evidence["matched_on"] == "amount_and_date"
    assert "may be a copy of document bbbbbbbbbbbb under another number (INV-4999)" in findings[0].message


def test_flagged_values_go_to_review(catalog):
    document = consolidated(net=91.0, tax=17.29, total=108.29)
    document.fields["date"].flags = ["ambiguous"]
    document.fields["date"].alternatives = ["2024-04-03", "2024-03-04"]
    findings = findings_for(document, catalog)
    assert kinds(findings) == ["needs_review"]
    assert findings[0].evidence["alternatives"] == ["2024-04-03", "2024-03-04"]


def test_doubtful_values_that_odoo_confirms_need_no_review(catalog):
    # The total agrees with the order prices and the name found its partner.
    document = consolidated(net=91.0, tax=17.29, total=108.29)
    document.fields["total"].flags = ["ambiguous"]
    document.fields["vendor_name"].flags = ["low_confidence"]
    assert findings_for(document, catalog) == []


def test_a_doubtful_total_that_odoo_does_not_confirm_goes_to_review(catalog):
    document = consolidated(net=91.0, tax=17.29, total=108.29)
    document.fields["total"].flags = ["ambiguous"]
    document.lines[0].quantity = 11
    assert sorted(kinds(findings_for(document, catalog))) == ["needs_review", "quantity_mismatch"]


def test_nothing_read_is_extraction_failed(catalog):
    from docmatch.models import Extraction

    findings = findings_for(Extraction(doc_type="unknown", warnings=["no text layer and OCR found no words"]), catalog)
    assert kinds(findings) == ["extraction_failed"]
    assert "OCR found no words" in findings[0].message


def test_doubtful_line_that_pairs_and_agrees_needs_no_review(catalog):
    document = consolidated(net=91.0, tax=17.29, total=108.29)
    document.lines[0].flags = ["low_confidence"]
    assert findings_for(document, catalog) == []
    document.lines[0].code = "ZZZ-404"
    assert sorted(kinds(findings_for(document, catalog))) == ["line_missing", "needs_review", "unknown_product"]


def test_document_without_any_line_is_one_question(catalog):
    document = extraction("delivery_note", number="DN-1", date="2024-04-03", po_reference="P00018", vendor_name="Acme Industrial Supply Ltd")
    findings = findings_for(document, catalog)
    assert kinds(findings) == ["needs_review"]
    assert findings[0].rule == "review.lines"


def test_doubtful_printed_name_is_no_partner_evidence(catalog):
    document = extraction(number="X-2", date="2024-04-03", po_reference="P00019", vendor_name="Lieferschein-Nr.", currency="EUR",
                          flags={"vendor_name": ["low_confidence"]}, lines=[dict(code="FLG-DN50", quantity=1, unit_price=5.0)])
    assert findings_for(document, catalog) == []


def test_document_dated_long_after_its_order(catalog):
    document = consolidated(date="2025-04-01", net=91.0, tax=17.29, total=108.29)
    findings = findings_for(document, catalog)
    assert set(kinds(findings)) == {"date_out_of_window"}
    assert findings[0].rule == "defaults.dates.after_order_days"


def test_unreadable_line_goes_to_review_not_matching(catalog):
    document = consolidated()
    document.lines[1].description = "Fl\ufffdnge DN65"
    document.lines[1].code = None
    document.lines[1].flags = ["replacement_character"]

    findings = findings_for(document, catalog)

    review = [finding for finding in findings if finding.rule == "lines.unreadable"]
    assert [finding.kind.value for finding in review] == ["needs_review"]
    assert review[0].line == 2
    assert "unknown_product" not in kinds(findings)


def test_unknown_document_type_is_never_clean(catalog):
    document = extraction(doc_type="unknown", total=40.0)

    findings = findings_for(document, catalog)

    assert kinds(findings) == ["needs_review"]
    assert findings[0].rule == "document.type"


def test_unknown_vendor_name_on_anothers_order_is_reported(catalog):
    document = consolidated(reference="P00017", vendor_name="Vendor A Trading GmbH")
    # Internal codes only: nothing on the lines is the vendor's own.
    document.lines[0].code = "FLG-DN50"

    findings = findings_for(document, catalog)

    mismatch = [finding for finding in findings if finding.kind.value == "partner_mismatch"]
    assert len(mismatch) == 1
    assert mismatch[0].document_value == "Vendor A Trading GmbH"
    assert mismatch[0].odoo_value == "Acme Industrial Supply Ltd"


# --- dates the page leaves open ---------------------------------------------------------


@pytest.fixture(scope="module")
def april_order():
    builder = CatalogBuilder()
    builder.partner(77, "Prairie Provisions LLC")
    builder.product(1, "BEEF-5", "Beef brisket 5 lb")
    builder.order(1, "P00077", 77, [dict(product=1, qty=4, price=30.0)], date_order="2024-04-20 09:00:00")
    return builder.build()


def invoice_dated_05_04():
    """An invoice printed '05/04/2024': 5 April day first, 4 May month first."""
    document = extraction(number="PP-1", date=None, po_reference="P00077", vendor_name="Prairie Provisions LLC", currency="EUR",
                          lines=[dict(code="BEEF-5", quantity=4, unit_price=30.0)], flags={"date": ["ambiguous"]})
    document.fields["date"].alternatives = ["2024-04-05", "2024-05-04"]
    return document


def date_order_policy(tmp_path, order: str):
    rules = tmp_path / f"{order}.yaml"
    rules.write_text(f'partners:\n  "Prairie Provisions LLC":\n    date_order: {order}\n', encoding="utf-8")
    return load_policy(rules)


def test_open_date_without_a_rule_goes_to_review(april_order):
    findings = findings_for(invoice_dated_05_04(), april_order)

    assert kinds(findings) == ["needs_review"]
    assert findings[0].evidence["alternatives"] == ["2024-04-05", "2024-05-04"]


def test_open_date_read_month_first(april_order, tmp_path):
    assert findings_for(invoice_dated_05_04(), april_order, policy=date_order_policy(tmp_path, "month_first")) == []


def test_open_date_read_day_first(april_order, tmp_path):
    findings = findings_for(invoice_dated_05_04(), april_order, policy=date_order_policy(tmp_path, "day_first"))

    assert kinds(findings) == ["date_out_of_window"]
    assert findings[0].document_value == "2024-04-05"


def test_us_partner_date_month_first():
    builder = CatalogBuilder()
    builder.partner(77, "Prairie Provisions LLC", country="United States")
    builder.product(1, "BEEF-5", "Beef brisket 5 lb")
    # Ordered after the month-first reading, so the finding shows which reading was taken.
    builder.order(1, "P00077", 77, [dict(product=1, qty=4, price=30.0)], date_order="2024-04-20 09:00:00")
    document = invoice_dated_05_04()
    document.fields["date"].alternatives = ["2024-05-04", "2024-04-05"]  # printed 04/05/2024

    findings = findings_for(document, builder.build())

    assert kinds(findings) == ["date_out_of_window"]
    assert findings[0].document_value == "2024-04-05"


def test_date_order_rule_is_validated(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text('partners:\n  "Prairie Provisions LLC":\n    date_order: dd/mm\n', encoding="utf-8")

    with pytest.raises(ConfigurationError) as raised:
        load_policy(rules)

    assert "date_order" in raised.value.message


def test_guessed_date_order_yields_to_the_partner_rule(april_order, tmp_path):
    """GIVEN 05/04/2024 read day first only because the page is in German WHEN the partner prints month first THEN 4 May counts."""
    document = invoice_dated_05_04()
    document.fields["date"].value = "2024-04-05"
    document.fields["date"].flags = []

    assert kinds(findings_for(document, april_order)) == ["date_out_of_window"]
    assert findings_for(document, april_order, policy=date_order_policy(tmp_path, "month_first")) == []
