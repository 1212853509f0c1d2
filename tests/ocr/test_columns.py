"""Side-by-side blocks with interleaved lines: found on the page image, moved apart, moved back."""

from __future__ import annotations

import numpy as np
import pytest

from docmatch.extractors.columns import compose, find_misaligned_blocks, separate_misaligned_blocks

# A4 at 100 dpi: 827 x 1169 pixels, body text about 10 pixels tall.
PAGE = (1169, 827)
LETTER = 10


def _page() -> np.ndarray:
    return np.full(PAGE, 255, dtype=np.uint8)


def _line(gray: np.ndarray, top: int, left: int, words: int = 4) -> None:
    """Draw a line of `words` black word blocks made of letter-sized strokes."""
    x = left
    for _ in range(words):
        for _ in range(5):
            gray[top : top + LETTER, x : x + 4] = 0
            x += 7
        x += 8


def _address_and_references(gray: np.ndarray, *, offset: int) -> None:
    """Draw four address lines at x 80 and four reference lines at x 500, `offset` pixels lower."""
    for index in range(4):
        _line(gray, 200 + 18 * index, 80)
        _line(gray, 200 + offset + 18 * index, 500, words=2)


def test_interleaved_blocks_found() -> None:
    """GIVEN reference lines half a line below the address lines THEN the right block is moved."""
    gray = _page()
    _address_and_references(gray, offset=7)
    boxes, letter = find_misaligned_blocks(gray)
    assert len(boxes) == 1
    left, top, right, bottom = boxes[0]
    assert 230 < left < 500
    assert right == PAGE[1]
    assert top <= 207
    assert bottom >= 207 + 3 * 18 + LETTER
    assert letter == pytest.approx(LETTER, abs=1)


def test_aligned_columns_stay() -> None:
    """GIVEN table rows whose cells share their lines THEN nothing moves."""
    gray = _page()
    _address_and_references(gray, offset=0)
    assert find_misaligned_blocks(gray)[0] == []


def test_blocks_far_apart_vertically_stay() -> None:
    gray = _page()
    _line(gray, 200, 80)
    _line(gray, 260, 500)
    assert find_misaligned_blocks(gray)[0] == []


def test_narrow_gap_is_no_gutter() -> None:
    """GIVEN two misaligned words a letter apart THEN they are one line's words, not two blocks."""
    gray = _page()
    _line(gray, 200, 80, words=2)
    _line(gray, 205, 80 + 2 * 43 + LETTER, words=2)
    assert find_misaligned_blocks(gray)[0] == []


def test_blank_page_has_no_blocks() -> None:
    assert find_misaligned_blocks(_page())[0] == []


def test_page_without_blocks_is_not_copied() -> None:
    gray = _page()
    _line(gray, 200, 80)
    composed = separate_misaligned_blocks(gray)
    assert composed.gray is gray
    assert composed.moved == []


def test_compose_moves_block_below_page() -> None:
    gray = _page()
    gray[100:110, 600:640] = 0
    composed = compose(gray, [(500, 95, 827, 115)], gap=30)
    assert composed.gray.shape == (PAGE[0] + 30 + 20 + 30, PAGE[1])
    assert composed.page_height == PAGE[0]
    assert composed.gray[100:110, 600:640].min() == 255
    pasted_top = composed.moved[0].pasted_top
    assert pasted_top == PAGE[0] + 30
    assert composed.gray[pasted_top + 5 : pasted_top + 15, 600:640].max() == 0


def test_move_back_restores_printed_place() -> None:
    gray = _page()
    composed = compose(gray, [(500, 95, 827, 115)], gap=30)
    pasted_top = composed.moved[0].pasted_top
    assert composed.move_back(600, pasted_top + 5, 10) == (600, 100)
    assert composed.move_back(80, 300, 10) == (80, 300)
