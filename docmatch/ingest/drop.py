"""Drop folders: take a file only once it has stopped changing.

The SFTP drop and the local (or mounted) folder share this poller; each supplies a
`DropBackend` that lists, reads and moves files. A file is taken when the same size
and modification time were seen on `stable_polls` polls in a row and for at least
`stable_seconds`, so a file another client is still writing is left alone. The time
condition matters when two pollers overlap: their polls may come milliseconds apart. Names a writer uses while uploading (`.part`,
`.tmp`, `.filepart`, ...) and hidden names are never taken; the final name appears by
rename once the upload is complete.

Taken files move to `done/` under their folder; refused ones move to `error/` with a
`<name>.reason.txt` beside them. The ledger's conditional claim keeps two overlapping
polls from taking the same file.
"""

from __future__ import annotations

import logging
import posixpath
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol

from docmatch.ingest import ledger
from docmatch.ingest.config import FolderDrop, SftpDrop
from docmatch.ingest.intake import Intake, IntakeReport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DropEntry:
    name: str
    size: int
    mtime: float
    is_file: bool


class DropBackend(Protocol):
    """File operations on one drop; folder arguments are as written in the intake file."""

    def list(self, folder: str) -> list[DropEntry]:
        """Return the entries directly inside `folder`."""
        ...

    def read(self, folder: str, name: str) -> bytes: ...

    def move(self, folder: str, name: str, subfolder: str) -> str:
        """Move `name` into `folder/subfolder`, under a new name if taken; return the name used.

        MUST raise FileNotFoundError when `name` is gone (another poll moved it).
        """
        ...

    def write_text(self, folder: str, subfolder: str, name: str, text: str) -> None: ...


class DropPoller:
    """Polls every folder of one drop once per `poll()`."""

    def __init__(self, drop: SftpDrop | FolderDrop, backend: DropBackend, intake: Intake, *, channel: str) -> None:
        self.drop = drop
        self.backend = backend
        self.intake = intake
        self.channel = channel

    def poll(self) -> IntakeReport:
        report = IntakeReport()
        for folder in self.drop.folders:
            for entry in self.backend.list(str(folder)):
                if entry.is_file and not self.ignored(entry.name):
                    self.consider(str(folder), entry, report)
        log.info("%s drop %s: poll finished: %s", self.channel, self.drop.name, report.summary())
        return report

    def ignored(self, name: str) -> bool:
        """Hidden names and names of unfinished uploads are never taken."""
        lowered = name.lower()
        return name.startswith((".", "~$")) or lowered.endswith(".reason.txt") or lowered.endswith(tuple(self.drop.ignore_suffixes))

    def consider(self, folder: str, entry: DropEntry, report: IntakeReport) -> None:
        """Record this poll's view of a file and take it once it is stable."""
        path = posixpath.join(folder, entry.name)
        with self.intake.sessions() as session:
            record = ledger.observe_file(session, channel=self.channel, location=self.drop.name, path=path, size=entry.size, mtime=entry.mtime)
            if record.status in (ledger.DONE, ledger.REJECTED):
                # Taken already; an earlier move must have failed, or another poll is moving it.
                self.move_quietly(folder, entry.name, self.drop.done_folder if record.status == ledger.DONE else self.drop.error_folder)
                return
            if not self.settled(record):
                report.waiting += 1
                return
            if not ledger.claim_file(session, record):
                return
            self.take(session, record, folder, entry, report)

    def settled(self, record: ledger.RemoteFileRecord) -> bool:
        """Return whether the file kept its size and time for `stable_polls` polls and `stable_seconds`."""
        if record.status != ledger.WATCHING or record.stable_polls < self.drop.stable_polls:
            return False
        return record.unchanged_for(ledger.utcnow()) >= self.drop.stable_seconds

    def take(self, session, record, folder: str, entry: DropEntry, report: IntakeReport) -> None:  # type: ignore[no-untyped-def]
        source = f"{self.drop.name}:{posixpath.join(folder, entry.name)}"
        if entry.size > self.drop.max_file_bytes:
            reason = f"file of {entry.size} bytes exceeds the limit of {self.drop.max_file_bytes}"
            self.intake.quarantine(b"", filename=entry.name, channel=self.channel, source=source, reason=reason)
            self.reject(session, record, folder, entry.name, reason)
            report.quarantined += 1
            return
        try:
            content = self.backend.read(folder, entry.name)
        except FileNotFoundError:
            ledger.release_file(session, record)
            return
        if len(content) != entry.size:
            # It changed between the listing and the read: still being written.
            log.info("%s drop %s: a file changed while it was read; waiting for it to settle", self.channel, self.drop.name)
            ledger.release_file(session, record)
            report.waiting += 1
            return

        received = self.intake.receive(content, filename=entry.name, channel=self.channel, source=source)
        report.add(received)
        if received.outcome == "quarantined":
            self.reject(session, record, folder, entry.name, received.reason or "refused", sha256=received.sha256)
            return
        ledger.finish_file(session, record, status=ledger.DONE, sha256=received.sha256)
        self.move_quietly(folder, entry.name, self.drop.done_folder)

    def reject(self, session, record, folder: str, name: str, reason: str, *, sha256: str | None = None) -> None:  # type: ignore[no-untyped-def]
        ledger.finish_file(session, record, status=ledger.REJECTED, sha256=sha256, reason=reason)
        moved = self.move_quietly(folder, name, self.drop.error_folder)
        if moved:
            stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
            self.backend.write_text(folder, self.drop.error_folder, f"{moved}.reason.txt", f"{stamp}\n{reason}\n")

    def move_quietly(self, folder: str, name: str, subfolder: str) -> str | None:
        try:
            return self.backend.move(folder, name, subfolder)
        except FileNotFoundError:
            return None
        except OSError as exc:
            log.warning("%s drop %s: a file could not be moved to %s/: %s", self.channel, self.drop.name, subfolder, exc)
            return None


def free_name(name: str, taken: set[str]) -> str:
    """Return `name`, or `name` with a counter before the extension when it is taken."""
    if name not in taken:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    counter = 2
    while True:
        candidate = f"{stem}-{counter}.{suffix}" if dot else f"{stem}-{counter}"
        if candidate not in taken:
            return candidate
        counter += 1
