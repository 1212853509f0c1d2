"""The evidence view of demo cases in Debian's Chromium, over the PostgreSQL store."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from docmatch.web.links import evidence_url
from docmatch.web.store_repository import StoreRepository

pytestmark = [pytest.mark.browser, pytest.mark.services]


def _record(store, filename: str):  # type: ignore[no-untyped-def]
    return next(record for record in StoreRepository(store).all() if record.document.filename == filename)


def _word_fraction(pdf: str, text: str) -> tuple[float, float, float, float]:
    with pdfplumber.open(pdf) as document:
        first = document.pages[0]
        for word in first.extract_words():
            if word["text"] == text:
                return (word["x0"] / first.width, word["top"] / first.height, word["x1"] / first.width, word["bottom"] / first.height)
    raise AssertionError(f"{text!r} is not on page 1")


def test_demo_number_box_sits_over_its_word(demo_store_server, page, artifacts) -> None:  # type: ignore[no-untyped-def]
    base_url, settings, store = demo_store_server
    record = _record(store, "invoice-greenline-uom-en.pdf")
    number = str(record.extraction.value("number"))

    page.goto(evidence_url(record.sha256, settings))
    page.wait_for_function("document.querySelector('#page-1 img').complete")
    box = page.locator('#page-1 .box[data-target="field-number"]').bounding_box()
    frame = page.locator("#page-1").bounding_box()
    shown = ((box["x"] - frame["x"]) / frame["width"], (box["y"] - frame["y"]) / frame["height"])
    expected = _word_fraction(record.document.path, number)

    assert abs(shown[0] - expected[0]) < 0.01
    assert abs(shown[1] - expected[1]) < 0.01
    page.screenshot(path=str(artifacts / "demo-evidence-view.png"), full_page=True)


def test_demo_differing_unit_shows_its_rule(demo_store_server, page) -> None:  # type: ignore[no-untyped-def]
    base_url, settings, store = demo_store_server
    record = _record(store, "invoice-greenline-uom-en.pdf")
    page.goto(evidence_url(record.sha256, settings))

    page.locator("#line-1 td.differs").first.hover()

    assert page.locator("#tooltip").is_visible()
    assert "lines.unit" in page.locator("#tooltip").inner_text()


def test_demo_next_key_reaches_the_finding_line(demo_store_server, page) -> None:  # type: ignore[no-untyped-def]
    base_url, settings, store = demo_store_server
    record = _record(store, "invoice-greenline-uom-en.pdf")
    page.goto(evidence_url(record.sha256, settings))

    focused = []
    for _ in range(page.locator(".panel .attention").count()):
        page.keyboard.press("n")
        focused.append(page.evaluate("document.activeElement.id"))

    assert "line-1" in focused


def test_invoice_and_delivery_note_line_up(demo_store_server, page) -> None:  # type: ignore[no-untyped-def]
    base_url, settings, store = demo_store_server
    record = _record(store, "invoice-hansa-partial-clean-de.pdf")
    page.goto(evidence_url(record.sha256, settings))

    related = page.locator("#line-1 .related").all_inner_texts()

    assert any(text.startswith("delivery_note:") for text in related)
