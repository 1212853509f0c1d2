"""Side-by-side text blocks whose lines do not line up, laid out apart before OCR.

Tesseract's page segmentation mode 6 reads the page as one block of text. Two blocks
can sit side by side with their lines at different heights, as the address window and
the reference block of a DIN 5008 letter do. Mode 6 then runs each line of one block
into the nearest line of the other and misreads both. On a clean 300 dpi scan,
"60314 Frankfurt am Main" lost its postcode and "Germany" came out as "SERATA". Mode 3 keeps
the blocks apart but drops columns of short numbers, so the page keeps mode 6 and the
blocks are moved apart instead. The right-hand block is cut out and pasted below the
page, one Tesseract call reads the whole composed image, and `ComposedPage.move_back`
returns each word box to where the word is printed.

Blocks whose lines share their heights, as the cells of a table row do, read well in
one block and stay where they are. The search runs on a copy about 800 pixels wide,
where it takes a few milliseconds.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field

import numpy as np

from docmatch.extractors.imaging import analysis_copy, ink_mask

log = logging.getLogger(__name__)

# Ink blobs of letter size: at least this many pixels tall on the analysis copy, and
# at most 1/LETTER_MAX_PAGE_SHARE of its height. Fewer than MIN_LETTERS means no text.
LETTER_MIN_PX = 3
LETTER_MAX_PAGE_SHARE = 20
MIN_LETTERS = 20
# Letters closer than this many letter heights join into one text segment (a word or
# a run of words on one line).
JOIN_GAP_LETTERS = 1.0
# Segments this many letter heights tall or less are text lines; taller ones (logos,
# boxes) still count as ink that a gutter must not cross. Lower ones are specks.
MAX_LINE_LETTERS = 3.0
MIN_SEGMENT_LETTERS = 0.6
# Two segments side by side are on one line when their vertical overlap is at least
# this share of the lower segment's height. A smaller overlap misleads Tesseract.
ALIGNED_OVERLAP = 0.7
# The blank gutter between the blocks is at least this many letter heights wide.
MIN_GUTTER_LETTERS = 4.0
# A band of interleaved lines taller than this share of the page is left alone: it is
# no header block, and moving it would cost a large share of the page's OCR time.
MAX_BAND_PAGE_SHARE = 0.4
# Blank rows between the page and each pasted block, in letter heights, so that
# Tesseract never joins a pasted line with the page's last line.
PASTE_GAP_LETTERS = 3.0


@dataclass(frozen=True, slots=True)
class MovedBlock:
    """A block cut out of the page and pasted below it; boxes in full-size pixels."""

    left: int
    top: int
    right: int
    bottom: int
    # First row of the pasted copy in the composed image; its columns are unchanged.
    pasted_top: int

    @property
    def height(self) -> int:
        return self.bottom - self.top


@dataclass(slots=True)
class ComposedPage:
    """The image that goes to Tesseract, and the blocks moved to compose it."""

    gray: np.ndarray
    page_height: int
    moved: list[MovedBlock] = field(default_factory=list)

    def move_back(self, left: int, top: int, height: int) -> tuple[int, int]:
        """Return the (left, top) where a word read at (left, top) of the composed image is printed.

        A word whose vertical centre lies in a pasted block moves by that block's offset;
        all others keep their place.
        """
        centre = top + height / 2
        for block in self.moved:
            if block.pasted_top <= centre < block.pasted_top + block.height:
                return left, top - block.pasted_top + block.top
        return left, top


def separate_misaligned_blocks(gray: np.ndarray) -> ComposedPage:
    """Return `gray` with each right-hand block of a misaligned pair moved below the page.

    Returns the page unchanged (and without a copy) when it has no such pair.
    """
    blocks, letter_px = find_misaligned_blocks(gray)
    if not blocks:
        return ComposedPage(gray=gray, page_height=gray.shape[0])
    composed = compose(gray, blocks, gap=max(int(PASTE_GAP_LETTERS * letter_px), 8))
    log.debug("moved %d side-by-side block(s) below the page before OCR", len(blocks))
    return composed


def find_misaligned_blocks(gray: np.ndarray) -> tuple[list[tuple[int, int, int, int]], float]:
    """Return the (left, top, right, bottom) pixel boxes of the blocks to read apart, and the letter height in pixels.

    Each box reaches from the middle of a blank gutter to the right edge of the page,
    over the rows where the lines on either side of the gutter interleave.
    """
    small = analysis_copy(gray)
    ink = ink_mask(small)
    letter = _letter_height(ink)
    if letter is None:
        return [], 0.0
    segments = _segments(ink, letter)
    lines = segments[(segments[:, 3] - segments[:, 1]) <= MAX_LINE_LETTERS * letter]

    scale = gray.shape[1] / small.shape[1]
    bands: list[tuple[int, int, float, float]] = []
    for first, second in _misaligned_pairs(lines, min_gap=MIN_GUTTER_LETTERS * letter):
        band = _grow_band(segments, lines[first], lines[second], min_gutter=MIN_GUTTER_LETTERS * letter)
        if band is None or band[1] - band[0] > MAX_BAND_PAGE_SHARE * small.shape[0]:
            continue
        # Every pair of one band grows the same band, so the first one found is kept.
        if not any(band[0] < other[1] and other[0] < band[1] for other in bands):
            bands.append(band)
    bands = _merge_bands(segments, sorted(bands), min_gutter=MIN_GUTTER_LETTERS * letter)
    boxes = [_full_size_box(_right_block(segments, band, letter=letter), scale=scale, shape=gray.shape) for band in bands]
    return boxes, letter * scale


def compose(gray: np.ndarray, boxes: list[tuple[int, int, int, int]], *, gap: int) -> ComposedPage:
    """Cut each box out of `gray` (leaving white) and paste it below the page, `gap` blank rows apart."""
    height, width = gray.shape
    extra = sum(bottom - top + gap for _, top, _, bottom in boxes)
    composed = np.full((height + gap + extra, width), 255, dtype=np.uint8)
    composed[:height] = gray

    moved: list[MovedBlock] = []
    row = height + gap
    for left, top, right, bottom in boxes:
        composed[row : row + bottom - top, left:right] = gray[top:bottom, left:right]
        composed[top:bottom, left:right] = 255
        moved.append(MovedBlock(left, top, right, bottom, pasted_top=row))
        row += bottom - top + gap
    return ComposedPage(gray=composed, page_height=height, moved=moved)


# --- measuring the page -----------------------------------------------------------------


def _letter_height(ink: np.ndarray) -> float | None:
    """Return the median height in pixels of the letter-sized ink blobs, or None without text."""
    import cv2

    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    letters = heights[(heights >= LETTER_MIN_PX) & (heights <= ink.shape[0] / LETTER_MAX_PAGE_SHARE) & (widths <= 3 * heights)]
    if letters.size < MIN_LETTERS:
        return None
    return float(np.median(letters))


def _segments(ink: np.ndarray, letter: float) -> np.ndarray:
    """Return the text segments as rows of (left, top, right, bottom) in analysis pixels.

    Letters are joined sideways only, so lines close above each other stay apart.
    """
    import cv2

    width = max(int(round(JOIN_GAP_LETTERS * letter)), 2)
    joined = cv2.dilate(ink, np.ones((1, width), np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    stats = stats[1:]
    # The dilation widened each segment by half the kernel on either side.
    half = width // 2
    left = stats[:, cv2.CC_STAT_LEFT] + half
    top = stats[:, cv2.CC_STAT_TOP]
    right = stats[:, cv2.CC_STAT_LEFT] + stats[:, cv2.CC_STAT_WIDTH] - half
    bottom = top + stats[:, cv2.CC_STAT_HEIGHT]
    boxes = np.stack([left, top, np.maximum(right, left + 1), bottom], axis=1).astype(np.int64)
    return boxes[(bottom - top) >= MIN_SEGMENT_LETTERS * letter]


def _misaligned_pairs(lines: np.ndarray, *, min_gap: float) -> list[tuple[int, int]]:
    """Return index pairs (left, right) of text segments side by side that share part of their rows only."""
    if len(lines) < 2:
        return []
    left, top, right, bottom = (lines[:, column] for column in range(4))
    heights = bottom - top
    overlap = np.minimum(bottom[:, None], bottom[None, :]) - np.maximum(top[:, None], top[None, :])
    lower = np.minimum(heights[:, None], heights[None, :])
    beside = (left[None, :] - right[:, None]) >= min_gap
    misaligned = beside & (overlap > 0) & (overlap < ALIGNED_OVERLAP * lower)
    pairs = np.argwhere(misaligned)
    # Top to bottom, so that the first pair of a band starts it.
    order = np.argsort(np.minimum(top[pairs[:, 0]], top[pairs[:, 1]]), kind="stable")
    return [(int(first), int(second)) for first, second in pairs[order]]


def _grow_band(segments: np.ndarray, first: np.ndarray, second: np.ndarray, *, min_gutter: float) -> tuple[int, int, float, float] | None:
    """Return (top, bottom, gutter left, gutter right) of the band of interleaved lines, or None.

    The band starts as the rows of the pair and takes in every segment that shares a
    row with it, until none is left. A segment that crosses the gutter narrows it to the
    wider side; when less than `min_gutter` remains, the blocks are not apart.
    """
    top, bottom = int(min(first[1], second[1])), int(max(first[3], second[3]))
    gutter_left, gutter_right = float(first[2]), float(second[0])
    changed = True
    while changed:
        changed = False
        inside = (segments[:, 3] > top) & (segments[:, 1] < bottom)
        for left, seg_top, right, seg_bottom in segments[inside]:
            if right > gutter_left and left < gutter_right:
                if left - gutter_left >= gutter_right - right:
                    gutter_right = float(left)
                else:
                    gutter_left = float(right)
                if gutter_right - gutter_left < min_gutter:
                    return None
                changed = True
            if seg_top < top or seg_bottom > bottom:
                top, bottom = min(top, int(seg_top)), max(bottom, int(seg_bottom))
                changed = True
    return top, bottom, gutter_left, gutter_right


def _merge_bands(segments: np.ndarray, bands: list[tuple[int, int, float, float]], *, min_gutter: float) -> list[tuple[int, int, float, float]]:
    """Join bands that follow each other and share a gutter, so that one block is pasted instead of several.

    Each pasted block costs blank rows around it, and the lines of a DIN address
    window interleave with the reference block in several bands of two lines each.
    """
    merged: list[tuple[int, int, float, float]] = []
    for band in bands:
        if merged:
            top, _, left, right = merged[-1]
            joined = (top, band[1], max(left, band[2]), min(right, band[3]))
            if joined[3] - joined[2] >= min_gutter and not _crossing(segments, joined):
                merged[-1] = joined
                continue
        merged.append(band)
    return merged


def _crossing(segments: np.ndarray, band: tuple[int, int, float, float]) -> bool:
    """Return whether a segment in the band's rows reaches into its gutter."""
    top, bottom, gutter_left, gutter_right = band
    rows = (segments[:, 3] > top) & (segments[:, 1] < bottom)
    return bool(np.any(rows & (segments[:, 2] > gutter_left) & (segments[:, 0] < gutter_right)))


def _right_block(segments: np.ndarray, band: tuple[int, int, float, float], *, letter: float) -> tuple[float, float, float]:
    """Return (left, top, bottom) in analysis pixels of the block right of the band's gutter.

    The block spans the rows of its own segments. It is widened by half the distance to
    the next segment above and below on its side, at most half a letter height, so that
    neither the block nor its neighbours lose an ascender or a descender.
    """
    top, bottom, gutter_left, gutter_right = band
    split = (gutter_left + gutter_right) / 2
    right_side = segments[segments[:, 2] > split]
    inside = right_side[(right_side[:, 3] > top) & (right_side[:, 1] < bottom)]
    block_top, block_bottom = float(inside[:, 1].min()), float(inside[:, 3].max())
    above = right_side[right_side[:, 3] <= block_top][:, 3]
    below = right_side[right_side[:, 1] >= block_bottom][:, 1]
    margin_above = min((block_top - above.max()) / 2 if above.size else letter, letter / 2)
    margin_below = min((below.min() - block_bottom) / 2 if below.size else letter, letter / 2)
    return split, block_top - margin_above, block_bottom + margin_below


def _full_size_box(block: tuple[float, float, float], *, scale: float, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """Return the block, reaching to the right edge of the page, in full-size pixels."""
    left, top, bottom = block
    height, width = shape[0], shape[1]
    return int(round(left * scale)), max(int(math.floor(top * scale)), 0), width, min(int(math.ceil(bottom * scale)), height)
