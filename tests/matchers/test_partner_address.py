"""A partner found by a printed postcode and street when its name and VAT number cannot be read."""

from __future__ import annotations

import pytest

from docmatch.matchers import match_document
from docmatch.models import PrintedAddress

from .builders import CatalogBuilder, extraction

HANSA, NORDKORN, KITCHEN = 10, 11, 12
OWN_ADDRESS = PrintedAddress(street="Hanauer Landstraße 301", postcode="60314", city="Frankfurt am Main")


@pytest.fixture(scope="module")
def catalog():
    builder = CatalogBuilder()
    # The company's own partner record carries the address every vendor bills to.
    builder.partner(1, "Northwind Distribution GmbH", street="Hanauer Landstraße 301", zip="60314")
    builder.partner(HANSA, "Hansa Trockenwaren GmbH", street="Am Speicherhafen 12", zip="20457")
    # Another vendor in the same postcode, on another street.
    builder.partner(NORDKORN, "Nordkorn Mühlen KG", street="Am Sandtorkai 40", zip="20457")
    # A delivery address of Hansa: a contact with its own street.
    builder.partner(KITCHEN, "Hansa Trockenwaren GmbH, Lager Süd", street="Kanalstraße 7", zip="21079", parent=HANSA)
    builder.product(1, "RICE-10", "Basmati rice 10 kg")
    builder.order(1, "P00002", HANSA, [dict(product=1, qty=5, price=15.0)])
    return builder.build()


def unreadable_invoice(*addresses: PrintedAddress):
    document = extraction(vendor_name="H#nsa Tr0ckenw", po_reference=None, lines=[dict(description="Reis Basmati 10 kg", quantity=5, unit_price=15.0)])
    document.addresses = list(addresses)
    return document


def test_postcode_and_street_find_the_vendor(catalog):
    match = match_document(unreadable_invoice(PrintedAddress(street="Am Speicherhafen 12", postcode="20457", city="Hamburg"), OWN_ADDRESS), catalog)

    assert match.partner_method == "address"
    assert match.partner.id == HANSA


def test_street_spelling_differences_still_match(catalog):
    match = match_document(unreadable_invoice(PrintedAddress(street="Am Speicherhafen 12", postcode="D-20457", city="Hamburg")), catalog)

    assert match.partner.id == HANSA


def test_contact_address_finds_its_company(catalog):
    match = match_document(unreadable_invoice(PrintedAddress(street="Kanalstr. 7", postcode="21079", city="Hamburg")), catalog)

    assert match.partner.id == HANSA


def test_postcode_alone_decides_nothing(catalog):
    match = match_document(unreadable_invoice(PrintedAddress(street=None, postcode="20457", city="Hamburg")), catalog)

    assert match.partner is None


def test_other_house_number_decides_nothing(catalog):
    match = match_document(unreadable_invoice(PrintedAddress(street="Am Speicherhafen 14", postcode="20457", city="Hamburg")), catalog)

    assert match.partner is None


def test_own_address_is_never_the_partner(catalog):
    match = match_document(unreadable_invoice(OWN_ADDRESS), catalog)

    assert match.partner is None


def test_two_partners_by_address_decide_nothing(catalog):
    match = match_document(
        unreadable_invoice(PrintedAddress(street="Am Speicherhafen 12", postcode="20457"), PrintedAddress(street="Am Sandtorkai 40", postcode="20457")), catalog,
    )

    assert match.partner is None


def test_partner_found_by_address_is_noted(catalog):
    match = match_document(unreadable_invoice(PrintedAddress(street="Am Speicherhafen 12", postcode="20457", city="Hamburg")), catalog)

    assert "partner Hansa Trockenwaren GmbH found by the printed postcode and street; the printed name did not identify it" in match.notes
