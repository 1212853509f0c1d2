"""The web pages write values as the terminal and report.html do: with units and currencies."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from docmatch.models import ExtractedField, Finding, FindingKind, Severity
from docmatch.settings import Settings
from docmatch.web.app import create_app
from docmatch.web.dashboard import Filters, amount_at_stake, amount_text, build_dashboard
from docmatch.web.links import evidence_url
from docmatch.web.repository import CaseRecord, MemoryRepository
from tests.web.conftest import make_records

LOGIN = ("reviewer", "secret-pass")


def with_findings(record: CaseRecord, findings: list[Finding], *, currency: str | None, partner: str) -> CaseRecord:
    """Return `record` with other findings, another currency field and another partner."""
    fields = dict(record.extraction.fields)
    if currency is not None:
        fields["currency"] = ExtractedField(value=currency, confidence=1.0, page=1)
    extraction = record.extraction.model_copy(update={"fields": fields})
    case = record.case.model_copy(update={"findings": findings})
    return dataclasses.replace(record, extraction=extraction, case=case, partner=partner)


def litres_finding() -> Finding:
    return Finding(
        kind=FindingKind.QUANTITY_MISMATCH, severity=Severity.HIGH, rule="quantity.invoice_vs_order", tolerance="2 %", line=1,
        document_value=48.0, odoo_value=60.0, message="Line 1 bills 48 L where the order has 60 L.", evidence={"unit": "L"},
    )


def total_finding(document: float, odoo: float) -> Finding:
    return Finding(
        kind=FindingKind.TOTAL_MISMATCH, severity=Severity.HIGH, rule="total.order", tolerance="0.05",
        document_value=document, odoo_value=odoo, message="The total differs from the order.", evidence={"currency": "EUR"},
    )


def pallets_finding() -> Finding:
    """A document-level quantity difference: pallets, not money."""
    return Finding(
        kind=FindingKind.QUANTITY_MISMATCH, severity=Severity.MEDIUM, rule="logistics.pallets", tolerance="0",
        document_value=38, odoo_value=40, message="The bill of lading ships 38 pallets of 40.", evidence={"unit": "pallets"},
    )


@pytest.fixture()
def records(tmp_path: Path) -> list[CaseRecord]:
    """GIVEN an EUR invoice with a litre quantity, a total and a pallet finding, and a USD invoice with a total finding."""
    for folder in ("euro", "dollar"):
        (tmp_path / folder).mkdir()
    euro, delivery = make_records(tmp_path / "euro")
    dollar, _ = make_records(tmp_path / "dollar")
    euro = with_findings(euro, [litres_finding(), total_finding(1310.90, 118.90), pallets_finding()], currency="EUR", partner="Acme Supplies")
    dollar = with_findings(dollar, [total_finding(150.0, 100.0)], currency="usd", partner="Acme Supplies")
    # Both invoices are drawn from the same PDF, and the repository finds records by hash.
    dollar = dataclasses.replace(dollar, document=dollar.document.model_copy(update={"sha256": "d" * 64}))
    return [euro, delivery, dollar]


@pytest.fixture()
def client(web_settings: Settings, records: list[CaseRecord]) -> TestClient:
    return TestClient(create_app(web_settings, MemoryRepository(records)))


def findings_table(html: str) -> str:
    return html.split('<table class="findings">', 1)[1].split("</table>", 1)[0]


def test_findings_table_shows_units(client: TestClient, web_settings: Settings, records: list[CaseRecord]) -> None:
    """WHEN the evidence view of the EUR invoice is opened THEN each value carries its unit or currency."""
    path = urlsplit(evidence_url(records[0].sha256, web_settings)).path

    response = client.get(path)

    assert response.status_code == 200
    cells = re.findall(r"<td>([^<]*)</td>", findings_table(response.text))
    assert "48 L" in cells
    assert "60 L" in cells
    assert "1310.90 EUR" in cells
    assert "118.90 EUR" in cells
    assert "38 pallets" in cells
    assert "48.0" not in cells
    assert "60.0" not in cells


def test_line_pairing_has_no_float_noise(client: TestClient, web_settings: Settings, records: list[CaseRecord]) -> None:
    path = urlsplit(evidence_url(records[0].sha256, web_settings)).path

    html = client.get(path).text
    pairing = html.split('<table class="pairing">', 1)[1].split("</table>", 1)[0]

    # The sample line's price 2.5 and quantity 10, written as the report writes them.
    assert ">2.50</td>" in pairing
    assert ">10</td>" in pairing
    assert ">2.5</td>" not in pairing


def test_root_causes_name_currency(client: TestClient) -> None:
    """WHEN the dashboard figures are shown THEN amounts at stake carry the document's currency, per currency."""
    response = client.get("/dashboard/figures", auth=LOGIN)

    assert response.status_code == 200
    table = response.text.split('<table id="root-causes">', 1)[1].split("</table>", 1)[0]
    amounts = re.findall(r'<td class="amount">([^<]*)</td>', table)
    assert "1192.00 EUR" in amounts
    assert "50.00 USD" in amounts
    # The litre finding is on line 1, worth 25.00, and the pallet finding adds nothing.
    assert "25.00 EUR" in amounts


def test_totals_never_mix_currencies(records: list[CaseRecord]) -> None:
    board = build_dashboard(records, Filters())

    totals = {(row["kind"], row["currency"]): (row["count"], row["amount"]) for row in board.root_causes}
    assert totals[("total_mismatch", "EUR")] == (1, 1192.0)
    assert totals[("total_mismatch", "USD")] == (1, 50.0)
    # Litres on line 1 (worth 25.00) and pallets, which are no money.
    assert totals[("quantity_mismatch", "EUR")] == (2, 25.0)


def test_non_money_finding_puts_nothing_at_stake(records: list[CaseRecord]) -> None:
    assert amount_at_stake(records[0], 2) == 0.0


@pytest.mark.parametrize(
    ("amount", "currency", "expected"),
    [(1192.0, "EUR", "1192.00 EUR"), (0.5, "", "0.50"), (0.0, "EUR", "—")],
)
def test_amount_text(amount: float, currency: str, expected: str) -> None:
    assert amount_text(amount, currency) == expected
