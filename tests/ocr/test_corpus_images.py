"""Real images from the shared corpus, read through `extract_file` and scored against values read by hand.

The images are screenshots of invoices whose PDF originals sit beside them; the values
expected from the PDFs are in `fixtures/corpus/` and hold for the images too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docmatch.eval.scan_report import score_extraction
from docmatch.extractors import extract_file
from docmatch.models import Extraction
from docmatch.settings import Settings

pytestmark = pytest.mark.ocr

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
EXPECTED = REPO / "fixtures" / "corpus"


def _image(relative: str) -> Path:
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"the shared corpus is not beside the repository ({path} missing)")
    return path


def _expected(relative: str) -> dict:
    return json.loads((EXPECTED / relative).with_suffix(".extraction.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def amazon(ocr_settings: Settings) -> Extraction:
    return extract_file(_image("invoice2data/AmazonWebServices.png"), settings=ocr_settings)


@pytest.fixture(scope="module")
def maystone(ocr_settings: Settings) -> Extraction:
    return extract_file(_image("invoice2data/SammyMaystoneLinesTest.png"), settings=ocr_settings)


def test_screenshot_invoice_number_and_total(amazon: Extraction) -> None:
    assert amazon.method == "ocr"
    assert amazon.value("number") == "42183017"
    assert amazon.value("total") == pytest.approx(4.11)
    assert amazon.value("currency") == "USD"


def test_screenshot_line_items(maystone: Extraction) -> None:
    rows = [(line.quantity, line.unit_price, line.amount) for line in maystone.lines]
    assert rows == [(12, 10.0, 120.0), (5, 1.5, 7.5)]
    assert maystone.value("total") == pytest.approx(127.5)


def test_screenshot_scores_against_hand_values(maystone: Extraction) -> None:
    """At least three quarters of the hand-read values come back from the image."""
    score = score_extraction(maystone.contract(), _expected("invoice2data/SammyMaystoneLinesTest.pdf"))
    assert score.expected == 16
    assert score.accuracy >= 0.75, score.misses


@pytest.fixture(scope="module")
def oyo(ocr_settings: Settings) -> Extraction:
    return extract_file(_image("invoice2data/oyo.png"), settings=ocr_settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [("date", "2017-12-31"), ("customer_number", "00030340067212"), ("total", 1939.0), ("remarks", "All Payment to be made in favor of")],
)
def test_grey_labels_beside_red_logo(oyo: Extraction, name: str, value: object) -> None:
    """GIVEN a hotel receipt with grey (170) labels and a red logo THEN the labelled values are read.

    The logo made the page count as coloured, and the fade meant for coloured ink then
    turned every grey label white, so no label and no value was found.
    """
    assert oyo.value(name) == value


@pytest.fixture(scope="module")
def flipkart(ocr_settings: Settings) -> Extraction:
    return extract_file(_image("invoice2data/FlipkartInvoice.png"), settings=ocr_settings)


def test_lcd_screenshot_date_total_and_line(flipkart: Extraction) -> None:
    """GIVEN a 96 dpi screenshot of LCD-rendered text with rupee signs in its column headers THEN its PDF's values come back.

    Its orange and blue stroke edges had been faded as coloured ink, and the date read
    "2218-10-18". "Price(₹)" read as "Price(%)" named no column, so no line was read.
    """
    assert flipkart.value("date") == "2015-10-15"
    assert flipkart.value("total") == pytest.approx(319.0)
    assert [(line.quantity, line.unit_price, line.amount) for line in flipkart.lines] == [(1, 278.61, 319.0)]
