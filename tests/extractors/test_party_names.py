"""A party name is never a label, a date, an amount or punctuation; the next candidate or null instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from docmatch.extractors import extract_file
from docmatch.extractors.fields import is_party_name
from extractors import extraction_builders as build


@pytest.mark.parametrize(
    "text",
    ["Rechnungsdatum", "Datum:", "Datum: 12.03.2024", "Rechnungsdatum 01.02.2020", "12.03.2024", "March 5, 2024", "EUR 1.250,00", "1.250,00 €", "—", "| -", "Währung", "Rechnung", "Datum Lieferant", "Total"],
)
def test_non_name_rejected(text: str) -> None:
    assert not is_party_name(text)


@pytest.mark.parametrize("text", ["Contoso Ltd.", "Kunde GmbH", "Global Supplies Ltd.", "Acme 1998 GmbH", "Au bon moulin SARL", "Data Systems Ltd"])
def test_real_name_accepted(text: str) -> None:
    assert is_party_name(text)


@pytest.mark.parametrize("letterhead", ["Rechnungsdatum", "Datum:", "03.06.2024", "1.250,00 EUR", "—"])
def test_letterhead_non_name_dropped(tmp_path: Path, letterhead: str) -> None:
    path = build.party_invoice(tmp_path, "letterhead", letterhead)

    extraction = extract_file(path)

    assert extraction.value("vendor_name") is None
    assert extraction.value("number") == "RE-2024-77"


def test_letterhead_name_kept(tmp_path: Path) -> None:
    path = build.party_invoice(tmp_path, "letterhead-name", "Kupferwerk Nord GmbH")

    assert extract_file(path).value("vendor_name") == "Kupferwerk Nord GmbH"


def test_sender_line_date_dropped(tmp_path: Path) -> None:
    """GIVEN a sender line whose first part is a date, above an address window
    THEN the date is not the vendor."""
    path = build.party_invoice(tmp_path, "sender", "", sender_line="03.06.2024 · Hafenweg 5 · 20457 Hamburg")

    assert extract_file(path).value("vendor_name") is None


@pytest.mark.parametrize(
    ("field", "label", "value"),
    [("customer_name", "Kunde:", "03.06.2024"), ("customer_name", "Kunde:", "Rechnungsdatum"), ("carrier", "Spediteur:", "1.250,00 EUR")],
)
def test_labelled_party_takes_next_cell(tmp_path: Path, field: str, label: str, value: str) -> None:
    """GIVEN a party label followed by a cell that is no name, then the name
    THEN the name in the next cell is read."""
    path = build.party_invoice(tmp_path, "labelled", "Kupferwerk Nord GmbH", party_rows=[[(50, label), (150, value), (300, "Schnell Logistik GmbH")]])

    assert extract_file(path).value(field) == "Schnell Logistik GmbH"
