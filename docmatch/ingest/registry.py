"""Identify a file by its SHA-256, keep its bytes, and describe it as a `Document`.

Stored copies live at `<data_dir>/documents/<sha256[:2]>/<sha256>`: the same content is
written once however many times and by whichever channel it arrives.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from docmatch.errors import StorageError
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


def register_file(path: str | Path, *, channel: str = "cli", data_dir: str | Path | None = None) -> Document:
    """Describe the file at `path` as a document with one arrival.

    With `data_dir`, the bytes are stored under their hash there (`store_bytes`) and the
    document's path is that copy, so moving, deleting or replacing the original later
    changes nothing docmatch shows. Without it, the path is the original file's, which
    suits a run that keeps nothing. The arrival's source is the original path, made
    absolute either way.

    Raises:
        OSError: the file cannot be read.
        StorageError: the copy cannot be written into `data_dir`.
    """
    path = Path(path).resolve()
    content = path.read_bytes()
    document_path = _keep_copy(content, data_dir=data_dir, name=path.name) if data_dir is not None else path
    return register_bytes(content, filename=path.name, channel=channel, source=str(path), path=str(document_path))


def _keep_copy(content: bytes, *, data_dir: str | Path, name: str) -> Path:
    try:
        return store_bytes(content, data_dir=data_dir)
    except OSError as exc:
        raise StorageError(
            f"cannot store a copy of {name} in {Path(data_dir) / 'documents'}: {exc.strerror or exc}",
            hint="check that DOCMATCH_DATA_DIR names a writable folder with free space",
        ) from exc
