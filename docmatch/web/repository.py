"""Case repositories: the sources the web interface reads cases from.

The pages only read. `CaseRecord` gathers what one document produced (the document,
its extraction, its match and its case) with the facts the dashboard groups by.
`MemoryRepository` serves records handed to it, for tests and single runs;
`StoreRepository` reads docmatch's database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from docmatch.models import Case, Document, Extraction, MatchResult


@dataclass
class CaseRecord:
    document: Document
    extraction: Extraction
    match: MatchResult
    case: Case
    received_at: datetime
    channel: str = "cli"
    partner: str | None = None
    # The document's pipeline state (received, extracting, ..., reported, failed).
    state: str = "reported"
    # Set when a reviewer closed the ticket: when, and the resolution tag they chose.
    closed_at: datetime | None = None
    outcome: str | None = None
    reopened: bool = False

    @property
    def sha256(self) -> str:
        return self.document.sha256


class CaseRepository(Protocol):
    def get(self, document_sha256: str) -> CaseRecord | None:
        """Return the record of one document, or None when it is unknown."""
        ...

    def all(self) -> list[CaseRecord]:
        """Return every record, newest first."""
        ...


class MemoryRepository:
    """A repository over records held in memory."""

    def __init__(self, records: list[CaseRecord] | None = None) -> None:
        self._records = {record.sha256: record for record in records or []}

    def add(self, record: CaseRecord) -> None:
        self._records[record.sha256] = record

    def get(self, document_sha256: str) -> CaseRecord | None:
        return self._records.get(document_sha256)

    def all(self) -> list[CaseRecord]:
        return sorted(self._records.values(), key=lambda record: record.received_at, reverse=True)
