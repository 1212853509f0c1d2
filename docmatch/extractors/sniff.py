"""Tell a file's type from its first bytes; a name ending in `.pdf` proves nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from docmatch.errors import UnreadableDocument

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
    # Only the kind is named: the message reaches logs and tickets, the content must not.
    raise UnreadableDocument(f"{path.name} is {describe_content(head)}, not a PDF, PNG, JPEG or TIFF file")


# Signatures of files that docmatch does not read, to name them in the error.
_OTHER_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (Word, Excel and OpenDocument files are ZIP archives too)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Microsoft Office file (.doc or .xls)"),
    (b"GIF8", "a GIF image"),
    (b"%!PS", "a PostScript file"),
    (b"{\\rtf", "an RTF document"),
)
# Shares of control characters and of undecodable bytes above which the start of a file
# is not text. Binary data has both in plenty; text in a legacy encoding has only the second.
_TEXT_MAX_CONTROL_SHARE = 0.05
_TEXT_MAX_UNDECODABLE_SHARE = 0.3


def describe_content(head: bytes) -> str:
    """Return in a few words what the file starting with `head` is, such as "plain text" or "an HTML page"."""
    for signature, kind in _OTHER_SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image"
    # Replacement characters stand for bytes that are not UTF-8, such as a cut-off last
    # character or the umlauts of a Windows-1252 file. A few of them still leave text.
    text = head.decode("utf-8", errors="replace")
    control = sum(1 for char in text if ord(char) < 32 and char not in "\t\r\n\f")
    undecodable = text.count("\ufffd")
    if control > len(text) * _TEXT_MAX_CONTROL_SHARE or undecodable > len(text) * _TEXT_MAX_UNDECODABLE_SHARE:
        return "binary data of an unknown type"
    start = text.lstrip("\ufeff \t\r\n").lower()
    if start.startswith(("<!doctype html", "<html")):
        return "an HTML page"
    if start.startswith("<?xml"):
        return "an XML file"
    return "plain text"
