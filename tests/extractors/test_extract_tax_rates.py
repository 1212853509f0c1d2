"""Net, tax and total on documents that print one VAT row per rate."""

from __future__ import annotations

from pathlib import Path

import pytest

from docmatch.extractors import extract_file
from extractors.extraction_builders import Sheet, _header

def _order_with_two_rates(folder: Path, *, footer: str, rows: list[tuple[str, str]]) -> Path:
    """A customer order with a 7 % and a 19 % line, its totals block and a footer line."""
    sheet = Sheet(folder / "two-rates.pdf")
    _header(sheet, "PURCHASE ORDER", ["PO No: HR-00462", "Order date: 2025-06-17", "Currency: EUR"])
    sheet.row(["Pos", "Item", "Description", "Qty", "UoM", "Unit price", "Amount"], font="Helvetica-Bold")
    sheet.row(["1", "DRY-RICE-10", "Basmati rice 10 kg", "17", "EA", "27.90", "474.30"])
    sheet.row(["2", "DSP-NAPKIN-33", "Napkins 33 x 33 cm", "64", "EA", "4.68", "299.52"])
    sheet.row(["3", "DRY-FUSILLI-5", "Fusilli 5 kg", "7", "EA", "10.44", "73.08"])
    sheet.down(8)
    for label, value in rows:
        sheet.text(380, label)
        sheet.text(545, value, right=True)
        sheet.down(14)
    sheet.down(30)
    sheet.text(50, footer, size=8)
    return sheet.save()


TOTALS = [("Net amount", "846.90"), ("VAT 7%", "38.32"), ("VAT 19%", "56.91"), ("Total EUR", "942.13")]


@pytest.mark.parametrize("footer", [
    "Hotel Rheinblick GmbH    VAT ID DE291740355    Page 1 of 1",
    "Hotel Rheinblick GmbH    VAT No. DE291740355    Page 1 of 2",
    "Hotel Rheinblick GmbH    Page 1 of 1",
])
def test_tax_sums_rows_of_each_rate(tmp_path: Path, footer: str) -> None:
    extraction = extract_file(_order_with_two_rates(tmp_path, footer=footer, rows=TOTALS), use_embedded=False)

    assert extraction.value("net") == pytest.approx(846.90)
    assert extraction.value("tax") == pytest.approx(95.23)
    assert extraction.value("total") == pytest.approx(942.13)
    assert extraction.fields["tax"].flags == []
    assert extraction.fields["total"].flags == []


def test_tax_number_in_footer_is_no_tax_row(tmp_path: Path) -> None:
    # One rate only. The footer "VAT ID ... Page 1 of 1" must not add a tax of 1.
    rows = [("Net amount", "846.90"), ("VAT 19%", "160.91"), ("Total EUR", "1,007.81")]
    path = _order_with_two_rates(tmp_path, footer="Hotel Rheinblick GmbH    VAT ID DE291740355    Page 1 of 1", rows=rows)

    extraction = extract_file(path, use_embedded=False)

    assert extraction.value("tax") == pytest.approx(160.91)
    assert extraction.value("total") == pytest.approx(1007.81)


def test_wrong_total_with_two_rates_is_flagged(tmp_path: Path) -> None:
    # The rows of both rates are read, and a total that fits no sum stays flagged.
    rows = [("Net amount", "846.90"), ("VAT 7%", "38.32"), ("VAT 19%", "56.91"), ("Total EUR", "952.13")]

    extraction = extract_file(_order_with_two_rates(tmp_path, footer="Page 1 of 1", rows=rows), use_embedded=False)

    assert extraction.value("total") == pytest.approx(952.13)
    assert "arithmetic_failed" in extraction.fields["total"].flags
