"""Numbers such as "3,500" read two ways, settled for the whole document by arithmetic and its other numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from docmatch.extractors import extract_file
from docmatch.extractors.numbers import parse_number
from extractors import extraction_builders as build


@pytest.mark.parametrize(
    ("text", "mark"),
    [("1.234,56", ","), ("1,234.56", "."), ("1,234,567", "."), ("1.234.567", ","), ("12,50", ","), ("0,500", ","), ("1,250", ","), ("3.500", "."), ("1250", None), ("1 250", None)],
)
def test_number_reading_decimal_mark(text: str, mark: str | None) -> None:
    reading = parse_number(text)

    assert reading is not None
    assert reading.mark == mark


def _prices(path: Path) -> list[tuple[float | None, float | None]]:
    extraction = extract_file(path, use_embedded=False)
    return [(line.unit_price, line.amount) for line in extraction.lines]


def test_money_decimals_settle_prices(tmp_path: Path) -> None:
    """GIVEN lines at "3,500" and "1,250" and a net "4,750", which fit either reading
    WHEN the invoice is read
    THEN amounts with three decimals are ruled out and the thousands reading is taken."""
    path = build.thousands_invoice(tmp_path, "money", [("1", "3,500", "3,500"), ("1", "1,250", "1,250")], "4,750")

    extraction = extract_file(path, use_embedded=False)

    assert [(line.unit_price, line.amount) for line in extraction.lines] == [(3500.0, 3500.0), (1250.0, 1250.0)]
    assert extraction.value("net") == 4750.0
    assert all("ambiguous" not in line.flags for line in extraction.lines)
    assert "ambiguous" not in extraction.fields["net"].flags
    assert any("thousands separator" in warning for warning in extraction.warnings)


def test_net_settles_by_line_sum(tmp_path: Path) -> None:
    """GIVEN 2 x "1,250" = "2,500" (true either way) and a net printed "2500"
    THEN only the thousands reading makes the lines add up to the net."""
    path = build.thousands_invoice(tmp_path, "sum", [("2", "1,250", "2,500")], "2500", currency="KWD")

    assert _prices(path) == [(1250.0, 2500.0)]


def test_other_numbers_settle_decimals(tmp_path: Path) -> None:
    """GIVEN a freight row "12,50" that proves "," the decimal mark
    THEN "3,500" is 3.5, even though money amounts rarely print three decimals."""
    path = build.thousands_invoice(tmp_path, "comma", [("1", "3,500", "3,500")], "3,500", extra="12,50")

    extraction = extract_file(path, use_embedded=False)

    assert [(line.unit_price, line.amount) for line in extraction.lines] == [(3.5, 3.5)]
    assert extraction.value("net") == 3.5


def test_other_numbers_settle_thousands(tmp_path: Path) -> None:
    path = build.thousands_invoice(tmp_path, "point", [("1", "3,500", "3,500")], "3,500", extra="1,234.56", currency="KWD")

    assert _prices(path) == [(3500.0, 3500.0)]


def test_unsettled_prices_keep_alternatives(tmp_path: Path) -> None:
    """GIVEN a currency with three minor digits and nothing else to distinguish the readings
    THEN the values stay null, flagged, with both readings."""
    path = build.thousands_invoice(tmp_path, "open", [("1", "3,500", "3,500")], "3,500", currency="KWD")

    extraction = extract_file(path, use_embedded=False)

    line = extraction.lines[0]
    assert line.unit_price is None
    assert sorted(line.unit_price_alternatives) == [3.5, 3500.0]  # type: ignore[attr-defined]
    assert "ambiguous" in line.flags
    assert extraction.value("net") is None
    assert sorted(extraction.fields["net"].alternatives) == [3.5, 3500.0]  # type: ignore[type-var]


def test_contradicting_marks_settle_nothing(tmp_path: Path) -> None:
    """GIVEN "2,00" (decimal comma) and "1,250" settled by arithmetic as 1250 (thousands comma)
    THEN the second "1,250", without price or amount, stays open."""
    build.decimal_invoice(tmp_path, "thousands")

    extraction = extract_file(tmp_path / "decimals-thousands.pdf", use_embedded=False)

    assert extraction.lines[1].quantity is None
    assert "ambiguous" in extraction.lines[1].flags
