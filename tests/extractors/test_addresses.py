"""Postal addresses read from the header of the demo documents, in their layouts."""

from __future__ import annotations

from pathlib import Path

import pytest

from docmatch.extractors import extract_file

DEMO_DOCUMENTS = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "documents"

CASES = [
    # Letterhead right-aligned, a sender line, and the address window beside the reference block.
    ("invoice-hansa-clean-de.pdf", [("Am Speicherhafen 12", "20457", "Hamburg"), ("Hanauer Landstraße 301", "60314", "Frankfurt am Main")]),
    # A one-line letterhead with commas, and two address columns side by side.
    ("customer-po-canalhouse-price-en.pdf", [("Prinsengracht 512", "1017 KH", "Amsterdam"), ("Hanauer Landstraße 301", "60314", "Frankfurt am Main")]),
    # A Dutch postcode under the street.
    ("invoice-vdberg-clean-en.pdf", [("Kaasmarkt 4", "2801 AB", "Gouda"), ("Hanauer Landstraße 301", "60314", "Frankfurt am Main")]),
]


@pytest.mark.parametrize(("name", "expected"), CASES)
def test_header_addresses(name: str, expected: list[tuple[str, str, str]]) -> None:
    extraction = extract_file(DEMO_DOCUMENTS / name)

    assert [(address.street, address.postcode, address.city) for address in extraction.addresses] == expected


def test_address_keeps_page_and_box() -> None:
    [first, _] = extract_file(DEMO_DOCUMENTS / "invoice-vdberg-clean-en.pdf").addresses

    assert first.page == 1
    assert first.bbox is not None
    assert first.confidence > 0.9


def test_us_state_and_zip() -> None:
    addresses = extract_file(DEMO_DOCUMENTS / "invoice-prairie-usd-lb-clean-en.pdf").addresses

    assert ("410 Orchard Road", "76401", "Stephenville") in [(address.street, address.postcode, address.city) for address in addresses]
