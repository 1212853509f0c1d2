"""Extraction: turn a document file into an `Extraction` (type, fields, lines).

Entry point: `extract_file(path)`. Born-digital pages are read from their text layer
with pdfplumber; scanned pages and images go through Tesseract. Both produce
`PageWords`, from which the same field and line extractors read.
"""

from docmatch.extractors.api import extract_file

__all__ = ["extract_file"]
