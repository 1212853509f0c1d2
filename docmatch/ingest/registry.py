"""Identify a file by its SHA-256 and describe it as a `Document`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from docmatch.models import Arrival, Document

_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
]


def sniff_media_type(head: bytes) -> str:
    """Return the media type from the file's first bytes, whatever its name says."""
    # PDF writers may put a few bytes of junk before the header; readers accept it
    # within the first kilobyte.
    if b"%PDF-" in head[:1024]:
        return "application/pdf"
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    return "application/octet-stream"


def register_bytes(content: bytes, *, filename: str, channel: str = "cli", source: str | None = None, path: str | None = None) -> Document:
    """Describe `content` as a document with one arrival."""
    return Document(
        sha256=hashlib.sha256(content).hexdigest(),
        filename=filename,
        media_type=sniff_media_type(content[:1024]),
        size=len(content),
        path=path,
        arrivals=[Arrival(channel=channel, source=source or filename, filename=filename)],  # type: ignore[arg-type]
    )


def register_file(path: str | Path, *, channel: str = "cli") -> Document:
    """Describe the file at `path` as a document with one arrival."""
    path = Path(path)
    content = path.read_bytes()
    return register_bytes(content, filename=path.name, channel=channel, source=str(path), path=str(path))
