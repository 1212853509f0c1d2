"""Ink inside OCR word boxes: the rows it covers, and the blank columns that split a box.

Tesseract's word boxes are measured by its line model, not by the glyphs. A box can span
the whole text line, so `fit_boxes_to_ink` shrinks it to the rows its ink covers. A box
can also hold two words that Tesseract read as one because its recognizer emitted no
space between them, so `split_at_blank_columns` finds the pieces on either side of a
blank gap far wider than any gap between letters.

Every function here works on the prepared grey page in pixels and on boxes with `left`,
`top`, `width` and `height` attributes, as `ocr.PixelWord` has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from docmatch.extractors.ocr import PixelWord

# A row or column of a word box contains ink when at least this many of its pixels are
# no lighter than the page's Otsu threshold, because one such pixel may be noise.
INK_ROW_MIN_PIXELS = 2
# Blank rows inside a word, as under an i-dot or an umlaut, up to this share of its box height.
INK_ROW_MAX_GAP_SHARE = 0.15
# A blank run of columns at least this many ink heights wide splits a word box in two.
# On 9 pt renders at 300 dpi, the widest gap between the glyphs of one word in Helvetica,
# Times and Courier was 0.54 ink heights (Courier "1.1"), and "11" in Helvetica left 0.46.
# A quantity printed right-aligned 2 mm before a left-aligned unit leaves about 1.0.
FUSED_GAP_HEIGHTS = 0.75


def ink_threshold(gray: np.ndarray) -> float:
    """Return the grey level at or below which a pixel of `gray` counts as ink (Otsu)."""
    import cv2

    from docmatch.extractors.imaging import analysis_copy

    threshold, _ = cv2.threshold(analysis_copy(gray), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    return float(threshold)


def fit_boxes_to_ink(gray: np.ndarray, words: list[PixelWord], *, threshold: float | None = None) -> None:
    """Shrink each word box, in place, to the rows its ink covers.

    Tesseract 5's word boxes often span the whole text line rather than the word's
    glyphs: "Versender-Ref." printed in 8 pt came back 10 pt tall beside 6 pt values on
    its line, and then read as a title. Within the box, the longest run of rows with ink
    (bridging small gaps such as the one under an i-dot) is the word itself. Ink at the
    box's edge apart from that run belongs to the lines above and below.
    """
    if threshold is None:
        threshold = ink_threshold(gray)
    for word in words:
        box = gray[word.top : word.top + word.height, word.left : word.left + word.width]
        run = _ink_rows(box, threshold)
        if run is not None:
            first, last = run
            word.top, word.height = word.top + first, last - first + 1


def split_at_blank_columns(gray: np.ndarray, word: PixelWord, *, threshold: float, min_gap_heights: float = FUSED_GAP_HEIGHTS) -> list[tuple[int, int, int, int]]:
    """Return the (left, top, right, bottom) pixel boxes of the pieces of a word box that a wide blank gap splits.

    Returns an empty list when the box has no blank run of columns at least
    `min_gap_heights` times its ink height wide, the case of every well-read word.
    Columns are looked at only over the word's ink rows (see `fit_boxes_to_ink`), so
    that ink of the lines above and below never bridges a gap. Each piece is trimmed to
    its ink.
    """
    box = gray[word.top : word.top + word.height, word.left : word.left + word.width]
    rows = _ink_rows(box, threshold)
    if rows is None:
        return []
    first_row, last_row = rows
    ink_height = last_row - first_row + 1
    inked = np.flatnonzero(np.count_nonzero(box[first_row : last_row + 1] <= threshold, axis=0) >= INK_ROW_MIN_PIXELS)
    if inked.size == 0:
        return []

    # A blank run between two inked columns at least as wide as the limit starts a new piece.
    breaks = np.flatnonzero(np.diff(inked) - 1 >= min_gap_heights * ink_height)
    if breaks.size == 0:
        return []
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [inked.size - 1]))
    top, bottom = word.top + first_row, word.top + last_row + 1
    return [(word.left + int(inked[start]), top, word.left + int(inked[end]) + 1, bottom) for start, end in zip(starts, ends, strict=True)]


def _ink_rows(box: np.ndarray, threshold: float) -> tuple[int, int] | None:
    """Return the (first, last) rows of the box's longest run of inked rows, or None without ink."""
    if box.size == 0:
        return None
    inked = np.flatnonzero(np.count_nonzero(box <= threshold, axis=1) >= INK_ROW_MIN_PIXELS)
    return _longest_run(inked, max_gap=max(int(box.shape[0] * INK_ROW_MAX_GAP_SHARE), 1))


def _longest_run(rows: np.ndarray, *, max_gap: int) -> tuple[int, int] | None:
    """Return the (first, last) of the longest run in sorted `rows` whose steps are at most `max_gap` + 1."""
    if rows.size == 0:
        return None
    breaks = np.flatnonzero(np.diff(rows) > max_gap + 1)
    starts = np.concatenate(([0], breaks + 1))
    ends = np.concatenate((breaks, [rows.size - 1]))
    longest = int(np.argmax(rows[ends] - rows[starts]))
    return int(rows[starts[longest]]), int(rows[ends[longest]])
