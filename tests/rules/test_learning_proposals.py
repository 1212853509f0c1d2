"""Findings propose what a reviewer can confirm, and a confirmed code is used next time."""

from __future__ import annotations

import pytest

from docmatch.matchers import match_document
from docmatch.matchers.index import get_index
from docmatch.models import Case, CaseDocument
from docmatch.odoo.pairings import VENDOR_CODE, proposals

from .helpers import CatalogBuilder, extraction, findings_for

ACME = 10


@pytest.fixture()
def catalog():
    builder = CatalogBuilder()
    builder.partner(ACME, "Acme Industrial Supply Ltd")
    builder.product(1, "FLG-DN50", "Flange DN50 PN16").product(2, "FLG-DN65", "Flange DN65 PN16")
    builder.vendor_code(ACME, 1, "VND-7781")
    builder.order(1, "P00101", ACME, [dict(product=1, qty=10, price=12.0), dict(product=2, qty=5, price=14.0)])
    return builder.build()


def invoice():
    return extraction(po_reference="P00101", vendor_name="Acme Industrial Supply Ltd", currency="EUR", lines=[
        dict(code="VND-7781", description="Flange DN 50", quantity=10, unit_price=12.0),
        dict(code="VND-7782", description="Flange DN65 PN16", quantity=5, unit_price=14.0),
    ])


def test_unknown_code_proposes_the_described_product(catalog):
    findings = findings_for(invoice(), catalog)

    unknown = [finding for finding in findings if finding.kind.value == "unknown_product"]
    assert len(unknown) == 1
    assert unknown[0].evidence["vendor_code"] == "VND-7782"
    assert unknown[0].evidence["partner_id"] == ACME
    assert unknown[0].evidence["candidate_product_ids"] == [2]


def test_unknown_code_is_still_not_matched(catalog):
    pair = match_document(invoice(), catalog).pairs[1]

    assert pair.issue == "unknown_product"
    assert pair.odoo_line is None
    assert [candidate.id for candidate in pair.candidates] == [2]


def test_confirmed_proposal_pairs_the_code_next_time(catalog):
    case = Case(document=CaseDocument(sha256="0" * 64, filename="inv.pdf"), findings=findings_for(invoice(), catalog))
    [pairing] = proposals(case)
    assert (pairing.kind, pairing.printed_text, pairing.target_id) == (VENDOR_CODE, "VND-7782", 2)

    catalog.learned_vendor_codes[(pairing.partner_id, pairing.printed_text)] = pairing.target_id
    findings = findings_for(invoice(), catalog)

    assert [finding.kind.value for finding in findings] == []


def test_learned_code_keeps_the_index(catalog):
    before = get_index(catalog)

    catalog.learned_vendor_codes[(ACME, "VND-7782")] = 2
    pair = match_document(invoice(), catalog).pairs[1]

    assert get_index(catalog) is before
    assert (pair.method, pair.product.id) == ("learned", 2)


def test_learned_code_in_description_pairs(catalog):
    catalog.learned_vendor_codes[(ACME, "VND-7782")] = 2
    document = invoice()
    document.lines[1].code = None
    document.lines[1].description = "VND-7782 Flange DN65 PN16"

    pair = match_document(document, catalog).pairs[1]

    assert (pair.method, pair.product.id) == ("learned", 2)
