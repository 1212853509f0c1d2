"""Findings rest on values read with certainty, and a doubtful reading goes to review instead."""

from __future__ import annotations

import pytest

from .helpers import CatalogBuilder, extraction, findings_for, kinds

HANSA, GREENLINE = 7, 10


@pytest.fixture(scope="module")
def catalog():
    # P00002 of Hansa: 18 rice at 18.40 (7 % VAT), 35 cocoa at 9.40 (19 % VAT), 56 salt at 1.15 (7 % VAT).
    builder = CatalogBuilder()
    builder.partner(HANSA, "Hansa Trockenwaren GmbH", vat="DE188365213").partner(GREENLINE, "Greenline Packaging Ltd")
    builder.product(1, "DRY-RICE-10", "Basmati rice 10 kg").product(2, "DRY-COCOA-1", "Cocoa powder 1 kg").product(3, "DRY-SALT-1", "Sea salt 1 kg")
    builder.product(4, "DSP-CUP-300", "Paper cup 300 ml")
    builder.order(2, "P00002", HANSA, [dict(product=1, qty=18, price=18.40, tax_rate=0.07), dict(product=2, qty=35, price=9.40, tax_rate=0.19),
                                       dict(product=3, qty=56, price=1.15, tax_rate=0.07)], amount_tax=90.20)
    return builder.build()


LINES = [
    dict(code="DRY-RICE-10", quantity=18, uom="EA", unit_price=18.40, amount=331.20),
    dict(code="DRY-COCOA-1", quantity=35, uom="EA", unit_price=9.40, amount=329.00),
    dict(code="DRY-SALT-1", quantity=56, uom="EA", unit_price=1.15, amount=64.40),
]
# 7 % of 395.60 is 27.69 and 19 % of 329.00 is 62.51.
NET, TAX, TOTAL = 724.60, 90.20, 814.80


def invoice(lines=LINES, *, net=NET, tax=TAX, total=TOTAL, vendor_name="Hansa Trockenwaren GmbH", **fields):
    return extraction(number="RE-S00130", date="2024-04-02", po_reference="P00002", vendor_name=vendor_name, currency="EUR",
                      net=net, tax=tax, total=total, lines=[dict(line) for line in lines], **fields)


def with_line(index: int, **values):
    lines = [dict(line) for line in LINES]
    lines[index].update(values)
    return lines


def test_clean_invoice_has_no_finding(catalog):
    assert findings_for(invoice(), catalog) == []


# --- line values ---------------------------------------------------------------------------


def test_price_misread_on_doubtful_line_is_review(catalog):
    # "1.15" read as "1715" on a scanned line whose arithmetic then fails.
    lines = with_line(2, unit_price=1715.0, flags=["arithmetic_failed"])

    findings = findings_for(invoice(lines), catalog)

    assert kinds(findings) == ["needs_review"]
    assert findings[0].line == 3
    assert findings[0].evidence["withheld_kind"] == "price_mismatch"
    assert findings[0].evidence["flags"] == ["arithmetic_failed"]
    assert "1,715.00 EUR" in findings[0].message
    assert "no price_mismatch is reported" in findings[0].message


def test_price_on_certain_line_is_mismatch(catalog):
    lines = with_line(2, unit_price=1.25, amount=70.0)

    findings = findings_for(invoice(lines, net=730.20, tax=90.59, total=820.79), catalog)

    assert kinds(findings) == ["price_mismatch"]
    assert findings[0].line == 3


@pytest.mark.parametrize("flag", ["low_confidence", "ambiguous", "arithmetic_failed"])
def test_quantity_on_doubtful_line_is_review(catalog, flag):
    lines = with_line(0, quantity=13, amount=239.20, flags=[flag])

    findings = findings_for(invoice(lines, net=632.60, tax=83.76, total=716.36), catalog)

    assert kinds(findings) == ["needs_review"]
    assert findings[0].line == 1
    assert findings[0].evidence["withheld_kind"] == "quantity_mismatch"


def test_ocr_corrected_line_confirmed_by_odoo_is_clean(catalog):
    """GIVEN a scanned salt line whose price "115" was corrected to 1.15 by its arithmetic THEN Odoo's 1.15 confirms it."""
    lines = with_line(2, flags=["ocr_confusable"], corrections=["unit price '115' read as 1.15"])

    assert findings_for(invoice(lines), catalog) == []


def test_ocr_corrected_line_unlike_odoo_is_review(catalog):
    """GIVEN a price corrected to 11.50 where Odoo has 1.15 THEN the difference goes to review, naming the correction."""
    lines = with_line(2, unit_price=11.50, amount=644.00, flags=["ocr_confusable"], corrections=["unit price '115O' read as 11.50"])

    findings = findings_for(invoice(lines, net=1304.20, tax=130.80, total=1435.00), catalog)

    assert kinds(findings) == ["needs_review"]
    assert findings[0].line == 3
    assert findings[0].evidence["withheld_kind"] == "price_mismatch"
    assert findings[0].evidence["flags"] == ["ocr_confusable"]
    assert findings[0].evidence["corrections"] == ["unit price '115O' read as 11.50"]
    assert "unit price '115O' read as 11.50" in findings[0].message


def test_unreadable_line_is_not_line_missing(catalog):
    # Glyphs without a Unicode mapping: the line is not matched, so its order line looks absent.
    lines = with_line(0, code="DRY-RICE-1\ufffd", flags=["replacement_character"])

    findings = findings_for(invoice(lines), catalog)

    assert kinds(findings) == ["needs_review"]
    assert findings[0].rule == "lines.unreadable"
    assert findings[0].line == 1


def test_doubtful_line_agreeing_with_odoo_is_clean(catalog):
    lines = with_line(1, flags=["low_confidence"])

    assert findings_for(invoice(lines), catalog) == []


def test_unread_quantity_is_not_zero(catalog):
    lines = with_line(2, quantity=None)

    findings = findings_for(invoice(lines), catalog)

    assert kinds(findings) == ["needs_review"]
    assert findings[0].line == 3
    assert findings[0].evidence["flags"] == ["no_quantity"]
    assert "56 Units that Odoo expects" in findings[0].message
    assert "billed 0" not in findings[0].message


# --- lines the reader missed ----------------------------------------------------------------


def test_unread_line_is_review_not_missing(catalog):
    # The salt line is printed and counted in the net, but was not read.
    findings = findings_for(invoice(LINES[:2]), catalog)

    assert kinds(findings) == ["needs_review"]
    assert findings[0].rule == "review.unread_line"
    assert "Sea salt" in findings[0].message
    assert "64.40 EUR" in findings[0].message


def test_absent_line_is_line_missing(catalog):
    # Net, tax and total cover only the two lines printed.
    findings = findings_for(invoice(LINES[:2], net=660.20, tax=85.70, total=745.90), catalog)

    assert kinds(findings) == ["line_missing"]
    assert "Sea salt" in findings[0].message


def test_unexplained_net_gap_is_total_mismatch(catalog):
    # The net exceeds the lines by 10.00, which is no order line's amount.
    findings = findings_for(invoice(net=734.60, tax=90.20, total=824.80), catalog)

    assert "total_mismatch" in kinds(findings)
    assert "needs_review" not in kinds(findings)


# --- the printed partner ----------------------------------------------------------------------


def test_letterhead_guess_unlike_partner_is_no_mismatch(catalog):
    # A scan read the title "Rechnung" as "Rec hnung", where the letterhead name should be.
    document = invoice(vendor_name="Rec hnung")
    document.fields["vendor_name"].confidence = 0.7

    assert findings_for(document, catalog) == []


def test_doubtful_name_without_support_is_review(catalog):
    # An unknown code leaves the lines unable to vouch for the partner.
    lines = [*LINES, dict(code="HT-97917", description="Promotional display", quantity=5, uom="EA", unit_price=4.50, amount=22.50)]
    document = invoice(lines, net=747.10, tax=91.78, total=838.88, vendor_name="Währung")
    document.fields["vendor_name"].confidence = 0.7

    findings = findings_for(document, catalog)

    assert "partner_mismatch" not in kinds(findings)
    reviews = [finding for finding in findings if finding.rule == "review.vendor_name"]
    assert len(reviews) == 1
    assert reviews[0].document_value == "Währung"
    assert reviews[0].odoo_value == "Hansa Trockenwaren GmbH"


def test_certain_name_unlike_partner_is_mismatch(catalog):
    document = invoice(vendor_name="Greenline Packaging Ltd")
    document.fields["vendor_name"].confidence = 0.85

    findings = findings_for(document, catalog)

    assert kinds(findings) == ["partner_mismatch"]
    assert findings[0].document_value == "Greenline Packaging Ltd"


# --- several VAT rates -------------------------------------------------------------------------


def test_two_vat_rates_summed_are_clean(catalog):
    findings = findings_for(invoice(), catalog)

    assert "tax_mismatch" not in kinds(findings)
    assert "total_mismatch" not in kinds(findings)


def test_tax_of_one_rate_only_is_tax_mismatch(catalog):
    # Only the 7 % row was counted: 27.69 instead of 90.20, and the total agrees with it.
    findings = findings_for(invoice(tax=27.69, total=752.29), catalog)

    assert kinds(findings) == ["tax_mismatch"]
    assert findings[0].odoo_value == pytest.approx(90.20)


def test_price_mismatch_with_two_rates_is_alone(catalog):
    # Salt at 1.05 instead of 1.15: only the price differs, and the tax follows each line's rate.
    lines = with_line(2, unit_price=1.05, amount=58.80)

    findings = findings_for(invoice(lines, net=719.00, tax=89.81, total=808.81), catalog)

    assert kinds(findings) == ["price_mismatch"]
