"""The desk every channel hands its files to: check, keep, record, dispatch.

`Intake.receive(content, filename=..., channel=..., source=...)` is the only way a file
enters docmatch from a channel. In order:

1. `quarantine.inspect` looks at the bytes and the raw name; refused input is kept
   under `<data_dir>/quarantine/`, recorded with its reason, and reported;
2. the bytes are stored under their SHA-256 (`registry.store_bytes`);
3. `Store.add_arrival` records the arrival: a new hash creates the document, a known
   hash only adds the arrival;
4. a new document goes to the pipeline through the dispatcher.

So the same file from two channels, or from two mails, is one document with two
arrivals, and the pipeline processes it once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.orm import Session, sessionmaker

from docmatch.ingest import ledger
from docmatch.ingest.dispatch import Dispatcher
from docmatch.ingest.quarantine import inspect, quarantine_path, safe_filename
from docmatch.ingest.registry import content_hash, store_bytes
from docmatch.models import Arrival, Document
from docmatch.settings import Settings
from docmatch.storage.db import make_session_factory

log = logging.getLogger(__name__)

Outcome = Literal["new", "known", "quarantined"]


@dataclass(frozen=True)
class Received:
    """Outcome of one file handed to the intake."""

    outcome: Outcome
    filename: str
    sha256: str | None
    document_id: int | None = None
    reason: str | None = None


@dataclass
class IntakeReport:
    """Counts of one poll, for the command line and the logs; no names or addresses."""

    new: int = 0
    known: int = 0
    quarantined: int = 0
    skipped: int = 0
    refused: int = 0
    failed: int = 0
    waiting: int = 0

    def add(self, received: Received) -> None:
        setattr(self, received.outcome, getattr(self, received.outcome) + 1)

    def merge(self, other: IntakeReport) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> str:
        return ", ".join(f"{getattr(self, name)} {name}" for name in self.__dataclass_fields__)


class Intake:
    """Desk that receives files from every channel, with the store, the ledger sessions and the dispatcher."""

    def __init__(self, settings: Settings, store, *, dispatch: Dispatcher) -> None:  # type: ignore[no-untyped-def]
        self.settings = settings
        self.store = store
        self.dispatch = dispatch
        self.sessions: sessionmaker[Session] = make_session_factory(store.engine)

    def receive(self, content: bytes, *, filename: str, channel: str, source: str) -> Received:
        """Take one file from a channel; see the module docstring for the steps.

        Args:
            content: the file's bytes.
            filename: the name as the channel gave it (not yet made safe).
            channel: one of the `Arrival.channel` values.
            source: channel reference (account/folder/UID, remote path, record id);
                never an e-mail address.
        """
        name = safe_filename(filename)

        # Refuse what is not a document.
        verdict = inspect(content, filename=filename)
        if not verdict.accepted:
            return self.quarantine(content, filename=name, channel=channel, source=source, reason=verdict.reason or "refused")

        # Keep the bytes under their hash.
        path = store_bytes(content, data_dir=self.settings.data_dir)
        sha256 = content_hash(content)

        # Record the arrival; a known hash only gains the arrival.
        arrival = Arrival(channel=channel, source=source, filename=name)  # type: ignore[arg-type]
        document = Document(sha256=sha256, filename=name, media_type=verdict.media_type, size=len(content), path=str(path), arrivals=[arrival])
        stored = self.store.add_arrival(document, arrival)
        if not stored.created:
            log.info("known document %s arrived again by %s", sha256[:12], channel)
            return Received("known", name, sha256, stored.id)

        # Hand the new document to the pipeline.
        log.info("new document %s arrived by %s", sha256[:12], channel)
        self._dispatch(document, stored.id)
        return Received("new", name, sha256, stored.id)

    def _dispatch(self, document: Document, document_id: int) -> None:
        # The document is safely recorded in state `received` by now; a pipeline failure
        # must neither lose it nor stop the intake of the next file. Documents left in
        # `received` are picked up again by `docmatch process` or the scheduler.
        try:
            self.dispatch(document, document_id)
        except Exception as exc:  # the pipeline's own errors and any bug below it
            log.error("document %d was stored but not processed: %s: %s", document_id, type(exc).__name__, exc)

    def quarantine(self, content: bytes, *, filename: str, channel: str, source: str, reason: str) -> Received:
        """Set refused content aside with its reason; intake goes on."""
        sha256 = content_hash(content) if content else None
        kept = quarantine_path(self.settings.data_dir, content)
        with self.sessions() as session:
            ledger.record_quarantine(
                session, channel=channel, source=source, filename=filename, reason=reason, sha256=sha256, size=len(content), stored_path=str(kept) if kept else None
            )
        log.warning("file quarantined from %s: %s", channel, reason)
        return Received("quarantined", filename, sha256, reason=reason)
