"""VAT numbers go to the party whose block prints them, in the demo documents' layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from docmatch.extractors import extract_file

DEMO_DOCUMENTS = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "documents"

CASES = [
    # A customer's order: the supplier block (ours) and the deliver-to block side by side.
    ("customer-po-canalhouse-price-en.pdf", "DE204681399", "NL860334107B01"),
    # A German invoice: our number under our address, the vendor's in the footer after "USt-IdNr.".
    ("invoice-hansa-clean-de.pdf", "DE188365213", "DE204681399"),
    # An Irish vendor's number in the footer.
    ("invoice-greenline-cases-clean-en.pdf", "IE6388047V", "DE204681399"),
    # A Dutch number run into its label: "VAT ID NL855209136B01".
    ("invoice-vdberg-clean-en.pdf", "NL855209136B01", "DE204681399"),
]


@pytest.mark.parametrize(("name", "vendor_vat", "customer_vat"), CASES)
def test_vat_numbers_by_party(name: str, vendor_vat: str, customer_vat: str) -> None:
    fields = extract_file(DEMO_DOCUMENTS / name).fields

    assert fields["vendor_vat"].value == vendor_vat
    assert fields["customer_vat"].value == customer_vat
