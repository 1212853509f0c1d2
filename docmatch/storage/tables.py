"""The tables of docmatch's database, as SQLAlchemy 2 typed models.

A document is one file, identified by its SHA-256; every time it reaches docmatch adds
an arrival. It moves through the states of `DocumentState`, each change written to
`state_changes` with who made it and why. Each stage stores what it produced
(extraction, match, findings, case) as JSON in the public contracts of
`docmatch.models`, so a row reads back into the same pydantic record.

Code outside `docmatch.storage` reads and writes these tables through `Store`; the
models are public so that tests and reports can query them directly. Every change to a
model needs an Alembic revision (`docmatch db revision MESSAGE`).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docmatch.models import utcnow
from docmatch.storage.db import Base

# UTC timestamps with their zone; SQLite stores them as text and reads them back naive,
# which `Store` corrects.
Timestamp = DateTime(timezone=True)


class DocumentState(StrEnum):
    """Where a document is in the pipeline; `*ING` states mean a task holds it."""

    RECEIVED = "received"
    EXTRACTING = "extracting"
    EXTRACTED = "extracted"
    MATCHING = "matching"
    MATCHED = "matched"
    REPORTING = "reporting"
    REPORTED = "reported"
    FAILED = "failed"
    QUARANTINED = "quarantined"

    @property
    def is_final(self) -> bool:
        return self in (DocumentState.REPORTED, DocumentState.FAILED, DocumentState.QUARANTINED)


class CaseStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    CLEAN = "clean"


class AliasKind(StrEnum):
    VENDOR_CODE = "vendor_code"
    UNIT = "unit"


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(512))
    media_type: Mapped[str] = mapped_column(String(128), default="application/octet-stream")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    stored_path: Mapped[str | None] = mapped_column(Text)
    doc_type: Mapped[str | None] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default=DocumentState.RECEIVED.value, index=True)
    state_changed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    error_reason: Mapped[str | None] = mapped_column(Text)
    # The task execution working on the document, and until when its claim holds.
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    claim_expires_at: Mapped[datetime | None] = mapped_column(Timestamp)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)

    arrivals: Mapped[list[ArrivalRow]] = relationship(back_populates="document", order_by="ArrivalRow.id")


class ArrivalRow(Base):
    __tablename__ = "arrivals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    source_ref: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(String(512))
    received_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)

    document: Mapped[DocumentRow] = relationship(back_populates="arrivals")


class StateChangeRow(Base):
    """The audit log: one row per state transition, with who made it and why."""

    __tablename__ = "state_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class ExtractionRow(Base):
    __tablename__ = "extractions"
    # Duplicate checks look a document's number and date up among the earlier ones.
    __table_args__ = (
        Index("ix_extractions_doc_type_number_key", "doc_type", "number_key"),
        Index("ix_extractions_doc_type_issue_date", "doc_type", "issue_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    doc_type: Mapped[str] = mapped_column(String(32))
    method: Mapped[str] = mapped_column(String(16))
    contract: Mapped[dict[str, Any]] = mapped_column(JSON)
    # What duplicate checks compare, kept apart so that they need not read every contract.
    number: Mapped[str | None] = mapped_column(String(128))
    # The number as `code_key` folds it ("inv 0017" and "INV-0017" alike).
    number_key: Mapped[str | None] = mapped_column(String(128))
    partner_name: Mapped[str | None] = mapped_column(String(256))
    total: Mapped[float | None] = mapped_column(Float)
    issue_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class MatchRow(Base):
    __tablename__ = "matches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class FindingRow(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    match_id: Mapped[int | None] = mapped_column(ForeignKey("matches.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(48), index=True)
    severity: Mapped[str] = mapped_column(String(8))
    rule: Mapped[str] = mapped_column(String(128))
    line: Mapped[int | None] = mapped_column(Integer)
    finding: Mapped[dict[str, Any]] = mapped_column(JSON)


class CaseRow(Base):
    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_status", "status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.OPEN.value)
    opens_ticket: Mapped[bool] = mapped_column(Boolean, default=False)
    case: Mapped[dict[str, Any]] = mapped_column(JSON)
    explanation_record: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(Timestamp)
    close_reason: Mapped[str | None] = mapped_column(Text)


class TicketLinkRow(Base):
    """The Helpdesk ticket opened for a document: at most one per document."""

    __tablename__ = "ticket_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", ondelete="SET NULL"))
    ticket_id: Mapped[int] = mapped_column(Integer)
    model: Mapped[str] = mapped_column(String(64))
    helpdesk_variant: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class ReviewerOutcomeRow(Base):
    """A reviewer's decision on a ticket, synced from Odoo; `source_ref` makes a sync idempotent."""

    __tablename__ = "reviewer_outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ticket_link_id: Mapped[int] = mapped_column(ForeignKey("ticket_links.id", ondelete="CASCADE"), index=True)
    source_ref: Mapped[str] = mapped_column(String(200), unique=True)
    decision: Mapped[str] = mapped_column(String(48))
    reviewer: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decided_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class LearnedAliasRow(Base):
    """What a reviewer confirmed: a vendor's code or printed unit means this Odoo record."""

    __tablename__ = "learned_aliases"
    __table_args__ = (UniqueConstraint("kind", "commercial_partner_id", "printed_text", name="uq_learned_alias"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    commercial_partner_id: Mapped[int] = mapped_column(Integer)
    printed_text: Mapped[str] = mapped_column(String(256))
    target_model: Mapped[str] = mapped_column(String(64))
    target_id: Mapped[int] = mapped_column(Integer)
    confirmed_by: Mapped[str | None] = mapped_column(String(200))
    confirmed_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow)


class TaskRecordRow(Base):
    """The idempotency record of one stage of one document: a replay with its key does nothing."""

    __tablename__ = "task_records"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(128), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    started_at: Mapped[datetime | None] = mapped_column(Timestamp)
    done_at: Mapped[datetime | None] = mapped_column(Timestamp)


class WatermarkRow(Base):
    """Small named values the scheduler keeps between runs, such as the last Odoo change seen."""

    __tablename__ = "watermarks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(Timestamp, default=utcnow, onupdate=utcnow)
