"""Grouping words into layoutparser lines, blocks and table columns."""

from __future__ import annotations

from docmatch.extractors.layout import page_layout, table_grid
from docmatch.extractors.words import PageWords, Word


def _row(top: float, cells: list[tuple[float, str]], *, confidence: float = 0.9) -> list[Word]:
    words = []
    for x, text in cells:
        for offset, part in enumerate(text.split()):
            x0 = x + offset * 40
            words.append(Word(text=part, x0=x0, top=top, x1=x0 + 34, bottom=top + 9, confidence=confidence))
    return words


def _page() -> PageWords:
    words = (
        _row(50, [(50, "PACKING LIST")])
        + _row(100, [(50, "Part"), (230, "Description"), (480, "Qty")])
        + _row(120.5, [(50, "AB-100"), (230, "Angle bracket"), (480, "25")], confidence=0.7)
        + _row(141, [(50, "AB-10O"), (230, "Gasket"), (480, "8")])
    )
    return PageWords(number=1, width=595, height=842, words=words, source="ocr")


def test_words_group_into_lines_with_cells() -> None:
    layout = page_layout(_page())
    assert [line.text for line in layout.lines] == ["PACKING LIST", "Part | Description | Qty", "AB-100 | Angle bracket | 25", "AB-10O | Gasket | 8"]


def test_line_score_is_weakest_word() -> None:
    layout = page_layout(_page())
    assert layout.lines[2].score == 0.7


def test_close_lines_form_one_block() -> None:
    layout = page_layout(_page())
    assert len(layout.blocks) == 2
    assert layout.blocks[1].text.count("\n") == 2


def test_table_columns_line_up() -> None:
    layout = page_layout(_page())
    grid = table_grid(list(layout.lines))
    assert len(grid.rows) == 3
    assert len(grid.columns) == 3
    quantities = [row[-1] for row in grid.rows]
    assert {grid.column_of(cell) for cell in quantities} == {2}


def test_word_blocks_keep_confidence_and_box() -> None:
    layout = page_layout(_page())
    first = layout.words[0]
    assert first.text == "PACKING"
    assert first.coordinates == (50, 50, 84, 59)
    assert first.score == 0.9


def test_ocr_dash_joins_its_row() -> None:
    """GIVEN a sender line whose "·" OCR read as a 1 pt tall "-" half a point low THEN one row.

    The dash's own height allowed no offset, so it opened a row of its own, took the
    words after it along, and the sender line was no longer found.
    """
    from docmatch.extractors.rows import build_rows

    words = [
        Word("Greenline", 56, 128.6, 82, 134.6),
        Word("-", 124, 131.5, 125, 132.5),
        Word("Packaging", 84, 128.9, 111, 134.9),
        Word("Ltd", 114, 128.6, 121, 134.6),
        Word("Unit", 127, 128.6, 140, 134.6),
    ]
    rows = build_rows(PageWords(number=1, width=595, height=842, words=words, source="ocr"))
    assert [row.text for row in rows] == ["Greenline Packaging Ltd - Unit"]

