"""Real documents: the values read on their printed pages by hand, and a run over the shared corpus."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from docmatch.errors import InputError
from docmatch.eval.extraction import count_found_lines, find_expected, values_equal
from docmatch.extractors import extract_file

CORPUS_FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "corpus"
SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"

# Values the extractor does not read yet, with the reason; everything else must match.
KNOWN_MISSES = {
    ("invoice2data/SammyMaystoneLinesTest.pdf", "number"): "the number sits under the title with only '#' before it",
    ("zugferd-corpus/EN16931_Einfach.pdf", "customer_name"): "the buyer's section heading is followed by a 'Nummer:' line first",
    ("invoice2data/camelot-bol100649863.pdf", "vendor_name"): "the sender's name is printed in body size with no label or sender line",
    ("invoice2data/coolblue1.pdf", "vendor_name"): "a larger slogan beside the letterhead is taken for the sender",
    ("invoice2data/coolblue1.pdf", "customer_name"): "the address window has no label and no sender line above it",
}
# Line items not all found yet: document -> lines found of those expected.
KNOWN_LINE_GAPS = {
    "invoice2data/NetpresseInvoice.pdf": "a line without a quantity in a table with a quantity column",
    "invoice2data/coolblue1.pdf": "a sub-line whose amount falls in a header cell read as a price",
}


def _cases() -> list[Path]:
    return find_expected(CORPUS_FIXTURES)


def _label(path: Path) -> str:
    return str(path.relative_to(CORPUS_FIXTURES)).removesuffix(".extraction.json")


@pytest.fixture(scope="module")
def extractions() -> dict[str, tuple[dict, object]]:
    results = {}
    for expected_path in _cases():
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        pdf = expected_path.with_name(expected["file"])
        results[str(pdf.relative_to(CORPUS_FIXTURES))] = (expected, extract_file(pdf, use_embedded=False))
    return results


def test_corpus_fixtures_cover_several_sources() -> None:
    cases = _cases()
    assert len(cases) >= 15
    assert len({path.parent.name for path in cases}) >= 4
    licenses = (CORPUS_FIXTURES / "LICENSES.md").read_text(encoding="utf-8")
    for path in cases:
        assert f"`{path.parent.name}/{json.loads(path.read_text())['file']}`" in licenses


@pytest.mark.parametrize("expected_path", _cases(), ids=_label)
def test_printed_fields_match_hand_values(expected_path: Path, extractions) -> None:  # type: ignore[no-untyped-def]
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    document = f"{expected_path.parent.name}/{expected['file']}"
    _, extraction = extractions[document]

    assert extraction.doc_type == expected["doc_type"]
    wrong = {
        name: (value, extraction.value(name))
        for name, value in expected["fields"].items()
        if (document, name) not in KNOWN_MISSES and not values_equal(value, extraction.value(name), name=name)
    }
    assert wrong == {}


@pytest.mark.parametrize("expected_path", [path for path in _cases() if "lines" in json.loads(path.read_text())], ids=_label)
def test_printed_lines_match_hand_values(expected_path: Path, extractions) -> None:  # type: ignore[no-untyped-def]
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    document = f"{expected_path.parent.name}/{expected['file']}"
    _, extraction = extractions[document]
    found = count_found_lines(expected["lines"], extraction.lines)
    complete = found == len(expected["lines"]) == len(extraction.lines)
    if document in KNOWN_LINE_GAPS:
        # A known gap that closes must leave the list, so the list stays true.
        assert not complete, f"{document} now reads all its lines; remove it from KNOWN_LINE_GAPS"
        pytest.xfail(KNOWN_LINE_GAPS[document])

    assert found == len(expected["lines"])
    assert len(extraction.lines) == len(expected["lines"])


def test_known_misses_are_still_missed(extractions) -> None:  # type: ignore[no-untyped-def]
    """A known miss that starts to pass should leave the list, so the list stays true."""
    fixed = [key for key in KNOWN_MISSES if values_equal(_expected_value(*key), extractions[key[0]][1].value(key[1]), name=key[1])]
    assert fixed == []


def _expected_value(document: str, name: str):  # type: ignore[no-untyped-def]
    folder, file = document.split("/")
    return json.loads((CORPUS_FIXTURES / folder / file.replace(".pdf", ".extraction.json")).read_text())["fields"][name]


def test_xml_of_another_invoice_reported() -> None:
    extraction = extract_file(CORPUS_FIXTURES / "zugferd-corpus" / "acme_invoice-42_ZUGFeRD.pdf")

    assert extraction.embedded is not None
    assert extraction.value("total") == 1589.80
    assert "xml_disagrees" in extraction.fields["total"].flags
    assert any("another document" in warning for warning in extraction.warnings)
    # Printed net + tax does not make the printed total on this invoice.
    assert "arithmetic_failed" in extraction.fields["total"].flags


def test_xml_cent_off_flagged() -> None:
    extraction = extract_file(CORPUS_FIXTURES / "mustangproject" / "MustangBeispiel20221026.pdf")

    assert extraction.value("total") == 963.12
    assert extraction.embedded is not None and extraction.embedded.value("total") == 963.11
    assert "xml_disagrees" in extraction.fields["total"].flags


def test_agreeing_xml_fills_gaps() -> None:
    printed = extract_file(CORPUS_FIXTURES / "zugferd-corpus" / "EN16931_Einfach.pdf", use_embedded=False)
    combined = extract_file(CORPUS_FIXTURES / "zugferd-corpus" / "EN16931_Einfach.pdf")

    assert combined.value("total") == printed.value("total") == 529.87
    assert combined.fields["total"].flags == []
    assert combined.value("customer_name") == "Kunden AG Mitte"
    assert combined.fields["customer_name"].source == "xml"


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED_CORPUS / "manifest.csv").is_file(), reason="the shared corpus is not beside the repository")
def test_every_corpus_pdf_extracts() -> None:
    with (SHARED_CORPUS / "manifest.csv").open(encoding="utf-8") as handle:
        files = [row["file"] for row in csv.DictReader(handle) if row["born_digital"] == "yes"]

    assert len(files) >= 50
    for name in files:
        try:
            extraction = extract_file(SHARED_CORPUS / name)
        except InputError as exc:
            assert exc.message, name
            continue
        assert extraction.pages >= 1, name
        assert extraction.doc_type != "unknown" or extraction.warnings or extraction.fields, name


DEMO_DOCUMENTS = Path(__file__).resolve().parents[2] / "fixtures" / "demo" / "documents"


@pytest.mark.skipif(not DEMO_DOCUMENTS.is_dir(), reason="the demo documents are not generated")
def test_demo_documents_read_as_printed() -> None:
    from docmatch.eval.extraction import evaluate

    score = evaluate(DEMO_DOCUMENTS, modes=("printed",))[0]
    right, expected = score.overall()

    assert expected > 0
    assert right / expected >= 0.97, [(document.file, document.misses) for document in score.documents if document.misses]
    assert score.line_recall() >= 0.97
    assert score.line_precision() >= 0.97
