"""Time docmatch's scan path per page against the plain `tesseract` command, and its memory.

Usage:
    .venv/bin/python bench/ocr_pipeline.py [--runs 5] [--variant 150dpi-2deg] [--memory-pages 200] [--skip-memory] [--skip-speed]

For each scan (a one-page A4 invoice with 15 line items, scanned with the generator's
"300dpi" and "150dpi-2deg" variants, as an image-only PDF and as a PNG), the same run
times, in alternation:

- pipeline: `extract_file` on the file (triage, rendering, preparation, OCR, field and
  line extraction) plus the layoutparser grouping of the OCR words;
- tesseract: `tesseract <png> - --psm 6 -l <languages>` on the PNG of the same scan,
  with the languages docmatch uses and OMP_THREAD_LIMIT=1.

It prints the median wall and CPU seconds of each and their ratios; CPU time (this
process plus its child processes, Tesseract included) is the steadier figure on a
shared machine. The memory part scans one page,
repeats it `--memory-pages` times in an image-only PDF, extracts that PDF in a child
process and prints the child's peak resident set size.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

os.environ["OMP_THREAD_LIMIT"] = "1"


def build_invoice(path: Path) -> Path:
    """Write a one-page invoice with a 15-line table, in the style of a wholesale supplier."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    rng = random.Random(11)
    width, height = A4
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(20 * mm, height - 25 * mm, "Lakeside Catering Supplies Ltd")
    pdf.setFont("Helvetica", 9)
    pdf.drawString(20 * mm, height - 31 * mm, "4 Mill Lane, Bristol BS1 4DJ, United Kingdom  VAT GB123456789")
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawRightString(width - 20 * mm, height - 25 * mm, "INVOICE")
    pdf.setFont("Helvetica", 9)
    for row, text in enumerate(("Invoice No: LC-2024-01377", "Invoice Date: 02/04/2024", "Your order: P00412", "Due Date: 02/05/2024")):
        pdf.drawRightString(width - 20 * mm, height - (33 + 4.5 * row) * mm, text)
    columns = (20, 34, 120, 140, 165, 190)
    pdf.setFont("Helvetica-Bold", 9)
    for x, title in zip(columns, ("Code", "Description", "Qty", "Unit price", "", "Amount"), strict=True):
        pdf.drawString(x * mm, height - 70 * mm, title) if x < 150 else pdf.drawRightString(x * mm, height - 70 * mm, title)
    pdf.setFont("Helvetica", 9)
    net = 0.0
    for index in range(15):
        y = height - (77 + 6 * index) * mm
        quantity = rng.choice((1, 2, 4, 6, 10, 12, 24))
        price = round(rng.uniform(1.5, 80.0), 2)
        amount = round(quantity * price, 2)
        net += amount
        pdf.drawString(20 * mm, y, f"LC-{rng.randint(10000, 99999)}")
        pdf.drawString(34 * mm, y, f"Catering item {index + 1}, pack of {rng.choice((6, 12, 24))}")
        pdf.drawRightString(128 * mm, y, str(quantity))
        pdf.drawRightString(165 * mm, y, f"{price:.2f}")
        pdf.drawRightString(190 * mm, y, f"{amount:,.2f}")
    tax = round(net * 0.2, 2)
    for row, (label, value) in enumerate((("Net", net), ("VAT 20%", tax), ("Total (GBP)", net + tax))):
        pdf.drawString(140 * mm, height - (175 + 5 * row) * mm, label)
        pdf.drawRightString(190 * mm, height - (175 + 5 * row) * mm, f"{value:,.2f}")
    pdf.showPage()
    pdf.save()
    return path


def time_call(call) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Return (wall seconds, CPU seconds of this process and its child processes) of `call()`."""
    def cpu() -> float:
        own = resource.getrusage(resource.RUSAGE_SELF)
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime

    started, started_cpu = time.perf_counter(), cpu()
    call()
    return time.perf_counter() - started, cpu() - started_cpu


def pipeline(path: Path, words) -> None:  # type: ignore[no-untyped-def]
    """Run `extract_file` on `path`, then the layoutparser grouping of the page's OCR words.

    `extract_file` keeps no words, so the grouping runs on words read once beforehand;
    it costs the same whichever run produced them.
    """
    from docmatch.extractors import extract_file
    from docmatch.extractors.layout import page_layout, table_grid
    from docmatch.settings import get_settings

    extract_file(path, settings=get_settings())
    table_grid(list(page_layout(words).lines))


def ocr_words(path: Path):  # type: ignore[no-untyped-def]
    from docmatch.extractors.ocr import ocr_image_file, ocr_pdf_page
    from docmatch.settings import get_settings

    if path.suffix == ".pdf":
        return ocr_pdf_page(path, 1, settings=get_settings())
    return ocr_image_file(path, settings=get_settings())[0]


def tesseract_cli(image: Path, languages: str, psm: int) -> None:
    subprocess.run(["tesseract", str(image), "-", "--psm", str(psm), "-l", languages], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, "OMP_THREAD_LIMIT": "1"})


def bench_speed(folder: Path, runs: int, variants: tuple[str, ...] = ("300dpi", "150dpi-2deg")) -> list[tuple[str, float, float, float, float]]:
    from docmatch.eval.scans import VARIANTS, scan_pdf
    from docmatch.extractors.ocr import DEFAULT_TUNING
    from docmatch.settings import get_settings

    source = build_invoice(folder / "invoice.pdf")
    languages = get_settings().ocr_languages
    rows: list[tuple[str, float, float, float, float]] = []
    print("| scan | pipeline CPU s | tesseract CPU s | CPU ratio | pipeline wall s | tesseract wall s | wall ratio |")
    print("|---|---|---|---|---|---|---|")
    for name in variants:
        variant = VARIANTS[name]
        scanned_pdf = scan_pdf(source, variant, folder / f"{name}.pdf", seed=2)
        png = scan_pdf(source, variant, folder / f"{name}.png", seed=2, output="png")
        for label, target in ((f"{name} image-only PDF", scanned_pdf), (f"{name} PNG", png)):
            ours, theirs = [], []
            words = ocr_words(target)  # also the warm-up: imports, caches
            for _ in range(runs):
                ours.append(time_call(lambda: pipeline(target, words)))
                theirs.append(time_call(lambda: tesseract_cli(png, languages, DEFAULT_TUNING.psm)))
            wall = (statistics.median(run[0] for run in ours), statistics.median(run[0] for run in theirs))
            cpu = (statistics.median(run[1] for run in ours), statistics.median(run[1] for run in theirs))
            rows.append((label, *wall, *cpu))
            print(
                f"| {label} | {cpu[0]:.2f} | {cpu[1]:.2f} | {cpu[0] / cpu[1]:.2f} | {wall[0]:.2f} | {wall[1]:.2f} | {wall[0] / wall[1]:.2f} |",
                flush=True,
            )
    return rows


def bench_memory(folder: Path, pages: int) -> tuple[int, float]:
    """Extract a `pages`-page image-only PDF in a child process; return (peak RSS in MB, seconds)."""
    import pikepdf

    from docmatch.eval.scans import VARIANTS, scan_pdf

    one_page = scan_pdf(build_invoice(folder / "memory-invoice.pdf"), VARIANTS["300dpi"], folder / "memory-one.pdf", seed=4)
    many = folder / "memory-many.pdf"
    with pikepdf.Pdf.open(one_page) as source, pikepdf.Pdf.new() as target:
        for _ in range(pages):
            target.pages.append(source.pages[0])
        target.save(many)
    code = (
        "import resource, sys\n"
        "from docmatch.extractors import extract_file\n"
        f"extraction = extract_file({str(many)!r})\n"
        "print(extraction.pages, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    started = time.perf_counter()
    output = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=REPO, env={**os.environ, "OMP_THREAD_LIMIT": "1"}).stdout.split()
    seconds = time.perf_counter() - started
    page_count, peak_kb = int(output[-2]), int(output[-1])
    # Tesseract runs in its own processes; their peak is reported separately.
    children_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"{page_count} pages in {seconds:.0f} s; peak RSS of the Python process {peak_kb / 1024:.0f} MB (largest child process so far {children_kb / 1024:.0f} MB)")
    return peak_kb // 1024, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per file (medians are reported)")
    parser.add_argument("--memory-pages", type=int, default=200, help="pages of the PDF for the memory measurement")
    parser.add_argument("--skip-memory", action="store_true", help="skip the memory measurement")
    parser.add_argument("--skip-speed", action="store_true", help="skip the timing against the tesseract command")
    parser.add_argument("--variant", action="append", choices=("300dpi", "150dpi-2deg"), help="scan variant to time (repeatable); both when omitted")
    options = parser.parse_args()

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}")
    print(subprocess.run(["tesseract", "--version"], capture_output=True, text=True).stdout.splitlines()[0])
    with tempfile.TemporaryDirectory(prefix="docmatch-bench-") as scratch:
        folder = Path(scratch)
        if not options.skip_speed:
            bench_speed(folder, options.runs, tuple(options.variant or ("300dpi", "150dpi-2deg")))
        if not options.skip_memory:
            bench_memory(folder, options.memory_pages)


if __name__ == "__main__":
    main()
