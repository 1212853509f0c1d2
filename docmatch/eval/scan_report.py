"""Score the extraction of scans against the born-digital extraction of the same documents.

For every born-digital PDF, each `ScanVariant` turns it into an image-only PDF; both go
through `extract_file`, and their header fields and line values are compared with the
document's expected values. The expected values come from a sidecar JSON file
(`<name>.expected.json` or `<name>.json`, with `fields` and `lines` as the demo
documents write them). Without one, the born-digital extraction is the reference, so
its own accuracy is then 100 % by definition.

Images of the corpus (rows of `manifest.csv` with born_digital=no) are extracted too.
Those with hand-written expected values (`<name>.extraction.json`) or a PDF twin of
the same name are scored; every image reports how many fields were found and their
mean confidence.

Field accuracy = correct values / expected non-empty values. Numbers match within
0.01; text matches after case folding and collapsing spaces.
"""

from __future__ import annotations

import csv
import json
import logging
import math
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docmatch.eval.scans import VARIANTS, ScanVariant, scan_pdf

log = logging.getLogger(__name__)

# Line values compared per line item, in this order.
LINE_KEYS = ("code", "quantity", "unit_price", "amount")


@dataclass(slots=True)
class Score:
    correct: int = 0
    expected: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.expected if self.expected else None


@dataclass(slots=True)
class DocumentResult:
    document: str
    variant: str
    score: Score
    seconds: float
    error: str | None = None


@dataclass(slots=True)
class ScanEvaluation:
    results: list[DocumentResult] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)

    def accuracy(self, variant: str) -> float | None:
        """Return the pooled field accuracy of one variant ("born-digital" for the PDFs)."""
        scores = [result.score for result in self.results if result.variant == variant]
        expected = sum(score.expected for score in scores)
        return sum(score.correct for score in scores) / expected if expected else None


# --- comparing values ---------------------------------------------------------------


def score_extraction(extraction: dict[str, Any], expected: dict[str, Any]) -> Score:
    """Compare an extraction contract (as `Extraction.contract()` returns) with expected values."""
    score = Score()
    for name, want in (expected.get("fields") or {}).items():
        if _empty(want):
            continue
        got = ((extraction.get("fields") or {}).get(name) or {}).get("value")
        _count(score, f"field {name}", got, want)

    got_lines = extraction.get("lines") or []
    for index, want_line in enumerate(expected.get("lines") or []):
        got_line = got_lines[index] if index < len(got_lines) else {}
        for key in LINE_KEYS:
            if not _empty(want_line.get(key)):
                _count(score, f"line {index + 1} {key}", got_line.get(key), want_line[key])
    return score


def same_value(got: Any, want: Any) -> bool:
    if _empty(got):
        return False
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        try:
            return math.isclose(float(got), float(want), abs_tol=0.01)
        except (TypeError, ValueError):
            return False
    return " ".join(str(got).split()).casefold() == " ".join(str(want).split()).casefold()


def _count(score: Score, label: str, got: Any, want: Any) -> None:
    score.expected += 1
    if same_value(got, want):
        score.correct += 1
    else:
        score.misses.append(label)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def expected_values(pdf: Path) -> dict[str, Any] | None:
    """Return the expected values stored beside `pdf`, or None."""
    for candidate in (pdf.with_suffix(".expected.json"), pdf.with_suffix(".json"), pdf.parent / f"{pdf.stem}.expected.json"):
        if candidate.is_file():
            return json.loads(candidate.read_text(encoding="utf-8"))
    return None


# --- running ------------------------------------------------------------------------


def evaluate_documents(pdfs: list[Path], variants: list[ScanVariant], workdir: Path, *, jobs: int = 1) -> ScanEvaluation:
    """Extract every PDF and each of its scans, and score them; `jobs` processes share the work."""
    workdir.mkdir(parents=True, exist_ok=True)
    tasks = [(pdf, None, workdir) for pdf in pdfs] + [(pdf, variant, workdir) for pdf in pdfs for variant in variants]
    evaluation = ScanEvaluation()
    references: dict[str, dict[str, Any]] = {}

    # Born-digital first: without an expected file, its extraction is the reference.
    for result, contract in _run(tasks[: len(pdfs)], jobs):
        evaluation.results.append(result)
        references[result.document] = contract

    scan_results = _run(tasks[len(pdfs) :], jobs)
    for (result, contract), (pdf, _, _) in zip(scan_results, tasks[len(pdfs) :], strict=True):
        expected = expected_values(pdf) or _as_expected(references.get(pdf.name, {}))
        if result.error is None:
            result.score = score_extraction(contract, expected)
        evaluation.results.append(result)
    return evaluation


def _run(tasks: list[tuple[Path, ScanVariant | None, Path]], jobs: int) -> list[tuple[DocumentResult, dict[str, Any]]]:
    if jobs <= 1:
        return [_extract_task(task) for task in tasks]
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_extract_task, tasks))


def _extract_task(task: tuple[Path, ScanVariant | None, Path]) -> tuple[DocumentResult, dict[str, Any]]:
    """Extract one document or one scan of it; errors become a result, not an exception."""
    from docmatch.extractors import extract_file

    pdf, variant, workdir = task
    name = variant.name if variant else "born-digital"
    started = time.perf_counter()
    try:
        target = pdf
        if variant is not None:
            target = scan_pdf(pdf, variant, workdir / f"{pdf.stem}.{variant.name}.pdf", seed=0)
        # The printed page alone: a scan carries no embedded e-invoice XML to lean on.
        contract = extract_file(target, use_embedded=False).contract()
    except Exception as exc:  # noqa: BLE001 - one failing document must not end the evaluation
        log.warning("%s (%s) failed: %s", pdf.name, name, type(exc).__name__)
        return DocumentResult(pdf.name, name, Score(), time.perf_counter() - started, error=f"{type(exc).__name__}: {exc}"), {}
    expected = expected_values(pdf) or _as_expected(contract)
    return DocumentResult(pdf.name, name, score_extraction(contract, expected), time.perf_counter() - started), contract


def _as_expected(contract: dict[str, Any]) -> dict[str, Any]:
    fields = {name: (value or {}).get("value") for name, value in (contract.get("fields") or {}).items()}
    return {"fields": fields, "lines": contract.get("lines") or []}


def evaluate_corpus_images(corpus: Path, *, expected_dir: Path | None = None) -> list[dict[str, Any]]:
    """Extract the corpus images (born_digital=no) and score them where expected values exist.

    Expected values are read from `<expected_dir>/<folder>/<name>.extraction.json`, the
    hand-written files of `docmatch eval extraction`. When the corpus has a PDF twin of
    the image, the twin is scored against the same values, or serves as the reference.
    """
    from docmatch.extractors import extract_file

    manifest = corpus / "manifest.csv"
    if not manifest.is_file():
        log.warning("no manifest.csv in the corpus folder; corpus images skipped")
        return []
    with manifest.open(encoding="utf-8") as handle:
        entries = [entry for entry in csv.DictReader(handle) if entry["born_digital"] == "no"]
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in entries:
        if entry["file"] in seen:
            continue
        seen.add(entry["file"])
        rows.append(_corpus_row(corpus, entry, extract_file, expected_dir=expected_dir))
    return rows


def _corpus_row(corpus: Path, entry: dict[str, str], extract_file, *, expected_dir: Path | None) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    image = corpus / entry["file"]
    row: dict[str, Any] = {"file": entry["file"], "language": entry["language"], "doc_type": entry["doc_type"]}
    started = time.perf_counter()
    try:
        extraction = extract_file(image).contract()
    except Exception as exc:  # noqa: BLE001 - report and continue with the next image
        row["error"] = f"{type(exc).__name__}: {exc}"
        return row
    row["seconds"] = round(time.perf_counter() - started, 2)
    row["fields_found"] = sum(1 for value in extraction["fields"].values() if not _empty(value.get("value")))
    row["lines_found"] = len(extraction["lines"])
    confidences = [value["confidence"] for value in extraction["fields"].values() if not _empty(value.get("value"))]
    row["mean_field_confidence"] = round(statistics.mean(confidences), 2) if confidences else None

    # Expected values: written by hand where they exist, else the PDF twin's extraction.
    expected = None
    if expected_dir is not None:
        written = expected_dir / Path(entry["file"]).with_suffix(".extraction.json")
        if written.is_file():
            expected = json.loads(written.read_text(encoding="utf-8"))
    twin = image.with_suffix(".pdf")
    if twin.is_file():
        reference = extract_file(twin, use_embedded=False).contract()
        if expected is not None:
            row["twin_accuracy"] = score_extraction(reference, expected).accuracy
        else:
            expected = _as_expected(reference)
            row["twin_accuracy"] = 1.0
    if expected is not None:
        score = score_extraction(extraction, expected)
        row["accuracy"] = score.accuracy
        row["misses"] = score.misses
    return row


# --- reporting ----------------------------------------------------------------------


def render_markdown(evaluation: ScanEvaluation, variants: list[ScanVariant]) -> str:
    """Return the report as Markdown tables: per variant, then the corpus images."""
    born = evaluation.accuracy("born-digital")
    documents = len({result.document for result in evaluation.results})
    lines = [
        f"Documents: {documents}. Field accuracy pooled over all expected values.",
        "",
        "| variant | description | field accuracy | share of born-digital | errors | s per document |",
        "|---|---|---|---|---|---|",
        f"| born-digital | text layer | {_percent(born)} | 100 % | {_errors(evaluation, 'born-digital')} | {_seconds(evaluation, 'born-digital')} |",
    ]
    for variant in variants:
        accuracy = evaluation.accuracy(variant.name)
        share = accuracy / born if accuracy is not None and born else None
        lines.append(f"| {variant.name} | {variant.description} | {_percent(accuracy)} | {_percent(share)} | {_errors(evaluation, variant.name)} | {_seconds(evaluation, variant.name)} |")
    if evaluation.images:
        lines += [
            "",
            "| corpus image | language | fields found | lines found | mean field confidence | image accuracy | PDF twin accuracy | s |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in evaluation.images:
            if "error" in row:
                lines.append(f"| {row['file']} | {row['language']} | error: {row['error'][:60]} | | | | | |")
                continue
            lines.append(
                f"| {row['file']} | {row['language']} | {row['fields_found']} | {row['lines_found']} | {row['mean_field_confidence']} "
                f"| {_percent(row.get('accuracy'))} | {_percent(row.get('twin_accuracy'))} | {row['seconds']} |"
            )
    return "\n".join(lines) + "\n"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def _errors(evaluation: ScanEvaluation, variant: str) -> int:
    return sum(1 for result in evaluation.results if result.variant == variant and result.error)


def _seconds(evaluation: ScanEvaluation, variant: str) -> str:
    times = [result.seconds for result in evaluation.results if result.variant == variant]
    return f"{statistics.median(times):.1f}" if times else "n/a"


def select_variants(names: list[str] | None) -> list[ScanVariant]:
    """Return the named variants (all when `names` is empty); unknown names raise ValueError."""
    if not names:
        return list(VARIANTS.values())
    unknown = [name for name in names if name not in VARIANTS]
    if unknown:
        raise ValueError(f"unknown scan variant(s) {', '.join(unknown)}; choose from {', '.join(VARIANTS)}")
    return [VARIANTS[name] for name in names]
