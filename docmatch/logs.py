"""Logging set-up with the document id on every record.

Code sets the current document once with `document_context(doc_id)`; a filter copies it
into each record as `record.document_id`, so messages never paste ids by hand. Never log
document text, e-mail addresses or secrets: log ids, counts and reasons.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterator

_document_id: contextvars.ContextVar[str] = contextvars.ContextVar("docmatch_document_id", default="-")

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [doc %(document_id)s] %(message)s"


class DocumentIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.document_id = _document_id.get()
        return True


@contextlib.contextmanager
def document_context(document_id: str) -> Iterator[None]:
    """Tag every log record written inside the block with `document_id` (a short hash)."""
    token = _document_id.set(document_id[:12])
    try:
        yield
    finally:
        _document_id.reset(token)


def current_document_id() -> str:
    return _document_id.get()


def configure_logging(level: str = "INFO") -> None:
    """Send docmatch's records to stderr with the document id; safe to call twice."""
    root = logging.getLogger("docmatch")
    root.setLevel(level)
    if any(getattr(handler, "_docmatch", False) for handler in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(DocumentIdFilter())
    handler._docmatch = True  # type: ignore[attr-defined]
    root.addHandler(handler)


# Libraries whose warnings describe flaws inside a PDF that docmatch reads past, such as a
# font without a bounding box. A user cannot act on them.
PDF_LIBRARY_LOGGERS = ("pdfminer", "pdfplumber")


def route_pdf_library_logs(level: str) -> None:
    """Send the PDF libraries' errors through docmatch's handler, and their warnings too at DEBUG.

    Without this, Python's last-resort handler prints their warnings as bare lines on
    stderr. Their own debug records stay off even at DEBUG, because pdfminer writes
    several per PDF object. Call after `configure_logging`.
    """
    handlers = [handler for handler in logging.getLogger("docmatch").handlers if getattr(handler, "_docmatch", False)]
    for name in PDF_LIBRARY_LOGGERS:
        library = logging.getLogger(name)
        library.setLevel(logging.WARNING if level == "DEBUG" else logging.ERROR)
        library.propagate = False
        library.handlers = handlers
