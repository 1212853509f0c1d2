"""The terminal summary and the HTML report write a case's values the same way."""

from __future__ import annotations

import pytest

from docmatch.models import Case, CaseDocument, Finding, FindingKind, OdooRef, Severity
from docmatch.reporting.render import render_html, render_summary


def quantity_case(*, ticket: OdooRef | None = None) -> Case:
    finding = Finding(
        kind=FindingKind.QUANTITY_MISMATCH,
        severity=Severity.MEDIUM,
        rule="quantity",
        line=2,
        document_value=80.0,
        odoo_value=50.0,
        message="Line 2: 80 Units delivered, 50 Units ordered.",
        evidence={"uom": "Units"},
    )
    price = Finding(kind=FindingKind.PRICE_MISMATCH, severity=Severity.LOW, rule="unit_price", line=3, document_value=19.9, odoo_value=18.4, message="Line 3: unit price differs.", evidence={"currency": "EUR"})
    return Case(
        document=CaseDocument(sha256="ab" * 32, filename="delivery.pdf", doc_type="delivery_note"),
        matched=[OdooRef(model="purchase.order", id=8, name="P00008")],
        findings=[finding, price],
        opens_ticket=True,
        ticket=ticket,
    )


def test_html_values_carry_units() -> None:
    report = render_html([quantity_case()])

    assert "<td>80 Units</td><td>50 Units</td>" in report
    assert "<td>19.90 EUR</td><td>18.40 EUR</td>" in report
    assert "80.0" not in report


def test_html_value_without_side_is_empty() -> None:
    case = quantity_case()
    case.findings[0].odoo_value = None

    assert "<td>80 Units</td><td></td>" in render_html([case])


@pytest.mark.parametrize(
    ("ticket", "expected"),
    [
        (OdooRef(model="helpdesk.ticket", id=12, name="delivery.pdf: P00008, 2 findings (#12)"), "-> P00008: TICKET helpdesk.ticket #12, 2 finding(s)"),
        (None, "-> P00008: TICKET, 2 finding(s)"),
    ],
)
def test_summary_names_the_ticket(ticket: OdooRef | None, expected: str) -> None:
    summary = render_summary([quantity_case(ticket=ticket)])

    assert expected in summary


def test_summary_counts_tickets_in_odoo() -> None:
    ticket = OdooRef(model="helpdesk.ticket", id=12, name="#12")

    summary = render_summary([quantity_case(ticket=ticket), quantity_case()])

    assert summary.endswith("2 document(s), 2 for review, 1 ticket(s) in Odoo")


def test_html_quantity_unit_from_rule_evidence() -> None:
    """GIVEN a quantity finding whose rule stored the compared unit under "unit" THEN both values carry it."""
    case = quantity_case()
    case.findings[0].evidence = {"unit": "Units", "conversion": "1 Units = 1 Units"}

    assert "<td>80 Units</td><td>50 Units</td>" in render_html([case])
