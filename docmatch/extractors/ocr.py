"""OCR of scanned pages and images with Tesseract, as positioned words."""

from __future__ import annotations

from pathlib import Path

from docmatch.extractors.words import PageWords
from docmatch.models import BBox
from docmatch.settings import Settings


def ocr_pdf_page(path: str | Path, page_number: int, *, settings: Settings, crop: BBox | None = None) -> PageWords:
    """Render page `page_number` (1-based) of the PDF and OCR it; `crop` limits it to a box in points."""
    # TODO: placeholder until the OCR path lands.
    raise NotImplementedError("OCR is not implemented yet")


def ocr_image_file(path: str | Path, *, settings: Settings) -> list[PageWords]:
    """OCR every frame of a PNG, JPEG or TIFF image."""
    # TODO: placeholder until the OCR path lands.
    raise NotImplementedError("OCR is not implemented yet")
