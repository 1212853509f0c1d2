"""Open a PDF and read the words of each page from its text layer or by OCR.

Whether a page needs OCR is the triage's decision. Text-layer lines that still hold
an unmapped glyph (U+FFFD) after normalisation are re-read by OCR, cropped to the
line; when OCR is not available the words stay as they are and every value read
from them carries the `replacement_character` flag.
"""

from __future__ import annotations

import logging
from pathlib import Path

from docmatch.errors import EncryptedDocument, UnreadableDocument
from docmatch.extractors.rows import build_rows
from docmatch.extractors.textlayer import has_replacement, read_page_words
from docmatch.extractors.words import PageWords, merge_boxes
from docmatch.settings import Settings

log = logging.getLogger(__name__)

# Margin in points around a line re-read by OCR.
REREAD_MARGIN = 2.0
# Above this many lines with unmapped glyphs the whole page is OCR'd once.
WHOLE_PAGE_LINES = 4


def read_pdf_pages(path: Path, *, settings: Settings) -> tuple[list[PageWords], list[str]]:
    """Return the words of every page and the warnings met on the way.

    Raises:
        EncryptedDocument: the PDF needs a user password.
        UnreadableDocument: the PDF is corrupt or has no page.
    """
    pdf = _open(path)
    pages: list[PageWords] = []
    warnings: list[str] = []
    with pdf:
        if not pdf.pages:
            raise UnreadableDocument(f"{path.name} has no pages")
        for number, page in enumerate(pdf.pages, start=1):
            try:
                pages.append(_read_page(path, page, number, settings=settings, warnings=warnings))
            except Exception as exc:  # noqa: BLE001 - one broken page must not lose the others
                log.warning("page %d could not be read: %s", number, type(exc).__name__)
                warnings.append(f"page {number} could not be read ({type(exc).__name__})")
                pages.append(PageWords(number=number, width=0.0, height=0.0, words=[], triage_reason="unreadable"))
            finally:
                page.close()
    if not any(page.words for page in pages) and len(warnings) >= len(pages):
        raise UnreadableDocument(f"no page of {path.name} could be read")
    return pages, warnings


def _open(path: Path):  # type: ignore[no-untyped-def]
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(path)
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on broken files
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise EncryptedDocument(f"{path.name} is protected by a password needed to open it") from None
        if isinstance(cause, PDFEncryptionError):
            raise EncryptedDocument(f"{path.name} uses an encryption docmatch cannot open ({cause})") from None
        log.warning("PDF could not be opened: %s: %s", type(cause).__name__, cause)
        raise UnreadableDocument(f"{path.name} is not a readable PDF ({_describe(cause)})") from None


def _describe(exc: Exception) -> str:
    text = str(exc).strip()
    if "No /Root object" in text or "EOF" in text or not text:
        return "the file is truncated or corrupt"
    return text[:120]


def _read_page(path: Path, page, number: int, *, settings: Settings, warnings: list[str]) -> PageWords:  # type: ignore[no-untyped-def]
    from docmatch.extractors import triage

    decision = triage.decide(page)
    if decision.needs_ocr:
        ocr_words = _ocr(path, number, settings=settings, warnings=warnings, reason=decision.reason)
        if ocr_words is not None:
            ocr_words.triage_reason = decision.reason
            return ocr_words
    words = read_page_words(page, number)
    words.triage_reason = decision.reason
    if any(has_replacement(word.text) for word in words.words):
        _reread_replaced_lines(path, words, settings=settings, warnings=warnings)
    return words


def _ocr(path: Path, number: int, *, settings: Settings, warnings: list[str], reason: str, crop=None) -> PageWords | None:  # type: ignore[no-untyped-def]
    from docmatch.extractors.ocr import ocr_pdf_page

    try:
        return ocr_pdf_page(path, number, settings=settings, crop=crop)
    except NotImplementedError:
        warnings.append(f"page {number} needs OCR ({reason}), which is not available; its text layer was used")
    except Exception as exc:  # noqa: BLE001 - OCR failure leaves the text layer in place
        log.warning("OCR of page %d failed: %s", number, type(exc).__name__)
        warnings.append(f"OCR of page {number} failed ({type(exc).__name__}); its text layer was used")
    return None


def _reread_replaced_lines(path: Path, page: PageWords, *, settings: Settings, warnings: list[str]) -> None:
    """Replace each line holding U+FFFD by its OCR reading, when OCR can read it.

    When many lines are affected, the whole page is read once instead: rendering the
    page costs more than reading a line, so line by line would render it many times.
    """
    damaged = [row for row in build_rows(page) if any(has_replacement(word.text) for word in row.words)]
    if len(damaged) > WHOLE_PAGE_LINES:
        _reread_whole_page(path, page, settings=settings, warnings=warnings)
        return
    for row in damaged:
        box = merge_boxes(row.words)
        assert box is not None
        crop = (max(0.0, box[0] - REREAD_MARGIN), max(0.0, box[1] - REREAD_MARGIN), box[2] + REREAD_MARGIN, box[3] + REREAD_MARGIN)
        reread = _ocr(path, page.number, settings=settings, warnings=warnings, reason="unmapped glyphs", crop=crop)
        if reread is None or not reread.words:
            continue
        row_ids = {id(word) for word in row.words}
        page.words = [word for word in page.words if id(word) not in row_ids] + reread.words
        log.info("page %d: a line with unmapped glyphs was re-read by OCR", page.number)
    if any(has_replacement(word.text) for word in page.words):
        warnings.append(f"page {page.number} has characters without a Unicode mapping; values holding them are flagged")



def _reread_whole_page(path: Path, page: PageWords, *, settings: Settings, warnings: list[str]) -> None:
    reread = _ocr(path, page.number, settings=settings, warnings=warnings, reason="many unmapped glyphs")
    if reread is None or not reread.words:
        warnings.append(f"page {page.number} has characters without a Unicode mapping; values holding them are flagged")
        return
    page.words, page.source = reread.words, "ocr"
    page.triage_reason = "many unmapped glyphs"
    log.info("page %d: text layer had many unmapped glyphs; the page was read by OCR", page.number)
