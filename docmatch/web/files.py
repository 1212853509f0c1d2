"""Find the file that contains a case's document, checked against the document's SHA-256.

A case names its document by content hash, and the file recorded for it may have been
moved, deleted or overwritten since. That happens to databases written before
`docmatch process` stored copies, whose rows record the user's own path. The web
interface therefore shows a file only while its content still has the document's hash,
so a page never draws one case's boxes over another document.
"""

from __future__ import annotations

import hashlib
import logging
import stat
import threading
from pathlib import Path

from docmatch.ingest.registry import stored_path
from docmatch.models import Document

log = logging.getLogger(__name__)

# Hashes remembered per file version; past this many the memory starts over.
MAX_REMEMBERED = 4096

# (path, inode, size, mtime, ctime) of one version of a file. Any write changes the
# ctime, which no user tool can set back, so a key never outlives the content it hashed.
_FileVersion = tuple[str, int, int, int, int]


class DocumentFiles:
    """Locates the file of a document: the stored copy in the data folder, else the recorded path."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._hashes: dict[_FileVersion, str] = {}
        self._lock = threading.Lock()

    def locate(self, document: Document) -> Path | None:
        """Return a file whose content has `document.sha256`, or None when there is none.

        A size of 0 on the document counts as unknown, because records built in memory
        leave it unset.
        """
        for candidate in self._candidates(document):
            if self._sha256_of(candidate, expected_size=document.size or None) == document.sha256:
                return candidate
        log.warning("document %s: no file with its content, neither the stored copy nor the recorded path", document.sha256[:12])
        return None

    def _candidates(self, document: Document) -> list[Path]:
        candidates = [stored_path(self.data_dir, document.sha256)]
        if document.path and Path(document.path) != candidates[0]:
            candidates.append(Path(document.path))
        return candidates

    def _sha256_of(self, path: Path, *, expected_size: int | None) -> str | None:
        """Return the SHA-256 of the regular file at `path`, or None when it is missing or unreadable."""
        try:
            status = path.stat()
        except OSError:
            return None
        if not stat.S_ISREG(status.st_mode) or (expected_size is not None and status.st_size != expected_size):
            return None
        version = (str(path), status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)
        with self._lock:
            known = self._hashes.get(version)
        if known is not None:
            return known
        try:
            with path.open("rb") as stream:
                digest = hashlib.file_digest(stream, "sha256").hexdigest()
        except OSError as exc:
            log.warning("cannot read a document file to check its hash: %s", exc.strerror or exc)
            return None
        with self._lock:
            if len(self._hashes) >= MAX_REMEMBERED:
                self._hashes.clear()
            self._hashes[version] = digest
        return digest


def missing_file_notice(document: Document) -> str:
    """Return the sentence shown in place of the pages of a document whose file is gone."""
    where = document.path or document.filename
    return f"The document file is no longer available at {where}; process it again (docmatch process FILE) to see its pages."
