"""Score extraction against hand-written expected values: per-field accuracy, line precision and recall.

An expected file `<name>.extraction.json` sits beside each PDF:

    {"file": "x.pdf", "doc_type": "invoice",
     "fields": {"number": "42", "date": "2014-01-31", "total": 1589.8, ...},
     "lines": [{"quantity": 1, "unit_price": 1000.0, "amount": 1000.0}, ...]}

Only the fields written down are scored, so a file lists just what its author is sure
of. A field is right when the extracted value equals the expected one (amounts within
half a cent, text ignoring case, spaces and punctuation). An expected line is found
when an extracted line carries the same quantity, unit price and amount (those given);
each extracted line counts for at most one expected line. Every document is scored
twice: from the printed page alone and with its embedded e-invoice XML.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docmatch.errors import DocmatchError
from docmatch.models import ExtractedLine, Extraction

log = logging.getLogger(__name__)

EXPECTED_SUFFIX = ".extraction.json"
DEMO_SUFFIX = ".expected.json"
AMOUNT_TOLERANCE = 0.005
# A party name shorter than this must match exactly.
NAME_MIN_CHARS = 5
_LINE_KEYS = ("quantity", "unit_price", "amount")


@dataclass
class DocumentScore:
    """The outcome of one document read one way (printed only, or with XML)."""

    file: str
    fields: dict[str, bool] = field(default_factory=dict)
    misses: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    lines_expected: int = 0
    lines_extracted: int = 0
    lines_found: int = 0
    seconds: float = 0.0
    error: str | None = None


@dataclass
class ModeScore:
    """All documents read one way."""

    mode: str
    documents: list[DocumentScore] = field(default_factory=list)

    def field_accuracy(self) -> dict[str, tuple[int, int]]:
        """Return, per field name, (right, expected)."""
        totals: dict[str, list[int]] = {}
        for document in self.documents:
            for name, right in document.fields.items():
                counts = totals.setdefault(name, [0, 0])
                counts[0] += int(right)
                counts[1] += 1
        return {name: (right, expected) for name, (right, expected) in sorted(totals.items())}

    def overall(self) -> tuple[int, int]:
        pairs = self.field_accuracy().values()
        return sum(right for right, _ in pairs), sum(expected for _, expected in pairs)

    def line_precision(self) -> float:
        extracted = sum(document.lines_extracted for document in self.documents if document.lines_expected)
        return _ratio(sum(document.lines_found for document in self.documents), extracted)

    def line_recall(self) -> float:
        return _ratio(sum(document.lines_found for document in self.documents), sum(document.lines_expected for document in self.documents))


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def find_expected(folder: Path) -> list[Path]:
    """Return every expected file under `folder`, sorted.

    Besides `<name>.extraction.json`, the demo set's `<name>.expected.json` files count
    when they list printed `fields`.
    """
    files = set(folder.rglob(f"*{EXPECTED_SUFFIX}"))
    for path in folder.rglob(f"*{DEMO_SUFFIX}"):
        try:
            if "fields" in json.loads(path.read_text(encoding="utf-8")):
                files.add(path)
        except (OSError, ValueError):
            log.warning("expected file %s is not readable JSON; skipped", path)
    return sorted(files)


def _document_path(expected_path: Path, expected: dict[str, Any]) -> Path:
    if "file" in expected:
        return expected_path.with_name(expected["file"])
    name = expected_path.name.removesuffix(EXPECTED_SUFFIX).removesuffix(DEMO_SUFFIX)
    return expected_path.with_name(f"{name}.pdf")


def evaluate(folder: Path, *, modes: tuple[str, ...] = ("printed", "with_xml")) -> list[ModeScore]:
    """Extract each document with an expected file under `folder` and score it in each mode."""
    from docmatch.extractors import extract_file

    expected_files = find_expected(folder)
    scores = [ModeScore(mode) for mode in modes]
    for expected_path in expected_files:
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        pdf = _document_path(expected_path, expected)
        label = str(pdf.relative_to(folder))
        for score in scores:
            started = time.perf_counter()
            try:
                extraction = extract_file(pdf, use_embedded=score.mode == "with_xml")
            except DocmatchError as exc:
                log.warning("%s could not be extracted: %s", label, exc.message)
                score.documents.append(DocumentScore(label, error=exc.message))
                continue
            document = score_document(label, extraction, expected)
            document.seconds = time.perf_counter() - started
            score.documents.append(document)
    return scores


def score_document(label: str, extraction: Extraction, expected: dict[str, Any]) -> DocumentScore:
    """Compare one extraction with its expected values."""
    score = DocumentScore(label)
    if "doc_type" in expected:
        score.fields["doc_type"] = extraction.doc_type == expected["doc_type"]
        if not score.fields["doc_type"]:
            score.misses["doc_type"] = (expected["doc_type"], extraction.doc_type)
    for name, value in expected.get("fields", {}).items():
        got = extraction.value(name)
        right = values_equal(value, got, name=name)
        score.fields[name] = right
        if not right:
            score.misses[name] = (value, got)
    if "lines" in expected:
        score.lines_expected = len(expected["lines"])
        score.lines_extracted = len(extraction.lines)
        score.lines_found = count_found_lines(expected["lines"], extraction.lines)
    return score


def values_equal(expected: Any, got: Any, *, name: str = "") -> bool:
    """Amounts within half a cent; text ignoring case, spaces and punctuation.

    A party name also counts when one contains the other ("Au bon moulin" in "Au bon
    moulin SARL"), since legal forms and departments come and go on a page.
    """
    if expected is None or got is None:
        return expected is got
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        return isinstance(got, (int, float)) and abs(float(got) - float(expected)) <= AMOUNT_TOLERANCE
    wanted, read = _normal(str(expected)), _normal(str(got))
    if name.endswith("_name") and min(len(wanted), len(read)) >= NAME_MIN_CHARS:
        return wanted in read or read in wanted
    return wanted == read


def _normal(text: str) -> str:
    return "".join(char for char in text.casefold() if char.isalnum())


def count_found_lines(expected_lines: list[dict[str, Any]], extracted: list[ExtractedLine]) -> int:
    """Pair each expected line with one unused extracted line carrying the same numbers."""
    unused = list(extracted)
    found = 0
    for wanted in expected_lines:
        for line in unused:
            if all(values_equal(wanted[key], getattr(line, key)) for key in _LINE_KEYS if key in wanted):
                unused.remove(line)
                found += 1
                break
    return found


def render_report(scores: list[ModeScore]) -> str:
    """Return the scores as Markdown tables: fields by mode, then lines by mode, then misses."""
    out: list[str] = []
    names = sorted({name for score in scores for name in score.field_accuracy()})
    out.append("| field | " + " | ".join(score.mode.replace("_", " ") for score in scores) + " |")
    out.append("|---|" + "---|" * len(scores))
    for name in names:
        cells = []
        for score in scores:
            right, expected = score.field_accuracy().get(name, (0, 0))
            cells.append(f"{right}/{expected} ({_ratio(right, expected):.0%})" if expected else "-")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    overall = [score.overall() for score in scores]
    out.append("| **all fields** | " + " | ".join(f"**{right}/{expected} ({_ratio(right, expected):.0%})**" for right, expected in overall) + " |")
    out.append("")
    out.append("| line items | " + " | ".join(score.mode.replace("_", " ") for score in scores) + " |")
    out.append("|---|" + "---|" * len(scores))
    out.append("| precision | " + " | ".join(f"{score.line_precision():.0%}" for score in scores) + " |")
    out.append("| recall | " + " | ".join(f"{score.line_recall():.0%}" for score in scores) + " |")
    out.append("")
    for score in scores:
        misses = [(document.file, name, pair) for document in score.documents for name, pair in document.misses.items()]
        errors = [(document.file, document.error) for document in score.documents if document.error]
        out.append(f"Misses ({score.mode.replace('_', ' ')}): {len(misses)}" + (f", errors: {len(errors)}" if errors else ""))
        for file, name, (wanted, got) in misses:
            out.append(f"- {file}: {name} expected {wanted!r}, got {got!r}")
        out.append("")
    return "\n".join(out)


# --- the run over a whole corpus ------------------------------------------------------

KEY_FIELDS = ("number", "date", "vendor_name", "customer_name", "po_reference", "order_reference", "currency", "net", "tax", "total")


@dataclass
class CorpusRow:
    """The outcome of extracting one corpus document, without expected values."""

    file: str
    manifest_type: str
    doc_type: str = "-"
    pages: int = 0
    method: str = "-"
    fields_found: int = 0
    lines: int = 0
    flagged: int = 0
    xml: str = "-"
    seconds: float = 0.0
    outcome: str = "extracted"


def run_corpus(folder: Path, *, born_digital_only: bool = True) -> list[CorpusRow]:
    """Extract every document listed in `folder`/manifest.csv (born-digital PDFs by default)."""
    import csv

    from docmatch.extractors import extract_file

    with (folder / "manifest.csv").open(encoding="utf-8") as handle:
        entries = [entry for entry in csv.DictReader(handle) if not born_digital_only or entry["born_digital"] == "yes"]
    rows: list[CorpusRow] = []
    for entry in entries:
        row = CorpusRow(entry["file"], entry["doc_type"])
        started = time.perf_counter()
        try:
            extraction = extract_file(folder / entry["file"])
        except DocmatchError as exc:
            row.outcome = f"not read: {exc.message}"
        else:
            _describe_extraction(row, extraction)
        row.seconds = time.perf_counter() - started
        rows.append(row)
    return rows


def _describe_extraction(row: CorpusRow, extraction: Extraction) -> None:
    row.doc_type, row.pages, row.method = extraction.doc_type, extraction.pages, extraction.method
    row.fields_found = sum(1 for name in KEY_FIELDS if extraction.value(name) is not None)
    row.lines = len(extraction.lines)
    row.flagged = sum(1 for value in extraction.fields.values() if value.flags) + sum(1 for line in extraction.lines if line.flags)
    if extraction.embedded is not None:
        disagreeing = sum(1 for value in extraction.fields.values() if "xml_disagrees" in value.flags)
        row.xml = f"{disagreeing} disagree" if disagreeing else "agrees"
    if not row.fields_found and not row.lines:
        row.outcome = "nothing read: " + ("; ".join(extraction.warnings[:1]) or "no labels found")


def render_corpus(rows: list[CorpusRow]) -> str:
    """Return the corpus run as a Markdown table with a summary line."""
    out = [
        "| file | manifest type | read as | pages | key fields (of 10) | lines | flagged | embedded XML | ms | outcome |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        out.append(
            f"| {row.file} | {row.manifest_type} | {row.doc_type} | {row.pages} | {row.fields_found} | {row.lines} | {row.flagged} | {row.xml} | {row.seconds * 1000:.0f} | {row.outcome} |"
        )
    extracted = sum(1 for row in rows if row.outcome == "extracted")
    typed = sum(1 for row in rows if row.doc_type == row.manifest_type)
    out.append("")
    out.append(f"{len(rows)} documents: {extracted} extracted, {len(rows) - extracted} not; type as in the manifest for {typed}; median {_median_ms(rows):.0f} ms per document.")
    return "\n".join(out)


def _median_ms(rows: list[CorpusRow]) -> float:
    times = sorted(row.seconds * 1000 for row in rows)
    return times[len(times) // 2] if times else 0.0
