"""Positioned words: what both the text-layer path and the OCR path hand to field extraction.

pdfplumber reports words of a born-digital page; Tesseract reports words of a scan.
Both are turned into `PageWords` in PDF points with the origin at the top left, so the
same header-field and line-item extractors serve both paths, and every extracted value
can keep its page, bounding box and the confidence of the words that produced it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass(slots=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    # Tesseract's word confidence scaled to 0-1; words from a text layer get 1.0.
    confidence: float = 1.0
    font: str | None = None
    size: float | None = None

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)

    @property
    def x_center(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def y_center(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class PageWords:
    """The words of one page; `number` is 1-based, sizes are in PDF points."""

    number: int
    width: float
    height: float
    words: list[Word] = field(default_factory=list)
    source: Literal["text", "ocr"] = "text"
    # Why the page took its path, for the extraction warnings (e.g. "no text layer").
    triage_reason: str | None = None


def merge_boxes(words: list[Word]) -> tuple[float, float, float, float] | None:
    """Return the box that encloses `words`, or None for no words."""
    if not words:
        return None
    return (
        min(word.x0 for word in words),
        min(word.top for word in words),
        max(word.x1 for word in words),
        max(word.bottom for word in words),
    )


def value_confidence(words: list[Word]) -> float:
    """Return the confidence of a value read from `words`: the weakest word decides.

    A total whose digits came from one doubtful OCR word must not look trustworthy
    because its currency sign was read well, so the minimum is used, not the mean.
    """
    if not words:
        return 0.0
    return min(word.confidence for word in words)
