"""Case records read from docmatch's database for the web interface.

Each call reads the latest case, extraction and match of every document, its first
arrival and the reviewer outcomes, in five queries. That suits databases up to some
hundred thousand documents; for larger ones point a BI tool at the SQL views in
`docs/sql-views.md`.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from docmatch.models import Case, Document, Extraction, MatchResult
from docmatch.storage.store import Store
from docmatch.storage.tables import ArrivalRow, CaseRow, DocumentRow, ExtractionRow, MatchRow, ReviewerOutcomeRow, TicketLinkRow
from docmatch.web.repository import CaseRecord

CLOSING_DECISIONS = {"accepted_variance", "rejected", "corrected_in_odoo", "closed"}


def _aware(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _latest(model):  # type: ignore[no-untyped-def]
    """Return a subquery of the newest row id of `model` per document, as column `pick`."""
    return select(model.document_id, func.max(model.id).label("pick")).group_by(model.document_id).subquery()


def _first(model):  # type: ignore[no-untyped-def]
    """Return a subquery of the oldest row id of `model` per document, as column `pick`."""
    return select(model.document_id, func.min(model.id).label("pick")).group_by(model.document_id).subquery()


class StoreRepository:
    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, document_sha256: str) -> CaseRecord | None:
        records = self._records(DocumentRow.sha256 == document_sha256)
        return records[0] if records else None

    def all(self) -> list[CaseRecord]:
        return sorted(self._records(None), key=lambda record: record.received_at, reverse=True)

    def _records(self, condition) -> list[CaseRecord]:  # type: ignore[no-untyped-def]
        with self.store.session() as session:
            documents_query = select(DocumentRow)
            if condition is not None:
                documents_query = documents_query.where(condition)
            documents = {row.id: row for row in session.scalars(documents_query)}
            if not documents:
                return []
            ids = list(documents)

            # The newest case, extraction and match of each document.
            cases = self._one_per_document(session, CaseRow, _latest(CaseRow), ids)
            extractions = self._one_per_document(session, ExtractionRow, _latest(ExtractionRow), ids)
            matches = self._one_per_document(session, MatchRow, _latest(MatchRow), ids)

            # The first arrival gives the channel and the arrival time.
            arrivals = self._one_per_document(session, ArrivalRow, _first(ArrivalRow), ids)

            # Reviewer decisions, oldest first.
            outcomes: dict[int, list[ReviewerOutcomeRow]] = {}
            outcome_query = select(TicketLinkRow.document_id, ReviewerOutcomeRow).join(ReviewerOutcomeRow, ReviewerOutcomeRow.ticket_link_id == TicketLinkRow.id).where(TicketLinkRow.document_id.in_(ids)).order_by(ReviewerOutcomeRow.decided_at)
            for document_id, outcome in session.execute(outcome_query):
                outcomes.setdefault(document_id, []).append(outcome)

            return [self._record(documents[id_], cases.get(id_), extractions.get(id_), matches.get(id_), arrivals.get(id_), outcomes.get(id_, [])) for id_ in ids if id_ in cases]

    @staticmethod
    def _one_per_document(session, model, picked, ids: list[int]) -> dict:  # type: ignore[no-untyped-def]
        query = select(model).join(picked, model.id == picked.c.pick).where(model.document_id.in_(ids))
        return {row.document_id: row for row in session.scalars(query)}

    @staticmethod
    def _record(document: DocumentRow, case_row: CaseRow, extraction_row, match_row, arrival, outcomes) -> CaseRecord:  # type: ignore[no-untyped-def]
        case = Case.model_validate(case_row.case)
        extraction = Extraction.model_validate(extraction_row.contract) if extraction_row else Extraction()
        match = MatchResult.model_validate(match_row.result) if match_row else MatchResult()
        closing = [outcome for outcome in outcomes if outcome.decision in CLOSING_DECISIONS]
        partner = match.partner.name if match.partner else None
        if partner is None:
            for name in ("vendor_name", "customer_name"):
                value = extraction.value(name)
                if value:
                    partner = str(value)
                    break
        return CaseRecord(
            document=Document(sha256=document.sha256, filename=document.filename, media_type=document.media_type, size=document.size, path=document.stored_path),
            extraction=extraction,
            match=match,
            case=case,
            received_at=_aware(arrival.received_at if arrival else document.created_at) or datetime.now(timezone.utc),
            channel=arrival.channel if arrival else "cli",
            partner=partner,
            state=document.state,
            closed_at=_aware(case_row.closed_at) or (_aware(closing[-1].decided_at) if closing else None),
            outcome=closing[-1].decision if closing else None,
            reopened=any(outcome.decision == "reopened" for outcome in outcomes),
        )
