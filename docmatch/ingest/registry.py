"""Identify a file by its SHA-256, keep its bytes, and describe it as a `Document`.

Stored copies live at `<data_dir>/documents/<sha256[:2]>/<sha256>`: the same content is
written once however many times and by whichever channel it arrives.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from docmatch.models import Arrival, Document

_SIGNATURES: list[tuple[bytes, str]] = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
]

# Media types the extractors read; everything else is quarantined at intake.
DOCUMENT_MEDIA_TYPES = frozenset({"application/pdf", "image/png", "image/jpeg", "image/tiff"})


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


def content_hash(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def stored_path(data_dir: str | Path, sha256: str) -> Path:
    """Return where the stored copy of the content with this hash lives."""
    return Path(data_dir) / "documents" / sha256[:2] / sha256


def store_bytes(content: bytes, *, data_dir: str | Path) -> Path:
    """Write `content` under its hash, once; return the stored path.

    The bytes go to a temporary file in the same folder first and are renamed into
    place, so a reader never sees half a file and two writers of the same content do
    not disturb each other.
    """
    target = stored_path(data_dir, content_hash(content))
    if target.is_file() and target.stat().st_size == len(content):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return target


def register_bytes(content: bytes, *, filename: str, channel: str = "cli", source: str | None = None, path: str | None = None) -> Document:
    """Describe `content` as a document with one arrival."""
    return Document(
        sha256=content_hash(content),
        filename=filename,
        media_type=sniff_media_type(content[:1024]),
        size=len(content),
        path=path,
        arrivals=[Arrival(channel=channel, source=source or filename, filename=filename)],  # type: ignore[arg-type]
    )


def register_file(path: str | Path, *, channel: str = "cli") -> Document:
    """Describe the file at `path` as a document with one arrival.

    The path is made absolute, because the stored document is shown later by
    `docmatch serve`, which may run in another folder.
    """
    path = Path(path).resolve()
    content = path.read_bytes()
    return register_bytes(content, filename=path.name, channel=channel, source=str(path), path=str(path))
