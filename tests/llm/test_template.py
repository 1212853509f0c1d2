"""Template explanations: one sentence per finding, a next step per kind, nothing invented."""

from __future__ import annotations

import re

import pytest

from docmatch.models import Finding, FindingKind, Severity
from docmatch.reporting.explain import NEXT_STEPS, format_value, template_explanation


def finding(kind: FindingKind, severity: Severity = Severity.MEDIUM, **values) -> Finding:  # type: ignore[no-untyped-def]
    values.setdefault("message", f"{kind.value} found by the rule.")
    return Finding(kind=kind, severity=severity, rule=f"rule.{kind.value}", **values)


def test_every_kind_has_a_next_step() -> None:
    assert set(NEXT_STEPS) == set(FindingKind)


def test_clean_case_names_the_order(case_factory) -> None:  # type: ignore[no-untyped-def]
    text = template_explanation(case_factory())

    assert text == "The invoice agrees with P00457 within the configured tolerances."


def test_clean_case_without_order(case_factory) -> None:  # type: ignore[no-untyped-def]
    text = template_explanation(case_factory(doc_type="delivery_note", orders=()))

    assert text == "The delivery note agrees with Odoo within the configured tolerances."


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        (FindingKind.QUANTITY_MISMATCH, {"line": 2, "document_value": 24.0, "odoo_value": 2.0, "evidence": {"document_uom": "CS", "odoo_uom": "Case of 12"}},
         "Line 2: quantity 24 CS on the invoice, 2 Case of 12 on P00457."),
        (FindingKind.PRICE_MISMATCH, {"line": 1, "document_value": 2.5, "odoo_value": 2.25, "tolerance": "2 %"},
         "Line 1: unit price 2.50 on the invoice, 2.25 on P00457 (tolerance: 2 %)."),
        (FindingKind.TOTAL_MISMATCH, {"document_value": 1418.0, "odoo_value": 1310.9},
         "Total 1418.00 on the invoice, 1310.90 on P00457."),
        (FindingKind.LINE_NOT_ON_ORDER, {"line": 3, "document_value": "Waiting time"},
         "Line 3: Waiting time is not on P00457."),
        (FindingKind.BILLED_EXCEEDS_RECEIVED, {"line": 1, "document_value": 288.0, "odoo_value": 24.0, "evidence": {"uom": "Units"}},
         "Line 1: 288 Units billed, but only 24 Units received in Odoo."),
        (FindingKind.ORDER_NOT_FOUND, {"document_value": "P00999"},
         "No Odoo order matches the reference P00999 on the invoice."),
        (FindingKind.PARTNER_MISMATCH, {"document_value": "Acme Steel", "odoo_value": "Bolt & Nut Ltd"},
         "The invoice names the supplier Acme Steel, but P00457 belongs to Bolt & Nut Ltd."),
        (FindingKind.EXTRACTION_FAILED, {"evidence": {"reason": "the PDF is encrypted"}},
         "The invoice could not be read: the PDF is encrypted."),
    ],
)
def test_sentence_per_kind(case_factory, kind, values, expected) -> None:  # type: ignore[no-untyped-def]
    text = template_explanation(case_factory(finding(kind, **values)))

    first_paragraph = text.splitlines()[0]
    assert first_paragraph.startswith(expected)
    assert first_paragraph.endswith(f"Next step: {NEXT_STEPS[kind]}")


def test_missing_values_use_rule_message(case_factory) -> None:  # type: ignore[no-untyped-def]
    text = template_explanation(case_factory(finding(FindingKind.QUANTITY_MISMATCH, line=4, message="Quantity differs from the receipt.")))

    assert text.startswith("Line 4: Quantity differs from the receipt.")


def test_most_severe_kind_comes_first(case_factory) -> None:  # type: ignore[no-untyped-def]
    case = case_factory(
        finding(FindingKind.DATE_OUT_OF_WINDOW, Severity.LOW, document_value="2026-01-02"),
        finding(FindingKind.PRICE_MISMATCH, Severity.HIGH, line=1, document_value=3.0, odoo_value=2.0),
        finding(FindingKind.PRICE_MISMATCH, Severity.MEDIUM, line=2, document_value=5.0, odoo_value=4.0),
    )

    paragraphs = template_explanation(case).splitlines()

    assert len(paragraphs) == 2
    assert paragraphs[0].startswith("Line 1: unit price 3.00")
    assert "Line 2: unit price 5.00" in paragraphs[0]
    assert paragraphs[0].count("Next step:") == 1
    assert paragraphs[1].startswith("The date 2026-01-02 on the invoice is outside the expected window.")


def test_long_kind_is_counted(case_factory) -> None:  # type: ignore[no-untyped-def]
    findings = [finding(FindingKind.LINE_MISSING, odoo_value=f"Bolt M{size}") for size in range(4, 16)]

    text = template_explanation(case_factory(*findings))

    assert text.count("is missing from the invoice") == 8
    assert "4 more finding(s) of the same kind are listed with the case." in text


def test_numbers_come_from_findings(case_factory) -> None:  # type: ignore[no-untyped-def]
    case = case_factory(
        finding(FindingKind.QUANTITY_MISMATCH, line=2, document_value=24.0, odoo_value=2.0),
        finding(FindingKind.TOTAL_MISMATCH, document_value=720.0, odoo_value=60.0),
    )

    numbers = set(re.findall(r"\d+(?:\.\d+)?", template_explanation(case)))

    # P00457's digits, the line, and the values as printed: nothing computed.
    assert numbers == {"00457", "2", "24", "720.00", "60.00"}


@pytest.mark.parametrize(("value", "money", "printed"), [(24.0, False, "24"), (0.5, False, "0.50"), (45.359, False, "45.359"), (1310.9, True, "1310.90"), ("CS", False, "CS")])
def test_format_value(value, money, printed) -> None:  # type: ignore[no-untyped-def]
    assert format_value(value, money=money) == printed


def test_amount_carries_currency(case_factory) -> None:  # type: ignore[no-untyped-def]
    case = case_factory(finding(FindingKind.TAX_MISMATCH, document_value=19.0, odoo_value=17.1, evidence={"currency": "EUR"}))

    assert template_explanation(case).startswith("Tax 19.00 EUR on the invoice, 17.10 EUR on P00457.")


def test_sales_documents_get_sales_next_steps() -> None:
    from docmatch.models import Case, CaseDocument, Finding, FindingKind, OdooRef, Severity
    from docmatch.reporting.explain import template_explanation

    finding = Finding(kind=FindingKind.PRICE_MISMATCH, severity=Severity.MEDIUM, rule="lines.price", line=1, document_value=9.5, odoo_value=9.8, message="Line 1: price differs.")
    customer_po = Case(document=CaseDocument(sha256="a" * 64, filename="po.pdf", doc_type="purchase_order"), matched=[OdooRef(model="sale.order", id=1, name="S00001")], findings=[finding])
    vendor_bill = Case(document=CaseDocument(sha256="b" * 64, filename="bill.pdf", doc_type="invoice"), matched=[OdooRef(model="purchase.order", id=1, name="P00001")], findings=[finding])

    assert "customer" in template_explanation(customer_po)
    assert "credit note" not in template_explanation(customer_po)
    assert "credit note" in template_explanation(vendor_bill)
