"""Decide per page whether to trust the text layer or run OCR.

Counting characters is not enough. A scanned page may carry one stray invisible glyph,
which makes it look born-digital. A page whose text was converted to vector outlines
has neither fonts nor images, so it looks blank to a text extractor. So the decision
compares the text layer with what the page shows: the page is rendered small with
pypdfium2 (through pdfplumber), its ink is split into connected blobs, and the blobs of
letter size are counted inside and outside the boxes of the text layer's characters.

- Text blobs mostly covered by characters: the text layer is trusted.
- Many text blobs outside every character box: the visible text is not in the text
  layer (a scan, outlines, a pasted image of text), so the page is OCR'd.
- Neither characters nor text blobs: the page is blank and needs nothing.

Pages without a single character that hold an image or many vector paths go to OCR
without rendering: that is every image-only scan, and rendering one costs as much as
decoding the whole scan.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from docmatch.pdfium import open_pdf, render_array

log = logging.getLogger(__name__)

# Resolution of the rendering used to measure ink; letters of 6 pt are 4 pixels tall.
TRIAGE_DPI = 100
# Grey level under which a pixel counts as ink (0 black, 255 white).
INK_LEVEL = 160
# Letter-sized blobs, in pixels at TRIAGE_DPI: 3 px (about 2 pt) to 60 px (about 43 pt).
MIN_BLOB_HEIGHT_PX = 3
MAX_BLOB_HEIGHT_PX = 60
# Character boxes grow by this many pixels before blobs are tested against them.
CHAR_BOX_PADDING_PX = 2
# Fewer uncovered text blobs than this never justify OCR (a logo, a signature).
MIN_UNCOVERED_BLOBS = 25
# Share of text blobs outside the text layer from which the page is OCR'd.
MAX_UNCOVERED_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class TriageDecision:
    needs_ocr: bool
    reason: str
    # Characters in the text layer, and letter-sized ink blobs on the rendered page,
    # of which `uncovered_blobs` lie outside every character box.
    text_chars: int = 0
    text_blobs: int = 0
    uncovered_blobs: int = 0

    @property
    def uncovered_share(self) -> float:
        return self.uncovered_blobs / self.text_blobs if self.text_blobs else 0.0


def decide(page) -> TriageDecision:  # type: ignore[no-untyped-def]
    """Return whether the pdfplumber `page` must be OCR'd, and why."""
    chars = [char for char in page.chars if char.get("text", "").strip()]

    # A page without any character but with an image or many paths needs OCR whatever
    # its ink looks like, so it is not rendered (which would decode the whole scan).
    if not chars and (page.images or len(page.curves) >= MIN_UNCOVERED_BLOBS):
        decision = TriageDecision(needs_ocr=True, reason=_textless_reason(page))
        log.debug("page %s: %s", getattr(page, "page_number", "?"), decision.reason)
        return decision

    # Visible ink, as letter-sized blobs.
    gray = _render_gray(page)
    blobs = _text_blobs(gray)

    # Blobs that no character of the text layer explains.
    scale = gray.shape[1] / float(page.width) if page.width else TRIAGE_DPI / 72
    covered = _char_mask(chars, gray.shape, scale=scale, origin=(float(page.bbox[0]), float(page.bbox[1])))
    uncovered = int(sum(1 for x, y in blobs if not covered[y, x]))

    decision = _verdict(page, chars=len(chars), blobs=len(blobs), uncovered=uncovered)
    log.debug(
        "page %s: %s (%d chars, %d text blobs, %d outside the text layer)",
        getattr(page, "page_number", "?"),
        decision.reason,
        decision.text_chars,
        decision.text_blobs,
        decision.uncovered_blobs,
    )
    return decision


def _verdict(page, *, chars: int, blobs: int, uncovered: int) -> TriageDecision:  # type: ignore[no-untyped-def]
    counts = {"text_chars": chars, "text_blobs": blobs, "uncovered_blobs": uncovered}
    if chars == 0 and blobs < MIN_UNCOVERED_BLOBS:
        return TriageDecision(needs_ocr=False, reason="blank page", **counts)
    if chars == 0:
        return TriageDecision(needs_ocr=True, reason=_textless_reason(page), **counts)
    if uncovered >= MIN_UNCOVERED_BLOBS and uncovered > MAX_UNCOVERED_SHARE * blobs:
        share = round(100 * uncovered / blobs)
        return TriageDecision(needs_ocr=True, reason=f"text layer misses {share}% of the visible text", **counts)
    # TODO: a born-digital page with a pasted image of text below the share threshold keeps its text layer and loses that region; OCR of the uncovered regions alone (ocr_pdf_page's crop) would recover it.
    return TriageDecision(needs_ocr=False, reason="text layer", **counts)


def _textless_reason(page) -> str:  # type: ignore[no-untyped-def]
    if page.images:
        return "no text layer"
    return "text drawn as vector outlines"


def _render_gray(page) -> np.ndarray:  # type: ignore[no-untyped-def]
    """Render the pdfplumber `page` in grey at TRIAGE_DPI with pypdfium2, cut to the page's box.

    pdfplumber's own `to_image` renders in colour and copies the image twice. A grey
    bitmap read straight into numpy is enough to count ink blobs.
    """
    pdf = page.pdf
    source = pdf.path if getattr(pdf, "path", None) else pdf.stream
    if source is pdf.stream:
        pdf.stream.seek(0)
    with open_pdf(source, password=getattr(pdf, "password", None)) as document:
        gray = render_array(document[page.page_number - 1], scale=TRIAGE_DPI / 72, grayscale=True)
    if gray.ndim == 3:
        gray = gray[..., 0]

    # A cropped pdfplumber page covers only part of the rendered page.
    root = getattr(page, "root_page", page)
    if page.bbox != root.bbox:
        scale = TRIAGE_DPI / 72
        x0, top, x1, bottom = (value - offset for value, offset in zip(page.bbox, (root.bbox[0], root.bbox[1]) * 2))
        gray = gray[int(top * scale) : int(bottom * scale), int(x0 * scale) : int(x1 * scale)]
    return np.ascontiguousarray(gray)


def _text_blobs(gray: np.ndarray) -> list[tuple[int, int]]:
    """Return the centres (x, y) in pixels of the ink blobs of letter size."""
    import cv2

    ink = (gray < INK_LEVEL).astype(np.uint8)
    count, _, stats, centroids = cv2.connectedComponentsWithStats(ink, connectivity=8)
    heights = stats[1:, cv2.CC_STAT_HEIGHT]
    widths = stats[1:, cv2.CC_STAT_WIDTH]
    letter_sized = (heights >= MIN_BLOB_HEIGHT_PX) & (heights <= MAX_BLOB_HEIGHT_PX) & (widths <= 4 * heights)
    height, width = gray.shape
    return [
        (min(int(x), width - 1), min(int(y), height - 1))
        for (x, y), keep in zip(centroids[1:], letter_sized, strict=True)
        if keep
    ]


def _char_mask(chars: list[dict], shape: tuple[int, int], *, scale: float, origin: tuple[float, float]) -> np.ndarray:
    """Return a boolean mask of the rendered page that is True inside (padded) character boxes."""
    mask = np.zeros(shape, dtype=bool)
    height, width = shape
    pad = CHAR_BOX_PADDING_PX
    left_origin, top_origin = origin
    for char in chars:
        x0 = int((char["x0"] - left_origin) * scale) - pad
        x1 = int((char["x1"] - left_origin) * scale) + pad + 1
        top = int((char["top"] - top_origin) * scale) - pad
        bottom = int((char["bottom"] - top_origin) * scale) + pad + 1
        mask[max(top, 0) : min(bottom, height), max(x0, 0) : min(x1, width)] = True
    return mask
