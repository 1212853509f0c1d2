"""Decide whether incoming bytes may enter the pipeline, and make file names safe.

Every channel calls `inspect()` before it stores anything. Bad input is not an error
of the channel: the file is set aside under `<data_dir>/quarantine/` with its reason,
the reason is recorded in the intake ledger and reported, and intake goes on with the
next file. The checks look at the bytes, never only at the name:

    empty file                  zero bytes
    path traversal              the name climbs out of its folder or is absolute
    executable                  Windows, Linux or macOS program, or a script, whatever
                                its name says
    archive                     zip, gzip, 7-Zip, RAR, bzip2, xz, tar, cabinet
    other content               anything that is not PDF, PNG, JPEG or TIFF; the reason
                                names what the content is (plain text, an HTML page ...)
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

from docmatch.extractors.sniff import describe_content
from docmatch.ingest.registry import DOCUMENT_MEDIA_TYPES, content_hash, sniff_media_type

_EXECUTABLES: list[tuple[bytes, str]] = [
    (b"MZ", "Windows program"),
    (b"\x7fELF", "Linux program"),
    (b"\xcf\xfa\xed\xfe", "macOS program"),
    (b"\xce\xfa\xed\xfe", "macOS program"),
    (b"\xca\xfe\xba\xbe", "macOS program"),
    (b"#!", "script"),
]

_ARCHIVES: list[tuple[bytes, str]] = [
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"PK\x07\x08", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"MSCF", "cabinet"),
]

# Longest file name kept, in characters and in UTF-8 bytes; most file systems allow 255 bytes.
MAX_NAME_CHARS = 150
MAX_NAME_BYTES = 240

_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\/]')


@dataclass(frozen=True)
class Verdict:
    """The outcome of `inspect`: accepted with a media type, or a reason to quarantine."""

    media_type: str
    reason: str | None = None

    @property
    def accepted(self) -> bool:
        return self.reason is None


def inspect(content: bytes, *, filename: str) -> Verdict:
    """Check `content` and its raw `filename` before intake; a verdict with a reason means quarantine."""
    media_type = sniff_media_type(content[:1024])
    if traversal_in_name(filename):
        return Verdict(media_type, "path traversal in file name")
    if not content:
        return Verdict(media_type, "empty file")
    if media_type in DOCUMENT_MEDIA_TYPES:
        return Verdict(media_type)
    named = f" named {Path(safe_filename(filename)).suffix}" if Path(filename).suffix else ""
    for signature, kind in _EXECUTABLES:
        if content.startswith(signature):
            return Verdict(media_type, f"executable content ({kind}){named}")
    for signature, kind in _ARCHIVES:
        if content.startswith(signature):
            return Verdict(media_type, f"archive ({kind}){named}")
    if len(content) > 262 and content[257:262] == b"ustar":
        return Verdict(media_type, f"archive (tar){named}")
    return Verdict(media_type, unreadable_content_reason(content, filename=filename))


# File name suffixes of the types docmatch reads. When a file with one of them contains
# something else, the reason points out the mismatch.
_DOCUMENT_SUFFIXES = frozenset({".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})


def unreadable_content_reason(content: bytes, *, filename: str) -> str:
    """Describe what `content` is instead of a document, such as "content is plain text, not a PDF ...".

    The reason is built from a fixed phrase of `describe_content` and never quotes the
    bytes, because it is stored in the ledger and shown in reports and tickets.
    """
    reason = f"content is {describe_content(content[:1024])}, not a PDF, PNG, JPEG or TIFF file"
    suffix = Path(safe_filename(filename)).suffix
    if suffix.lower() in _DOCUMENT_SUFFIXES:
        reason += f", although the name ends in {suffix}"
    return reason


def traversal_in_name(filename: str) -> bool:
    """Return whether the name is absolute or climbs out of its folder ('..')."""
    name = unicodedata.normalize("NFC", filename)
    for flavour in (PurePosixPath, PureWindowsPath):
        path = flavour(name)
        if path.is_absolute() or path.anchor or ".." in path.parts:
            return True
    return False


def safe_filename(filename: str, *, fallback: str = "document") -> str:
    """Return `filename` in NFC with separators and control characters replaced.

    The result never contains '/', '\\', control characters or characters Windows
    refuses, never starts with a dot, and keeps its extension when it is shortened.
    """
    name = unicodedata.normalize("NFC", filename or "")
    name = _UNSAFE_CHARS.sub("_", name).strip().strip(".")
    name = re.sub(r"\s+", " ", name)
    if not name:
        return fallback
    stem, dot, suffix = name.rpartition(".")
    if not dot or not 0 < len(suffix) <= 10:
        stem, suffix = name, ""
    ending = "." + suffix if suffix else ""
    while len(stem) + len(ending) > MAX_NAME_CHARS or len((stem + ending).encode("utf-8")) > MAX_NAME_BYTES:
        stem = stem[:-1]
    return (stem + ending) if stem else fallback + ending


def quarantine_path(data_dir: str | Path, content: bytes) -> Path | None:
    """Keep a copy of refused content for inspection; None for empty content."""
    if not content:
        return None
    target = Path(data_dir) / "quarantine" / content_hash(content)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        # Never executable, whatever it holds.
        target.chmod(0o600)
    return target
