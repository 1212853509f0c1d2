"""Two table cells a narrow gap apart that Tesseract reads as one word.

A quantity printed right-aligned 2 mm before a left-aligned unit came back from a
300 dpi scan as one word ("12 L" as "1251", "5 CS" as "DOS"), and the line lost both
values. The box of such a word has a blank gap far wider than any gap between letters,
and its pieces are read again apart.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from docmatch.eval.scans import VARIANTS, scan_pdf
from docmatch.extractors.inkboxes import ink_threshold, split_at_blank_columns
from docmatch.extractors.ocr import PixelWord, Reread, _split_fused_word, ocr_pdf_page, plan_rereads
from docmatch.extractors.words import PageWords, Word
from docmatch.settings import Settings
from tests.ocr.ocr_documents import QUANTITY_RIGHT_MM, UNIT_CELL_GAP_MM, UNIT_CELL_ROWS, build_pdf, draw_unit_columns

MM = 72 / 25.4


@pytest.fixture(scope="module")
def unit_columns(built: Path, ocr_settings: Settings) -> PageWords:
    folder = built / "unit-columns"
    folder.mkdir(exist_ok=True)
    pdf = build_pdf(folder / "unit-columns.pdf", draw_unit_columns)
    # On this scan, Tesseract 5.3 read the cells of the first and third rows as one word each.
    scan = scan_pdf(pdf, VARIANTS["300dpi"], folder / "unit-columns.scan.pdf", seed=3)
    return ocr_pdf_page(scan, 1, settings=ocr_settings)


def _cells(page: PageWords) -> list[list[str]]:
    """Return the words of each line item that sit in the quantity and unit columns, top to bottom."""
    left, right = (QUANTITY_RIGHT_MM - 12) * MM, (QUANTITY_RIGHT_MM + UNIT_CELL_GAP_MM + 12) * MM
    words = sorted((word for word in page.words if left <= word.x0 and word.x1 <= right), key=lambda word: word.top)
    rows: list[list[Word]] = []
    for word in words:
        # Rows are 6 mm (17 pt) apart, and the words of one row start within a few points.
        if rows and word.top - rows[-1][0].top < 5:
            rows[-1].append(word)
        else:
            rows.append([word])
    return [[word.text for word in sorted(row, key=lambda word: word.x0)] for row in rows[1:]]  # rows[0] is the header


@pytest.mark.ocr
def test_quantity_and_unit_read_apart(unit_columns: PageWords) -> None:
    cells = _cells(unit_columns)
    assert len(cells) == len(UNIT_CELL_ROWS)
    for (quantity, unit), read in zip(UNIT_CELL_ROWS, cells, strict=True):
        assert len(read) == 2, f"{quantity} {unit} read as {read}"
        assert read[0] == quantity
        # Units are compared without case, and the unit "CS" cut out alone reads as "cS".
        assert read[1].upper() == unit


def _page_with(*blocks: tuple[int, int, int, int]) -> np.ndarray:
    """Return a white page with black rectangles at (left, top, right, bottom)."""
    gray = np.full((200, 400), 255, dtype=np.uint8)
    gray[0:2, 0:2] = 0  # keeps Otsu's threshold between ink and paper
    for left, top, right, bottom in blocks:
        gray[top:bottom, left:right] = 0
    return gray


def test_box_with_wide_gap_splits() -> None:
    """GIVEN "12" and "L" 28 px tall, 28 px apart in one box THEN two pieces trimmed to their ink."""
    gray = _page_with((100, 50, 136, 78), (164, 50, 182, 78))
    word = PixelWord("i250", 95, 40, 95, 48, 0.47)
    assert split_at_blank_columns(gray, word, threshold=ink_threshold(gray)) == [(100, 50, 136, 78), (164, 50, 182, 78)]


def test_gap_between_letters_stays() -> None:
    """GIVEN two glyphs 12 px apart at 28 px tall, as "11" in Helvetica THEN no split."""
    gray = _page_with((100, 50, 108, 78), (120, 50, 128, 78))
    word = PixelWord("11", 95, 40, 40, 48, 0.9)
    assert split_at_blank_columns(gray, word, threshold=ink_threshold(gray)) == []


def test_next_line_does_not_bridge_gap() -> None:
    """GIVEN a line below whose ascenders reach into the box under the gap THEN still two pieces."""
    gray = _page_with((100, 50, 136, 78), (164, 50, 182, 78), (90, 88, 200, 100))
    word = PixelWord("i250", 95, 40, 95, 52, 0.47)
    assert len(split_at_blank_columns(gray, word, threshold=ink_threshold(gray))) == 2


def test_box_without_ink_does_not_split() -> None:
    gray = _page_with((300, 150, 320, 170))
    assert split_at_blank_columns(gray, PixelWord("5", 10, 10, 50, 30, 0.2), threshold=ink_threshold(gray)) == []
    assert split_at_blank_columns(gray, PixelWord("5", 10, 10, 0, 0, 0.2), threshold=ink_threshold(gray)) == []


def test_fused_words_are_planned_first() -> None:
    """GIVEN a confident fused word and a doubtful plain one THEN both, the fused one first with two pieces."""
    gray = _page_with((100, 50, 136, 78), (164, 50, 182, 78), (250, 50, 280, 78))
    fused = PixelWord("1251", 95, 40, 95, 48, 0.64)
    doubtful = PixelWord("607", 245, 40, 40, 48, 0.3)
    prose = PixelWord("carton", 300, 40, 60, 48, 0.2)
    plan = plan_rereads(gray, [doubtful, fused, prose])
    assert [reread.word.text for reread in plan] == ["1251", "607"]
    assert len(plan[0].pieces) == 2


def test_unread_piece_keeps_fused_word() -> None:
    """GIVEN a fused word whose second piece reads as nothing THEN no replacement."""
    word = PixelWord("1251", 95, 40, 95, 48, 0.47)
    pieces = [PixelWord("1251", 100, 50, 36, 28, 0.47), PixelWord("1251", 164, 50, 18, 28, 0.47)]
    readings = [[PixelWord("12", 0, 0, 36, 28, 0.96)], []]
    assert _split_fused_word(Reread(word, pieces), readings) == {}


def test_less_confident_piece_keeps_fused_word() -> None:
    word = PixelWord("1251", 95, 40, 95, 48, 0.64)
    pieces = [PixelWord("1251", 100, 50, 36, 28, 0.64), PixelWord("1251", 164, 50, 18, 28, 0.64)]
    readings = [[PixelWord("12", 0, 0, 36, 28, 0.96)], [PixelWord("LE", 0, 0, 18, 28, 0.38)]]
    assert _split_fused_word(Reread(word, pieces), readings) == {}


def test_confident_pieces_replace_fused_word() -> None:
    word = PixelWord("1251", 95, 40, 95, 48, 0.47, line=(1, 1, 15))
    pieces = [PixelWord("1251", 100, 50, 36, 28, 0.47, line=(1, 1, 15)), PixelWord("1251", 164, 50, 18, 28, 0.47, line=(1, 1, 15))]
    readings = [[PixelWord("12", 0, 0, 36, 28, 0.96)], [PixelWord("L", 0, 0, 18, 28, 0.92)]]
    replaced = _split_fused_word(Reread(word, pieces), readings)[id(word)]
    assert [(piece.text, piece.left, piece.width, piece.confidence) for piece in replaced] == [("12", 100, 36, 0.96), ("L", 164, 18, 0.92)]
    assert all(piece.line == (1, 1, 15) for piece in replaced)
