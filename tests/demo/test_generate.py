"""The demo documents: deterministic, covering every finding kind, printed as their expected files state."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest

from docmatch.demo.documents import DOC_TYPES
from docmatch.demo.generate import generate
from docmatch.models import FindingKind

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "demo"
DOCUMENTS = FIXTURES / "documents"
SEEDABLE = {kind.value for kind in FindingKind} - {"needs_review", "extraction_failed"}


def expected_files() -> list[Path]:
    return sorted(DOCUMENTS.glob("*.expected.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_regenerating_gives_the_committed_fixtures_byte_for_byte(tmp_path: Path):
    """GIVEN the generator WHEN run into a new folder THEN every file equals the committed one."""
    generate(tmp_path)
    produced = sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file())
    committed = sorted(path.relative_to(FIXTURES) for path in FIXTURES.rglob("*") if path.is_file())
    assert produced == committed
    for relative in produced:
        assert (tmp_path / relative).read_bytes() == (FIXTURES / relative).read_bytes(), f"{relative} differs; run python -m docmatch.demo.generate"


def test_every_pdf_has_an_expected_file():
    pdfs = {path.stem for path in DOCUMENTS.glob("*.pdf")}
    assert 25 <= len(pdfs) <= 40
    assert pdfs == {path.name.removesuffix(".expected.json") for path in expected_files()}


def test_demo_set_covers_kinds_layouts_languages():
    kinds: set[str] = set()
    layouts: dict[str, set[str]] = defaultdict(set)
    languages: dict[str, set[str]] = defaultdict(set)
    clean = 0
    for path in expected_files():
        expected = load(path)
        kinds |= {finding["kind"] for finding in expected["findings"]}
        layouts[expected["doc_type"]].add(expected["layout"])
        languages[expected["doc_type"]].add(expected["language"])
        clean += not expected["findings"]
    assert kinds == SEEDABLE
    assert set(layouts) == set(DOC_TYPES)
    assert all(len(found) >= 3 for found in layouts.values()), layouts
    assert all(found == {"en", "de"} for found in languages.values()), languages
    assert clean >= 8


@pytest.mark.parametrize("path", expected_files(), ids=lambda path: path.name.removesuffix(".expected.json"))
def test_expected_file_agrees_with_the_printed_page(path: Path):
    """GIVEN an expected file WHEN its PDF is read THEN number, date, total and line codes are on the page as printed."""
    expected = load(path)
    fields = expected["fields"]
    with pdfplumber.open(path.with_name(path.name.replace(".expected.json", ".pdf"))) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    german = expected["language"] == "de"
    assert fields["number"] in text
    year, month, day = fields["date"].split("-")
    if german:
        assert f"{day}.{month}.{year}" in text
    if fields["total"] is not None:
        total = f"{abs(fields['total']):,.2f}"
        assert (total.replace(",", "X").replace(".", ",").replace("X", ".") if german else total) in text
    for line in expected["lines"]:
        assert line["code"] in text
    assert all(finding["kind"] in SEEDABLE for finding in expected["findings"])
    assert all(finding["line"] is None or 1 <= finding["line"] <= len(expected["lines"]) for finding in expected["findings"])


@pytest.mark.parametrize("path", [path for path in expected_files() if load(path)["fields"]["net"] is not None], ids=lambda path: path.name.removesuffix(".expected.json"))
def test_priced_documents_add_up(path: Path):
    """Lines sum to the net amount; net plus tax is the total, except where the total is the seeded mismatch."""
    expected = load(path)
    fields = expected["fields"]
    assert sum(line["amount"] for line in expected["lines"]) == pytest.approx(fields["net"], abs=0.005)
    for line in expected["lines"]:
        assert line["quantity"] * line["unit_price"] == pytest.approx(line["amount"], abs=0.005)
    total_seeded = any(finding["kind"] == "total_mismatch" for finding in expected["findings"])
    assert (fields["net"] + fields["tax"] == pytest.approx(fields["total"], abs=0.005)) != total_seeded


def test_long_invoice_continues_on_page_two():
    with pdfplumber.open(DOCUMENTS / "invoice-hansa-two-pages-clean-de.pdf") as pdf:
        assert len(pdf.pages) == 2
        first, second = (page.extract_text() for page in pdf.pages)
    assert "Bezeichnung" in first
    assert "Bezeichnung" in second
    assert "Übertrag" in first
    assert "Übertrag von Seite 1" in second
    assert len(load(DOCUMENTS / "invoice-hansa-two-pages-clean-de.expected.json")["lines"]) == 22


def test_bill_of_lading_ships_38_of_40_pallets():
    expected = load(DOCUMENTS / "bill-of-lading-westpark-short-en.expected.json")
    assert expected["lines"][0]["quantity"] == 38
    assert expected["lines"][0]["uom"] == "PAL"
    assert expected["findings"] == [{"kind": "quantity_mismatch", "line": 1}]
    snapshot = FIXTURES / "odoo"
    moves = json.loads((snapshot / "stock.move.json").read_text())
    shipped = [move for move in moves if move["reference"] == expected["fields"]["order_reference"]]
    assert [move["quantity"] for move in shipped] == [19200.0]
