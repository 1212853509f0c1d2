"""A "Gutschrift" is a credit note or a self-billed invoice; the page's wording and the embedded XML decide."""

from __future__ import annotations

from pathlib import Path

import pytest

from docmatch.extractors import extract_file
from extractors import extraction_builders as build


@pytest.mark.parametrize(
    "subtitle",
    ["(Selbst ausgestellte Rechnung)", "Abrechnung im Gutschriftsverfahren nach § 14 Abs. 2 UStG", "Self-billing invoice issued by the customer"],
)
def test_self_billing_wording_reads_invoice(tmp_path: Path, subtitle: str) -> None:
    path = build.titled_invoice(tmp_path, "self-billed", "GUTSCHRIFT", subtitle=subtitle)

    extraction = extract_file(path)

    assert extraction.doc_type == "invoice"
    assert any("self-billing" in warning for warning in extraction.warnings)
    assert extraction.value("number") == "GS-4711"
    assert extraction.value("total") == 238.0


def test_plain_gutschrift_stays_credit_note(tmp_path: Path) -> None:
    path = build.titled_invoice(tmp_path, "credit", "GUTSCHRIFT")

    extraction = extract_file(path)

    assert extraction.doc_type == "credit_note"
    assert not any("self-billing" in warning for warning in extraction.warnings)


def test_embedded_type_overrides_title(tmp_path: Path) -> None:
    """GIVEN a page titled "Gutschrift" and attached XML of the same number with type code 380
    THEN the XML's type is used and the printed reading is kept as a warning."""
    path = build.titled_invoice(tmp_path, "xml-invoice", "GUTSCHRIFT", type_code="380")

    extraction = extract_file(path)

    assert extraction.doc_type == "invoice"
    assert any("the page reads as credit_note, the embedded XML states invoice" in warning for warning in extraction.warnings)


def test_embedded_credit_note_overrides_title(tmp_path: Path) -> None:
    path = build.titled_invoice(tmp_path, "xml-credit", "RECHNUNG", type_code="381")

    extraction = extract_file(path)

    assert extraction.doc_type == "credit_note"


def test_embedded_type_ignored_without_xml_use(tmp_path: Path) -> None:
    path = build.titled_invoice(tmp_path, "xml-off", "GUTSCHRIFT", type_code="380")

    extraction = extract_file(path, use_embedded=False)

    assert extraction.doc_type == "credit_note"


def test_xml_of_other_document_keeps_title(tmp_path: Path) -> None:
    """GIVEN attached XML whose number and total differ from the page's
    THEN it describes another document, and the printed type stays."""
    path = build.titled_invoice(tmp_path, "xml-other", "GUTSCHRIFT", type_code="380", xml_number="OTHER-1", xml_total="999.00")

    extraction = extract_file(path)

    assert extraction.doc_type == "credit_note"
    assert not any("the XML's type is used" in warning for warning in extraction.warnings)


SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


@pytest.mark.parametrize("name", ["EN16931_Innergemeinschaftliche_Lieferungen.pdf", "EN16931_Gutschrift.pdf"])
def test_real_self_billed_invoices(name: str) -> None:
    """Two real self-billed invoices titled "Gutschrift (Selbst ausgestellte Rechnung)", with XML type code 389."""
    path = SHARED_CORPUS / "zugferd-corpus" / name
    if not path.exists():
        pytest.skip("the shared corpus is not on this machine")

    assert extract_file(path, use_embedded=False).doc_type == "invoice"
    assert extract_file(path).doc_type == "invoice"
