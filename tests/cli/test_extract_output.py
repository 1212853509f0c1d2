"""`docmatch extract` prints the line items in its text output, not only their count."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from docmatch.cli.extract import DESCRIPTION_WIDTH, line_rows
from docmatch.models import ExtractedLine
from tests.cli.conftest import CliRun

DEMO_INVOICE = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "documents" / "invoice-hansa-price-de.pdf"


def test_extract_prints_line_items(run_cli: Callable[..., CliRun]) -> None:
    run = run_cli("extract", str(DEMO_INVOICE))

    assert run.code == 0, run.err
    lines = run.out.splitlines()
    start = lines.index("  2 line item(s):")
    assert lines[start + 1].split() == ["pos", "code", "description", "quantity", "unit", "unit", "price", "amount", "confidence"]
    assert lines[start + 2].split() == ["1", "HT-40110", "Basmati", "Reis", "10", "kg", "Sack", "30", "Stk", "19.90", "597.00", "1.00"]
    assert lines[start + 3].split() == ["2", "HT-41050", "Penne", "Rigate", "5", "kg", "Beutel", "20", "Stk", "7.35", "147.00", "1.00"]


def test_rows_shorten_and_mark_gaps() -> None:
    """GIVEN a long description, values not read and a flag THEN the row is shortened, shows '-' and the flag."""
    long_name = "Extra virgin olive oil, cold pressed, first harvest, 12 x 750 ml glass bottles"
    lines = [
        ExtractedLine(position=1, code="OL-750", description=long_name, quantity=2.5, uom="Case", unit_price=0.0125, amount=125.0, confidence=0.71, flags=["arithmetic_failed"]),
        ExtractedLine(description="Freight", amount=12.0, confidence=0.4),
    ]

    header, first, second = line_rows(lines)

    assert header.split()[0] == "pos"
    description = long_name[: DESCRIPTION_WIDTH - 1].rstrip() + "…"
    assert description in first
    assert long_name not in first
    assert first.split()[-2:] == ["0.71", "[arithmetic_failed]"]
    assert ["2.50", "Case", "0.0125", "125.00"] == first.split()[-6:-2]
    assert second.split() == ["-", "-", "Freight", "-", "-", "-", "12.00", "0.40"]


def test_rows_empty_without_lines() -> None:
    assert line_rows([]) == []
