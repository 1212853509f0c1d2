"""`Store`: the one API through which docmatch reads and writes its database.

Open it with `Store.from_settings(settings)` (or `Store(url)`) and call `migrate()`
once; every method runs in its own transaction and returns plain values or the
pydantic records of `docmatch.models`, never live ORM objects.

Intake
    `add_arrival(document, arrival=None) -> StoredDocument`: one document per content
    hash. A new hash creates the document in state `received`; a known hash only adds
    the arrival. `StoredDocument.created` tells which happened.

Pipeline and workers
    `load_document(id)`, `transition(...)`, `fail(...)`, `record_result(...)` for the
    in-process run; `begin_stage(...)` / `finish_stage(...)` claim a stage of a
    document and record its output, its state and its idempotency key in one
    transaction, so a redelivered task does nothing twice. `finish_stage(..., then=...)`
    also claims the next stage in that transaction, for a worker that runs it at once.

Helpdesk (for the Odoo engineer)
    `add_ticket_link(document_id, ticket, helpdesk_variant, case_id=None) -> bool`
        records the ticket opened for a document; False when one was already linked.
    `ticket_link(document_id) -> TicketLink | None`, `ticket_links() -> list[TicketLink]`.
    `add_reviewer_outcome(document_id, source_ref, decision, ...) -> bool` records a
        reviewer's decision once per `source_ref` (e.g. "helpdesk.ticket:42:stage:7").
    `reviewer_outcomes(document_id) -> list[ReviewerOutcome]`.
    `learn_alias(kind, commercial_partner_id, printed_text, target_model, target_id)`
        stores what a reviewer confirmed (kind "vendor_code" or "unit"); the last
        confirmation of a (kind, partner, text) wins.
    `learned_vendor_codes()`, `learned_units()` and `apply_learned_aliases(catalog)`
        give the aliases in the shapes `Catalog` expects.

Operations
    `counts_by_state()`, `counts_by_state_and_channel()`, `oldest_waiting()`,
    `stuck_documents(older_than)`, `open_cases()`, `close_case(...)`,
    `get_watermark(name)` / `set_watermark(name, value)`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session

from docmatch.errors import StorageError
from docmatch.matchers.normalize import code_key
from docmatch.models import Arrival, Case, Document, Extraction, Finding, MatchResult, OdooRef, utcnow
from docmatch.storage.db import make_engine, make_session_factory
from docmatch.storage.tables import (
    AliasKind,
    ArrivalRow,
    CaseRow,
    CaseStatus,
    DocumentRow,
    DocumentState,
    ExtractionRow,
    FindingRow,
    LearnedAliasRow,
    MatchRow,
    ReviewerOutcomeRow,
    StateChangeRow,
    TaskRecordRow,
    TicketLinkRow,
    WatermarkRow,
)

if TYPE_CHECKING:
    from docmatch.odoo.catalog import Catalog
    from docmatch.pipeline import DocumentResult
    from docmatch.rules import PriorDocument
    from docmatch.settings import Settings

log = logging.getLogger(__name__)

# States in which a document waits for its next task, and the state that task moves it to.
WAITING_STATES = (DocumentState.RECEIVED, DocumentState.EXTRACTED, DocumentState.MATCHED)
RUNNING_STATES = (DocumentState.EXTRACTING, DocumentState.MATCHING, DocumentState.REPORTING)


@dataclass(frozen=True, slots=True)
class StoredDocument:
    id: int
    sha256: str
    state: str
    created: bool


@dataclass(frozen=True, slots=True)
class TicketLink:
    document_id: int
    ticket: OdooRef
    helpdesk_variant: str
    case_id: int | None
    id: int


@dataclass(frozen=True, slots=True)
class ReviewerOutcome:
    source_ref: str
    decision: str
    reviewer: str | None
    note: str | None
    decided_at: datetime
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class OpenCase:
    case_id: int
    document_id: int
    case: Case


class Claim(StrEnum):
    """The decision of `begin_stage` for one task execution."""

    RUN = "run"  # the caller has claimed the document and must run the stage
    DONE = "done"  # the stage already finished under this key: do nothing
    BUSY = "busy"  # another execution has a live claim: try again later
    NOT_READY = "not_ready"  # the document is not in a state this stage starts from
    GONE = "gone"  # the document is missing, failed or quarantined
    EXHAUSTED = "exhausted"  # too many attempts: the document was marked failed


@dataclass(frozen=True, slots=True)
class StageRequest:
    """A stage to claim: its idempotency key, the states it starts from, and the claim's limits."""

    stage: str
    key: str
    starts_from: tuple[DocumentState, ...]
    running: DocumentState
    lease_seconds: float
    max_attempts: int


@dataclass(frozen=True, slots=True)
class StageClaim:
    outcome: Claim
    state: str | None = None
    retry_in: float = 0.0
    attempts: int = 0
    document: Document | None = None  # set when the outcome is RUN, without its arrivals


class DatabaseUnavailable(StorageError):
    """The database could not be reached or dropped the connection: retrying may help."""


class ClaimLost(StorageError):
    """Another execution took the document over; this one's results are dropped."""

    hint = "nothing to do: the execution that holds the claim records the result"


def _first_line(exc: Exception) -> str:
    # The driver's message without SQLAlchemy's SQL and background-link lines.
    origin = getattr(exc, "orig", None) or exc
    return str(origin).strip().splitlines()[0] if str(origin).strip() else type(origin).__name__


def aware(value: datetime | None) -> datetime | None:
    """Return `value` as an aware UTC datetime (SQLite hands them back naive)."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=timezone.utc)


class Store:
    """docmatch's database; see the module docstring for the functions by caller."""

    def __init__(self, url: str) -> None:
        self.url = url
        if url.startswith("sqlite:///"):
            folder = Path(url.removeprefix("sqlite:///")).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(f"cannot create the folder {folder} of the SQLite database: {exc.strerror or exc}") from None
        self.engine = make_engine(url)
        self._sessions = make_session_factory(self.engine)

    @classmethod
    def from_settings(cls, settings: Settings) -> Store:
        return cls(settings.effective_database_url)

    def migrate(self) -> None:
        """Bring the database schema to the newest Alembic revision.

        Raises:
            DatabaseUnavailable: the database cannot be reached or refused the login.
            StorageError: the migration failed for another reason.
        """
        from docmatch.storage.migrations import upgrade

        try:
            upgrade(self.engine)
        except (OperationalError, InterfaceError) as exc:
            raise DatabaseUnavailable(f"cannot reach the database at {self.safe_url}: {_first_line(exc)}") from exc
        except SQLAlchemyError as exc:
            raise StorageError(f"migrating the database at {self.safe_url} failed: {_first_line(exc)}") from exc

    @property
    def safe_url(self) -> str:
        """The database URL with any password masked, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()

    @contextlib.contextmanager
    def session(self, *, flush_on_commit: bool = True) -> Iterator[Session]:
        """Open one transaction: committed on success, rolled back and translated on error.

        With `flush_on_commit` False, PostgreSQL reports the commit before its log
        reaches the disk (`synchronous_commit = off`). Only claims use it: a server
        crash can lose the last few, which leaves the document as it was before the
        claim, for the claimant's `finish_stage` to find (`ClaimLost`) and the sweeper
        to queue again. The other statements stay flushed on commit.
        """
        session = self._sessions()
        try:
            if not flush_on_commit and self.engine.dialect.name == "postgresql":
                session.execute(text("SET LOCAL synchronous_commit TO OFF"))
            yield session
            session.commit()
        except SQLAlchemyError as exc:
            session.rollback()
            error = DatabaseUnavailable if isinstance(exc, (OperationalError, InterfaceError)) else StorageError
            raise error(f"database error: {exc.__class__.__name__}: {str(exc).splitlines()[0]}") from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    # --- intake -----------------------------------------------------------------------

    def add_arrival(self, document: Document, arrival: Arrival | None = None) -> StoredDocument:
        """Record an arrival of `document`; create the document if its hash is new.

        `arrival` defaults to the document's own arrivals. Two callers racing with the
        same new hash end with one document: the loser re-reads the winner's row.
        """
        arrivals = [arrival] if arrival is not None else list(document.arrivals)
        for attempt in range(2):
            try:
                with self.session() as s:
                    row, created = self._document_for(s, document)
                    for item in arrivals:
                        s.add(ArrivalRow(document_id=row.id, channel=item.channel, source_ref=item.source, filename=item.filename, received_at=item.received_at))
                    return StoredDocument(row.id, row.sha256, row.state, created)
            except StorageError as exc:
                if attempt or not isinstance(exc.__cause__, IntegrityError):
                    raise
        raise AssertionError("unreachable")

    def _document_for(self, s: Session, document: Document) -> tuple[DocumentRow, bool]:
        row = s.scalar(select(DocumentRow).where(DocumentRow.sha256 == document.sha256))
        if row is not None:
            if document.path and (not row.stored_path or _prefer_stored_copy(document.path, document.sha256, recorded=row.stored_path)):
                row.stored_path = document.path
            return row, False
        row = DocumentRow(sha256=document.sha256, filename=document.filename, media_type=document.media_type, size=document.size, stored_path=document.path)
        s.add(row)
        s.flush()
        s.add(StateChangeRow(document_id=row.id, from_state=None, to_state=DocumentState.RECEIVED.value, actor="intake", reason=f"{len(document.arrivals)} arrival(s)"))
        return row, True

    def load_document(self, document_id: int) -> Document | None:
        """Return the document with its arrivals, or None when there is no such id."""
        with self.session() as s:
            row = s.get(DocumentRow, document_id)
            return _document(row) if row is not None else None

    def document_id(self, sha256: str) -> int | None:
        with self.session() as s:
            return s.scalar(select(DocumentRow.id).where(DocumentRow.sha256 == sha256))

    def state_of(self, document_id: int) -> tuple[str, str | None]:
        """Return the document's state and error reason."""
        with self.session() as s:
            row = s.get(DocumentRow, document_id)
            if row is None:
                raise StorageError(f"no document with id {document_id}")
            return row.state, row.error_reason

    def states_of(self, document_ids: list[int]) -> dict[int, tuple[str, str | None]]:
        """Return the state and error reason of each document, in one query."""
        with self.session() as s:
            rows = s.execute(select(DocumentRow.id, DocumentRow.state, DocumentRow.error_reason).where(DocumentRow.id.in_(document_ids)))
            return {doc_id: (state, reason) for doc_id, state, reason in rows}

    # --- states -----------------------------------------------------------------------

    def transition(self, document_id: int, to_state: DocumentState, *, actor: str, reason: str | None = None) -> None:
        with self.session() as s:
            self._transition(s, self._locked(s, document_id), to_state, actor=actor, reason=reason)

    def fail(self, document_id: int, reason: str, *, actor: str, state: DocumentState = DocumentState.FAILED) -> None:
        """Put the document in `failed` (or `quarantined`) with the reason, and release it."""
        with self.session() as s:
            row = self._locked(s, document_id)
            row.error_reason = reason
            row.claimed_by = None
            row.claim_expires_at = None
            self._transition(s, row, state, actor=actor, reason=reason)

    def requeue(self, document_id: int, *, actor: str) -> bool:
        """Put a failed or quarantined document back to `received`, forgetting its stage keys.

        Returns False when the document is in any other state (it is left alone).
        """
        with self.session() as s:
            row = self._locked(s, document_id)
            if row.state not in (DocumentState.FAILED, DocumentState.QUARANTINED):
                return False
            s.execute(delete(TaskRecordRow).where(TaskRecordRow.document_id == document_id))
            row.error_reason, row.claimed_by, row.claim_expires_at = None, None, None
            self._transition(s, row, DocumentState.RECEIVED, actor=actor, reason="processing requested again")
            return True

    def failed_documents(self) -> list[tuple[int, str | None]]:
        """Return the failed documents with their reasons, oldest failure first."""
        query = select(DocumentRow.id, DocumentRow.error_reason).where(DocumentRow.state == DocumentState.FAILED.value).order_by(DocumentRow.state_changed_at)
        with self.session() as s:
            return [(doc_id, reason) for doc_id, reason in s.execute(query)]

    def history(self, document_id: int) -> list[tuple[str | None, str, str, str | None]]:
        """Return the audit log of a document: (from, to, actor, reason), oldest first."""
        with self.session() as s:
            rows = s.scalars(select(StateChangeRow).where(StateChangeRow.document_id == document_id).order_by(StateChangeRow.id))
            return [(r.from_state, r.to_state, r.actor, r.reason) for r in rows]

    def _locked(self, s: Session, document_id: int) -> DocumentRow:
        row = s.scalar(select(DocumentRow).where(DocumentRow.id == document_id).with_for_update())
        if row is None:
            raise StorageError(f"no document with id {document_id}")
        return row

    @staticmethod
    def _transition(s: Session, row: DocumentRow, to_state: DocumentState, *, actor: str, reason: str | None = None) -> None:
        if row.state == to_state.value and to_state not in RUNNING_STATES:
            return
        s.add(StateChangeRow(document_id=row.id, from_state=row.state, to_state=to_state.value, actor=actor[:200], reason=reason))
        row.state = to_state.value
        row.state_changed_at = utcnow()

    # --- stages with idempotency --------------------------------------------------------

    def begin_stage(self, document_id: int, *, stage: str, key: str, claimant: str, starts_from: tuple[DocumentState, ...], running: DocumentState, lease_seconds: float, max_attempts: int) -> StageClaim:
        """Claim `stage` of a document for one task execution; see `Claim` for the outcomes.

        A claim lasts `lease_seconds` (the task's hard time limit): a redelivered copy
        of a task whose worker died takes the document over once the claim expired.
        """
        request = StageRequest(stage, key, starts_from, running, lease_seconds, max_attempts)
        with self.session(flush_on_commit=False) as s:
            row, record = self._locked_with_record(s, document_id, key)
            return self._claim(s, row, record, request, claimant=claimant)

    @staticmethod
    def _locked_with_record(s: Session, document_id: int, key: str) -> tuple[DocumentRow | None, TaskRecordRow | None]:
        """Lock the document row and read the task record of `key` with it, in one statement."""
        query = (
            select(DocumentRow, TaskRecordRow)
            .outerjoin(TaskRecordRow, TaskRecordRow.key == key)
            .where(DocumentRow.id == document_id)
            .with_for_update(of=DocumentRow)
        )
        found = s.execute(query).first()
        return (found[0], found[1]) if found is not None else (None, None)

    def _claim(self, s: Session, row: DocumentRow | None, record: TaskRecordRow | None, request: StageRequest, *, claimant: str) -> StageClaim:
        # `row` is locked (SELECT ... FOR UPDATE) by the caller's transaction, and `record`
        # is the task record of `request.key`, read with it.
        now = utcnow()
        if row is None or row.state in (DocumentState.FAILED, DocumentState.QUARANTINED):
            return StageClaim(Claim.GONE, row.state if row else None)
        if record is not None and record.done_at is not None:
            return StageClaim(Claim.DONE, row.state, attempts=record.attempts)
        if row.state not in {state.value for state in (*request.starts_from, request.running)}:
            return StageClaim(Claim.NOT_READY, row.state)
        expires = aware(row.claim_expires_at)
        if row.claimed_by and row.claimed_by != claimant and expires and expires > now:
            return StageClaim(Claim.BUSY, row.state, retry_in=(expires - now).total_seconds())
        if record is None:
            record = TaskRecordRow(document_id=row.id, stage=request.stage, key=request.key, attempts=0)
            s.add(record)
        if record.attempts >= request.max_attempts:
            reason = f"{request.stage} gave up after {record.attempts} attempts (worker lost or time limit hit each time)"
            row.error_reason, row.claimed_by, row.claim_expires_at = reason, None, None
            self._transition(s, row, DocumentState.FAILED, actor=claimant, reason=reason)
            return StageClaim(Claim.EXHAUSTED, DocumentState.FAILED.value, attempts=record.attempts)
        record.attempts += 1
        record.started_at = now
        row.claimed_by = claimant
        row.claim_expires_at = now + timedelta(seconds=request.lease_seconds)
        again = f"attempt {record.attempts}" if record.attempts > 1 else None
        self._transition(s, row, request.running, actor=claimant, reason=again)
        return StageClaim(Claim.RUN, request.running.value, attempts=record.attempts, document=_document(row, with_arrivals=False))

    def finish_stage(
        self,
        document_id: int,
        *,
        key: str,
        claimant: str,
        to_state: DocumentState,
        extraction: Extraction | None = None,
        match: MatchResult | None = None,
        findings: list[Finding] | None = None,
        case: Case | None = None,
        then: StageRequest | None = None,
    ) -> StageClaim | None:
        """Record a stage's output, mark its key done and move the document on, at once.

        With `then`, the same transaction also claims that stage for `claimant`, as
        `begin_stage` would, and returns its claim; without it, returns None. The caller
        runs a claimed next stage right away, with no task message between the two.

        Raises:
            ClaimLost: another execution took the document over meanwhile.
        """
        with self.session() as s:
            if then is None:
                row, next_record = self._locked(s, document_id), None
            else:
                locked, next_record = self._locked_with_record(s, document_id, then.key)
                if locked is None:
                    raise StorageError(f"no document with id {document_id}")
                row = locked
            if row.claimed_by != claimant:
                raise ClaimLost(f"document {document_id} is now held by {row.claimed_by or 'nobody'}")
            # The key is marked done first, so that the document's new type and state
            # go out together in one UPDATE when the outputs are flushed.
            s.execute(update(TaskRecordRow).where(TaskRecordRow.key == key).values(done_at=utcnow()))
            self._write_outputs(s, row, extraction=extraction, match=match, findings=findings, case=case)
            row.claimed_by = None
            row.claim_expires_at = None
            row.error_reason = None
            self._transition(s, row, to_state, actor=claimant)
            return self._claim(s, row, next_record, then, claimant=claimant) if then is not None else None

    def release(self, document_id: int, *, key: str, claimant: str, to_state: DocumentState, reason: str) -> None:
        """Give a claim back without output (a transient error), leaving the document waiting.

        The attempt does not count towards `max_attempts`: retries of transient errors
        have their own limit.
        """
        with self.session(flush_on_commit=False) as s:
            row = self._locked(s, document_id)
            if row.claimed_by != claimant:
                return
            s.execute(update(TaskRecordRow).where(TaskRecordRow.key == key, TaskRecordRow.attempts > 0).values(attempts=TaskRecordRow.attempts - 1))
            row.claimed_by = None
            row.claim_expires_at = None
            self._transition(s, row, to_state, actor=claimant, reason=reason)

    def stage_done(self, key: str) -> bool:
        with self.session() as s:
            return s.scalar(select(TaskRecordRow.done_at).where(TaskRecordRow.key == key)) is not None

    def _write_outputs(self, s: Session, row: DocumentRow, *, extraction: Extraction | None, match: MatchResult | None, findings: list[Finding] | None, case: Case | None) -> int | None:
        if extraction is not None:
            row.doc_type = extraction.doc_type
            prior = prior_document(row.sha256, extraction)
            s.add(ExtractionRow(
                document_id=row.id, doc_type=extraction.doc_type, method=extraction.method, contract=extraction.contract(),
                number=_clip(prior.number, 128), number_key=_clip(code_key(prior.number), 128) if prior.number else None, partner_name=_clip(prior.partner_name, 256), total=prior.total, issue_date=prior.issue_date,
            ))
        match_id = None
        if match is not None:
            if match.partner is not None:
                # Duplicate checks compare the partner's name in Odoo once it is known.
                latest = select(func.max(ExtractionRow.id)).where(ExtractionRow.document_id == row.id).scalar_subquery()
                s.execute(update(ExtractionRow).where(ExtractionRow.id == latest).values(partner_name=_clip(match.partner.name, 256)))
            match_row = MatchRow(document_id=row.id, result=match.model_dump(mode="json"))
            s.add(match_row)
            s.flush()
            match_id = match_row.id
        for finding in findings or []:
            s.add(FindingRow(document_id=row.id, match_id=match_id, kind=finding.kind.value, severity=finding.severity.value, rule=finding.rule, line=finding.line, finding=finding.model_dump(mode="json")))
        if case is None:
            return None
        return self._write_case(s, row.id, case)

    @staticmethod
    def _write_case(s: Session, document_id: int, case: Case) -> int:
        # A document has one current case: a new one closes the ones before it.
        now = utcnow()
        reason = "superseded by a newer case" if case.findings else "resolved: a newer match found nothing to review"
        for old in s.scalars(select(CaseRow).where(CaseRow.document_id == document_id, CaseRow.closed_at.is_(None))):
            old.closed_at, old.close_reason = now, reason
            if old.status == CaseStatus.OPEN:
                old.status = CaseStatus.RESOLVED.value
        status = CaseStatus.OPEN if case.findings else CaseStatus.CLEAN
        row = CaseRow(
            document_id=document_id,
            status=status.value,
            opens_ticket=case.opens_ticket,
            case=case.model_dump(mode="json"),
            explanation_record=case.explanation_record.model_dump(mode="json"),
            closed_at=None if status is CaseStatus.OPEN else now,
        )
        s.add(row)
        s.flush()
        return row.id

    # --- results ----------------------------------------------------------------------

    def record_result(self, document_id: int, result: DocumentResult, *, actor: str = "cli") -> None:
        """Store an in-process run of a document added with `add_arrival`: outputs and final state."""
        with self.session() as s:
            row = self._locked(s, document_id)
            self._write_outputs(s, row, extraction=result.extraction, match=result.match, findings=result.case.findings, case=result.case)
            row.error_reason = None
            for state in (DocumentState.EXTRACTED, DocumentState.MATCHED, DocumentState.REPORTED):
                self._transition(s, row, state, actor=actor)

    def latest_extraction(self, document_id: int) -> Extraction | None:
        with self.session() as s:
            contract = s.scalar(select(ExtractionRow.contract).where(ExtractionRow.document_id == document_id).order_by(ExtractionRow.id.desc()).limit(1))
            return Extraction.model_validate(contract) if contract is not None else None

    def latest_match(self, document_id: int) -> tuple[MatchResult, list[Finding]] | None:
        with self.session() as s:
            return self._latest_match(s, document_id)

    def stage_inputs(self, document_id: int) -> tuple[Extraction | None, tuple[MatchResult, list[Finding]] | None]:
        """Return the newest extraction and match of a document, read in one transaction."""
        with self.session() as s:
            contract = s.scalar(select(ExtractionRow.contract).where(ExtractionRow.document_id == document_id).order_by(ExtractionRow.id.desc()).limit(1))
            extraction = Extraction.model_validate(contract) if contract is not None else None
            return extraction, self._latest_match(s, document_id)

    @staticmethod
    def _latest_match(s: Session, document_id: int) -> tuple[MatchResult, list[Finding]] | None:
        row = s.scalar(select(MatchRow).where(MatchRow.document_id == document_id).order_by(MatchRow.id.desc()).limit(1))
        if row is None:
            return None
        findings = s.scalars(select(FindingRow.finding).where(FindingRow.match_id == row.id).order_by(FindingRow.id))
        return MatchResult.model_validate(row.result), [Finding.model_validate(item) for item in findings]

    def latest_case(self, document_id: int) -> Case | None:
        with self.session() as s:
            data = s.scalar(select(CaseRow.case).where(CaseRow.document_id == document_id).order_by(CaseRow.id.desc()).limit(1))
            return Case.model_validate(data) if data is not None else None

    def open_cases(self) -> list[OpenCase]:
        with self.session() as s:
            rows = s.scalars(select(CaseRow).where(CaseRow.status == CaseStatus.OPEN.value).order_by(CaseRow.id))
            return [OpenCase(r.id, r.document_id, Case.model_validate(r.case)) for r in rows]

    def close_case(self, case_id: int, reason: str) -> None:
        with self.session() as s:
            row = s.get(CaseRow, case_id)
            if row is not None and row.closed_at is None:
                row.status, row.closed_at, row.close_reason = CaseStatus.RESOLVED.value, utcnow(), reason

    def reopen_case(self, document_id: int) -> bool:
        """Open the document's latest case again after a reviewer closed it; False if none was closed."""
        with self.session() as s:
            row = s.scalar(select(CaseRow).where(CaseRow.document_id == document_id).order_by(CaseRow.id.desc()).limit(1))
            if row is None or row.status != CaseStatus.RESOLVED.value:
                return False
            row.status, row.closed_at, row.close_reason = CaseStatus.OPEN.value, None, None
            return True

    def case_status(self, document_id: int) -> str | None:
        with self.session() as s:
            return s.scalar(select(CaseRow.status).where(CaseRow.document_id == document_id).order_by(CaseRow.id.desc()).limit(1))

    def prior_documents(self, *, before_document_id: int | None = None, like: Extraction | None = None) -> list[PriorDocument]:
        """Return what duplicate checks need of the extracted documents, newest extraction each.

        With `before_document_id`, only documents that reached docmatch before that one
        count, so of two copies only the later is a duplicate, in whatever order
        workers happen to extract them. With `like`, only the documents that could be
        its duplicate are read: of its type, with its number or its date. That is an
        index lookup, where reading every document would grow with the database.
        """
        from docmatch.rules import PriorDocument

        latest = select(func.max(ExtractionRow.id)).group_by(ExtractionRow.document_id).scalar_subquery()
        query = (
            select(DocumentRow.sha256, ExtractionRow.doc_type, ExtractionRow.number, ExtractionRow.partner_name, ExtractionRow.total, ExtractionRow.issue_date)
            .join(ExtractionRow, ExtractionRow.document_id == DocumentRow.id)
            .where(ExtractionRow.id.in_(latest))
        )
        if before_document_id is not None:
            query = query.where(DocumentRow.id < before_document_id)
        if like is not None:
            described = prior_document("", like)
            key = code_key(described.number)[:128] if described.number else None
            candidates = [ExtractionRow.number_key == key] if key else []
            candidates += [ExtractionRow.issue_date == described.issue_date] if described.issue_date else []
            if not candidates:
                return []
            query = query.where(ExtractionRow.doc_type == like.doc_type, or_(*candidates))
        with self.session() as s:
            return [PriorDocument(*row) for row in s.execute(query)]

    # --- Helpdesk ---------------------------------------------------------------------

    def add_ticket_link(self, document_id: int, ticket: OdooRef, *, helpdesk_variant: str, case_id: int | None = None) -> bool:
        """Link the document to its ticket; False when it already had one (kept as it was)."""
        try:
            with self.session() as s:
                if s.scalar(select(TicketLinkRow.id).where(TicketLinkRow.document_id == document_id)) is not None:
                    return False
                s.add(TicketLinkRow(document_id=document_id, case_id=case_id, ticket_id=ticket.id, model=ticket.model, helpdesk_variant=helpdesk_variant))
            return True
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                return False
            raise

    def ticket_link(self, document_id: int) -> TicketLink | None:
        with self.session() as s:
            row = s.scalar(select(TicketLinkRow).where(TicketLinkRow.document_id == document_id))
            return _ticket_link(row) if row else None

    def ticket_links(self) -> list[TicketLink]:
        with self.session() as s:
            return [_ticket_link(row) for row in s.scalars(select(TicketLinkRow).order_by(TicketLinkRow.id))]

    def add_reviewer_outcome(self, document_id: int, source_ref: str, decision: str, *, reviewer: str | None = None, note: str | None = None, decided_at: datetime | None = None, data: dict[str, Any] | None = None) -> bool:
        """Record a reviewer's decision on the document's ticket once per `source_ref`.

        Returns False when `source_ref` was recorded before.

        Raises:
            StorageError: the document has no ticket link.
        """
        try:
            with self.session() as s:
                link_id = s.scalar(select(TicketLinkRow.id).where(TicketLinkRow.document_id == document_id))
                if link_id is None:
                    raise StorageError(f"document {document_id} has no ticket", hint="record the ticket with add_ticket_link first")
                if s.scalar(select(ReviewerOutcomeRow.id).where(ReviewerOutcomeRow.source_ref == source_ref)) is not None:
                    return False
                s.add(ReviewerOutcomeRow(ticket_link_id=link_id, source_ref=source_ref, decision=decision, reviewer=reviewer, note=note, data=data or {}, decided_at=decided_at or utcnow()))
            return True
        except StorageError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                return False
            raise

    def reviewer_outcomes(self, document_id: int) -> list[ReviewerOutcome]:
        query = (
            select(ReviewerOutcomeRow)
            .join(TicketLinkRow, TicketLinkRow.id == ReviewerOutcomeRow.ticket_link_id)
            .where(TicketLinkRow.document_id == document_id)
            .order_by(ReviewerOutcomeRow.decided_at, ReviewerOutcomeRow.id)
        )
        with self.session() as s:
            return [ReviewerOutcome(r.source_ref, r.decision, r.reviewer, r.note, aware(r.decided_at), r.data) for r in s.scalars(query)]  # type: ignore[arg-type]

    def learn_alias(self, kind: AliasKind | str, commercial_partner_id: int, printed_text: str, target_model: str, target_id: int, *, confirmed_by: str | None = None) -> None:
        """Remember that `printed_text` from this partner means the target record."""
        kind = AliasKind(kind)
        with self.session() as s:
            row = s.scalar(
                select(LearnedAliasRow).where(LearnedAliasRow.kind == kind.value, LearnedAliasRow.commercial_partner_id == commercial_partner_id, LearnedAliasRow.printed_text == printed_text)
            )
            if row is None:
                row = LearnedAliasRow(kind=kind.value, commercial_partner_id=commercial_partner_id, printed_text=printed_text)
                s.add(row)
            row.target_model, row.target_id, row.confirmed_by, row.confirmed_at = target_model, target_id, confirmed_by, utcnow()

    def learned_vendor_codes(self) -> dict[tuple[int, str], int]:
        return {(partner, text): target_id for partner, text, _model, target_id in self._aliases(AliasKind.VENDOR_CODE)}

    def learned_units(self) -> dict[tuple[int, str], tuple[str, int]]:
        return {(partner, text): (model, target_id) for partner, text, model, target_id in self._aliases(AliasKind.UNIT)}

    def apply_learned_aliases(self, catalog: Catalog) -> None:
        """Fill the catalog's learned aliases from the database."""
        catalog.learned_vendor_codes.update(self.learned_vendor_codes())
        catalog.learned_units.update(self.learned_units())

    def _aliases(self, kind: AliasKind) -> list[tuple[int, str, str, int]]:
        query = select(LearnedAliasRow.commercial_partner_id, LearnedAliasRow.printed_text, LearnedAliasRow.target_model, LearnedAliasRow.target_id).where(LearnedAliasRow.kind == kind.value)
        with self.session() as s:
            return [tuple(row) for row in s.execute(query)]  # type: ignore[misc]

    # --- operations -------------------------------------------------------------------

    def counts_by_state(self) -> dict[str, int]:
        with self.session() as s:
            return dict(s.execute(select(DocumentRow.state, func.count()).group_by(DocumentRow.state)).all())  # type: ignore[arg-type]

    def counts_by_state_and_channel(self) -> dict[tuple[str, str], int]:
        """Documents per (state, channel of their first arrival)."""
        first = select(ArrivalRow.document_id, func.min(ArrivalRow.id).label("first_id")).group_by(ArrivalRow.document_id).subquery()
        query = (
            select(DocumentRow.state, ArrivalRow.channel, func.count())
            .join(first, first.c.document_id == DocumentRow.id)
            .join(ArrivalRow, ArrivalRow.id == first.c.first_id)
            .group_by(DocumentRow.state, ArrivalRow.channel)
        )
        with self.session() as s:
            return {(state, channel): count for state, channel, count in s.execute(query)}

    def oldest_waiting(self) -> tuple[int, str, datetime] | None:
        """Return the document that has waited longest in a non-final state: (id, state, since)."""
        states = [state.value for state in (*WAITING_STATES, *RUNNING_STATES)]
        query = select(DocumentRow.id, DocumentRow.state, DocumentRow.state_changed_at).where(DocumentRow.state.in_(states)).order_by(DocumentRow.state_changed_at).limit(1)
        with self.session() as s:
            row = s.execute(query).first()
            return (row[0], row[1], aware(row[2])) if row else None  # type: ignore[return-value]

    def stuck_documents(self, older_than: timedelta) -> list[tuple[int, str]]:
        """Documents in a non-final state for longer than `older_than`, whose claim (if any) expired."""
        now = utcnow()
        states = [state.value for state in (*WAITING_STATES, *RUNNING_STATES)]
        query = (
            select(DocumentRow.id, DocumentRow.state)
            .where(DocumentRow.state.in_(states), DocumentRow.state_changed_at < now - older_than)
            .where((DocumentRow.claim_expires_at.is_(None)) | (DocumentRow.claim_expires_at < now))
            .order_by(DocumentRow.state_changed_at)
        )
        with self.session() as s:
            return [(doc_id, state) for doc_id, state in s.execute(query)]

    def touch(self, document_id: int) -> None:
        """Restart the document's stuck clock (the sweeper queued it again)."""
        with self.session() as s:
            s.execute(update(DocumentRow).where(DocumentRow.id == document_id).values(state_changed_at=utcnow()))

    def get_watermark(self, name: str) -> str | None:
        with self.session() as s:
            return s.scalar(select(WatermarkRow.value).where(WatermarkRow.name == name))

    def set_watermark(self, name: str, value: str) -> None:
        with self.session() as s:
            row = s.get(WatermarkRow, name)
            if row is None:
                s.add(WatermarkRow(name=name, value=value))
            else:
                row.value = value


def _document(row: DocumentRow, *, with_arrivals: bool = True) -> Document:
    # Stages need no arrivals, and reading them costs a query per task.
    arrivals = [Arrival(channel=a.channel, source=a.source_ref, received_at=aware(a.received_at), filename=a.filename) for a in row.arrivals] if with_arrivals else []  # type: ignore[arg-type]
    return Document(sha256=row.sha256, filename=row.filename, media_type=row.media_type, size=row.size, path=row.stored_path, arrivals=arrivals)


def _prefer_stored_copy(path: str, sha256: str, *, recorded: str) -> bool:
    """Tell whether `path`, when it is a copy named by its hash, should replace the recorded path.

    Databases written before `docmatch process` kept copies record the user's own path,
    which may since hold other content or nothing. A copy named by the hash is the
    content itself, so it wins over any other path.
    """
    return recorded != path and Path(path).name == sha256


def _clip(value: str | None, length: int) -> str | None:
    return value[:length] if value is not None else None


def _ticket_link(row: TicketLinkRow) -> TicketLink:
    return TicketLink(row.document_id, OdooRef(model=row.model, id=row.ticket_id, name=f"{row.model},{row.ticket_id}"), row.helpdesk_variant, row.case_id, row.id)


# Header field names the extractors use for what duplicate checks compare, most specific first.
_NUMBER_FIELDS = ("number", "invoice_number", "document_number", "reference")
_PARTNER_FIELDS = ("supplier_name", "vendor_name", "partner_name", "supplier", "vendor")
_TOTAL_FIELDS = ("total", "amount_total", "total_amount")
_DATE_FIELDS = ("issue_date", "date", "invoice_date", "document_date")


def prior_document(sha256: str, extraction: Extraction, *, partner_name: str | None = None) -> PriorDocument:
    """Describe an extracted document for the rules' duplicate checks.

    `partner_name` is the matched Odoo partner's name; without it the printed name is used.
    """
    from docmatch.rules import PriorDocument

    def first(names: tuple[str, ...]) -> Any:
        return next((value for value in map(extraction.value, names) if value not in (None, "")), None)

    total = first(_TOTAL_FIELDS)
    issued = first(_DATE_FIELDS)
    try:
        total = float(total) if total is not None else None
    except (TypeError, ValueError):
        total = None
    try:
        issued = date.fromisoformat(str(issued)[:10]) if issued is not None else None
    except ValueError:
        issued = None
    number = first(_NUMBER_FIELDS)
    partner = partner_name or first(_PARTNER_FIELDS)
    return PriorDocument(sha256, extraction.doc_type, str(number) if number is not None else None, str(partner) if partner is not None else None, total, issued)
