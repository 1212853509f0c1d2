"""Tell a file's type from its first bytes; a name ending in `.pdf` proves nothing."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from docmatch.errors import UnreadableDocument

log = logging.getLogger(__name__)

FileKind = Literal["pdf", "png", "jpeg", "tiff"]

# PDF readers accept the header anywhere in the first kilobyte.
_PDF_HEADER_WINDOW = 1024
_SIGNATURES: tuple[tuple[bytes, FileKind], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
)


def sniff_file(path: Path) -> FileKind:
    """Return the kind of document at `path`.

    Raises:
        UnreadableDocument: the file is missing, empty or of a type docmatch does not read.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(_PDF_HEADER_WINDOW)
    except OSError as exc:
        raise UnreadableDocument(f"{path.name} cannot be opened: {exc.strerror or exc}") from None
    if not head:
        raise UnreadableDocument(f"{path.name} is empty (0 bytes)")
    if b"%PDF-" in head:
        return "pdf"
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return kind
    # The first bytes in hex say what the file is without putting its text into the log.
    log.warning("unsupported file type; its first 4 bytes are %s", head[:4].hex())
    raise UnreadableDocument(f"{path.name} is neither a PDF nor a PNG, JPEG or TIFF image (its content does not start like one)")
