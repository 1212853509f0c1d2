"""Time born-digital extraction per page, stage by stage, against pdfplumber's own word extraction.

Usage:
    .venv/bin/python bench/extraction_stages.py [--rounds 3] [FOLDER ...]

For every PDF under the folders (default: fixtures/corpus and fixtures/demo/documents)
each round times, per page:

- words (baseline): `pdfplumber.open` and `Page.extract_words()` with default settings;
- text layer: docmatch's reading of the same page (`dedupe_chars`, NFKC, font and size);
- triage: `docmatch.extractors.triage.decide(page)`, which decides whether to OCR;
- fields and lines: everything after the words (rows, type, header fields, line table);
- embedded XML: listing the attachments and parsing a CII or UBL file when present;
- extract_file: the whole call, as the pipeline makes it.

It prints the median over rounds of the per-page means, and each stage's ratio to
the baseline.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

STAGES = ("words (baseline)", "text layer", "triage", "fields and lines", "embedded XML", "extract_file")


def time_document(path: Path) -> tuple[int, dict[str, float]]:
    """Return the page count of `path` and the seconds each stage took on it."""
    import pdfplumber

    from docmatch.extractors import triage
    from docmatch.extractors.api import extract_file, extract_pages
    from docmatch.extractors.einvoice import read_embedded_xml
    from docmatch.extractors.textlayer import read_page_words

    spent = dict.fromkeys(STAGES, 0.0)

    started = time.perf_counter()
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
    spent["words (baseline)"] = time.perf_counter() - started

    pages = []
    with pdfplumber.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            started = time.perf_counter()
            triage.decide(page)
            spent["triage"] += time.perf_counter() - started
            started = time.perf_counter()
            pages.append(read_page_words(page, number))
            spent["text layer"] += time.perf_counter() - started

    started = time.perf_counter()
    extract_pages(pages)
    spent["fields and lines"] = time.perf_counter() - started

    started = time.perf_counter()
    read_embedded_xml(path)
    spent["embedded XML"] = time.perf_counter() - started

    started = time.perf_counter()
    extract_file(path)
    spent["extract_file"] = time.perf_counter() - started
    return len(pages), spent


def run_round(paths: list[Path]) -> dict[str, float]:
    """Return the mean seconds per page of each stage over `paths`."""
    totals = dict.fromkeys(STAGES, 0.0)
    page_count = 0
    for path in paths:
        pages, spent = time_document(path)
        page_count += pages
        for stage, seconds in spent.items():
            totals[stage] += seconds
    return {stage: seconds / max(page_count, 1) for stage, seconds in totals.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[REPO / "fixtures" / "corpus", REPO / "fixtures" / "demo" / "documents"])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    paths = sorted(path for folder in args.folders for path in folder.rglob("*.pdf"))
    if not paths:
        sys.exit("no PDFs found")

    # The first call loads spaCy and the PDF libraries; it is not measured.
    from docmatch.extractors import extract_file

    extract_file(paths[0])

    rounds = [run_round(paths) for _ in range(args.rounds)]
    medians = {stage: statistics.median(result[stage] for result in rounds) for stage in STAGES}
    baseline = medians["words (baseline)"]
    print(f"{len(paths)} PDFs, {args.rounds} rounds; {platform.platform()}, Python {platform.python_version()}")
    print("| stage | per page (median of rounds) | ratio to pdfplumber words |")
    print("|---|---|---|")
    for stage in STAGES:
        print(f"| {stage} | {medians[stage] * 1000:.1f} ms | {medians[stage] / baseline:.2f} |")


if __name__ == "__main__":
    main()
