"""PDFium is entered by one thread at a time.

Two evidence-view page images rendered at once crashed a CI run with a segmentation
fault inside pypdfium2, and made sound files fail to open as "Data format error".
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from docmatch.pdfium import open_pdf

REPO = Path(__file__).resolve().parents[2]
DEMO_PDF = REPO / "fixtures" / "demo" / "documents" / "invoice-hansa-clean-de.pdf"

# Every path into PDFium the product has, from six threads at once. Run in a child
# process, so that a crash fails this test instead of ending the test run.
PARALLEL_RENDERS = """
import sys, tempfile, threading
from pathlib import Path

import pdfplumber

from docmatch.extractors.imaging import find_page_scan, render_pdf_page
from docmatch.extractors.triage import decide
from docmatch.web.pages import page_sizes, render_page_png

files = [Path(name) for name in sys.argv[1:]]
failures = []


def work(worker):
    try:
        for round_number in range(2):
            for path in files:
                with tempfile.TemporaryDirectory() as cache:
                    page_sizes(path, fallback_dpi=300)
                    render_page_png(path, 1, cache_dir=Path(cache), document_sha256=f"{worker}-{round_number}")
                render_pdf_page(path, 1, dpi=100, grey=worker % 2 == 0)
                find_page_scan(path, 1)
                with pdfplumber.open(path) as pdf:
                    decide(pdf.pages[0])
    except Exception as exc:
        failures.append(repr(exc))


threads = [threading.Thread(target=work, args=(worker,)) for worker in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("failures:", failures)
sys.exit(1 if failures else 0)
"""


def test_open_pdf_second_thread_waits() -> None:
    opened = threading.Event()
    release = threading.Event()
    order: list[str] = []

    def first() -> None:
        with open_pdf(DEMO_PDF):
            order.append("first opened")
            opened.set()
            release.wait(timeout=10)
            order.append("first closing")

    def second() -> None:
        opened.wait(timeout=10)
        with open_pdf(DEMO_PDF):
            order.append("second opened")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    opened.wait(timeout=10)
    threads[1].join(timeout=0.3)
    release.set()
    for thread in threads:
        thread.join(timeout=10)

    assert order == ["first opened", "first closing", "second opened"]


def test_open_pdf_nested_in_one_thread() -> None:
    with open_pdf(DEMO_PDF) as outer, open_pdf(DEMO_PDF) as inner:
        assert len(outer) == len(inner) == 1


@pytest.mark.slow
def test_six_rendering_threads_do_not_crash() -> None:
    files = sorted((REPO / "fixtures" / "demo" / "documents").glob("*.pdf"))[:5]

    child = subprocess.run(
        [sys.executable, "-c", PARALLEL_RENDERS, *map(str, files)], cwd=REPO, capture_output=True, text=True, timeout=240
    )

    assert child.returncode == 0, f"exit code {child.returncode}\n{child.stdout}\n{child.stderr[-3000:]}"
