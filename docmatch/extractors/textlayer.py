"""Read the words of a born-digital page from its text layer with pdfplumber.

Two text-layer faults are handled here, before any field is read:

- Text painted twice to fake bold reads as "440000,,0000". `Page.dedupe_chars` drops
  a character only when the same glyph in the same font and size lies within 1 pt of
  another, so "1100" and "AA-1100" stay as printed.
- Ligature glyphs come out as presentation forms (U+FB01 "fi") or, when the font has
  no Unicode mapping for them, as U+FFFD or pdfminer's "(cid:N)". NFKC turns the
  first kind into plain letters; the second kind is marked with U+FFFD so that the
  caller can re-read those lines by OCR and flag whatever stays unreadable.
"""

from __future__ import annotations

import re
import unicodedata

from docmatch.extractors.words import PageWords, Word

REPLACEMENT = "\ufffd"
# Same glyph, font and size within this many points counts as painted twice.
DEDUPE_TOLERANCE = 1.0
# pdfplumber joins characters closer than this many points into one word.
WORD_X_TOLERANCE = 2.0

_CID_RE = re.compile(r"\(cid:\d+\)")


def read_page_words(page, number: int) -> PageWords:  # type: ignore[no-untyped-def]
    """Return the words of pdfplumber `page` (1-based `number`) in points, top-left origin."""
    deduped = page.dedupe_chars(tolerance=DEDUPE_TOLERANCE, extra_attrs=("fontname", "size"))
    raw_words = deduped.extract_words(
        x_tolerance=WORD_X_TOLERANCE,
        keep_blank_chars=False,
        use_text_flow=False,
        extra_attrs=["fontname", "size"],
    )
    words = [
        Word(
            text=normalise_text(raw["text"]),
            x0=float(raw["x0"]),
            top=float(raw["top"]),
            x1=float(raw["x1"]),
            bottom=float(raw["bottom"]),
            confidence=1.0,
            font=raw.get("fontname"),
            size=float(raw["size"]) if raw.get("size") is not None else None,
        )
        for raw in raw_words
        if raw["text"].strip()
    ]
    return PageWords(number=number, width=float(page.width), height=float(page.height), words=words, source="text")


def normalise_text(text: str) -> str:
    """Apply NFKC (ligatures to letters, full-width digits to ASCII) and mark unmapped glyphs."""
    text = _CID_RE.sub(REPLACEMENT, text)
    return unicodedata.normalize("NFKC", text)


def has_replacement(text: str) -> bool:
    return REPLACEMENT in text
