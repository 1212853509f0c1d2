"""Document type from a title that OCR split with a stray one-character word."""

from __future__ import annotations

import pytest

from docmatch.extractors.classify import classify
from docmatch.extractors.rows import build_rows
from docmatch.extractors.words import PageWords, Word


def _line(y: float, texts: list[str], *, height: float = 9.0, x: float = 50.0) -> list[Word]:
    words = []
    for text in texts:
        width = 0.55 * height * len(text)
        words.append(Word(text, x, y, x + width, y + height, 0.95))
        x += width + 0.3 * height
    return words


def _credit_note_page(title: list[str], *, title_height: float) -> PageWords:
    # A scanned vendor credit note: letterhead, title, then label rows naming both types.
    words = [
        *_line(40, ["Hansa", "Trockenwaren", "GmbH"], height=12),
        *_line(60, title, height=title_height),
        *_line(110, ["Credit", "Note", "No."], x=50), *_line(110, ["Original", "Invoice"], x=400),
        *_line(124, ["CN-000492"], x=50), *_line(124, ["RE-S00492-B"], x=400),
        *_line(200, ["Item", "Description", "Qty", "Unit", "Price", "Amount"]),
        *_line(214, ["HT-44310", "Durum", "semolina", "10", "kg", "9", "EA", "11.40", "102.60"]),
        *_line(260, ["Net", "amount", "130.50"]),
    ]
    return PageWords(1, 595.0, 842.0, words, source="ocr")


@pytest.mark.parametrize("title", [["Credit", "Note"], ["Credit", "a", "Note"], ["Credit", "|", "Note"]])
def test_split_title_gives_credit_note(title: list[str]) -> None:
    rows = build_rows(_credit_note_page(title, title_height=18))

    classification = classify(rows)

    assert classification.doc_type == "credit_note"
    # The title outweighs the label rows, which name an invoice as well.
    assert classification.score > 5.0


def test_body_size_split_phrase_is_no_title() -> None:
    # "Credit a Note" in body text is words, not a title, so the label rows decide.
    rows = build_rows(_credit_note_page(["Credit", "a", "Note"], title_height=9))

    assert classify(rows).score < 5.0
