"""The main job for one document: register, extract, match, apply rules, report.

The command line calls `process_path` directly; Celery tasks call the same stage
functions one by one (see `docmatch.workers`). A document that cannot be read still
becomes a case, with an `extraction_failed` finding that says why. With a `Store` on
the context, each run is kept in docmatch's database: the arrival, what each stage
produced, the case and the ticket link.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from docmatch.errors import ExtractionError, InputError, UnreadableDocument
from docmatch.extractors import extract_file
from docmatch.ingest import register_file
from docmatch.logs import document_context
from docmatch.matchers import match_document
from docmatch.models import Case, CaseDocument, Document, Extraction, Finding, FindingKind, MatchResult, OdooRef, Severity
from docmatch.odoo.catalog import Catalog
from docmatch.reporting.explain import template_explanation
from docmatch.reporting.pairing import describe_pairs
from docmatch.reporting.redact import strip_local_paths
from docmatch.rules import Policy, PriorDocument, evaluate
from docmatch.settings import Settings
from docmatch.storage.store import Store, prior_document

log = logging.getLogger(__name__)

Explainer = Callable[[Case], str]
Extractor = Callable[..., Extraction]
# Opens the Helpdesk ticket of a case and returns it. The key is the same for every
# attempt on one document, so an opener that finds a ticket already carrying the key
# returns that one instead of opening a second (after a crash between Odoo's answer
# and docmatch recording it). An opener may set `helpdesk_variant` on itself.
TicketOpener = Callable[[Case, str], OdooRef | None]


@dataclass
class PipelineContext:
    """Shared state of a run: settings, Odoo records, policy and history."""

    settings: Settings
    catalog: Catalog
    policy: Policy
    explainer: Explainer = template_explanation
    prior_documents: list[PriorDocument] = field(default_factory=list)
    extractor: Extractor = extract_file
    ticket_opener: TicketOpener | None = None
    store: Store | None = None


@dataclass
class DocumentResult:
    """Everything one run produced for a document, kept for storage and inspection."""

    document: Document
    extraction: Extraction
    match: MatchResult
    case: Case


def extract_stage(document: Document, context: PipelineContext) -> Extraction:
    """Extract the document; an unreadable file, or one the field rules fail on, gives an
    empty extraction with the reason, which becomes an `extraction_failed` finding."""
    try:
        return context.extractor(document.path or "", settings=context.settings)
    except (InputError, ExtractionError) as exc:
        # The reason reaches the case and its ticket: the file's name, not this machine's
        # folders or the stored copy's hash name. The case reports it, so the log is quiet.
        reason = strip_local_paths(exc.message, renames={document.sha256: document.filename})
        log.info("document could not be read: %s", reason)
        return Extraction(doc_type="unknown", warnings=[f"unreadable: {reason}"], method="none")


def match_stage(extraction: Extraction, context: PipelineContext) -> MatchResult:
    if _unreadable(extraction):
        return MatchResult()
    match = match_document(extraction, context.catalog)
    describe_pairs(match, context.catalog)
    return match


def rules_stage(extraction: Extraction, match: MatchResult, context: PipelineContext, *, sha256: str | None = None, document_id: int | None = None) -> list[Finding]:
    """Return the findings; `sha256` keeps the document itself out of its duplicate checks.

    With a store, the duplicate checks see the stored documents that could be this
    one's duplicate, those before `document_id` when it is given. Without a store
    they see the documents of this run so far.
    """
    if _unreadable(extraction):
        reason = extraction.warnings[0].removeprefix("unreadable: ")
        return [
            Finding(
                kind=FindingKind.EXTRACTION_FAILED,
                severity=Severity.HIGH,
                rule="extraction",
                message=f"The document could not be read: {reason}",
                evidence={"reason": reason},
            )
        ]
    if context.store is not None:
        prior = context.store.prior_documents(before_document_id=document_id, like=extraction)
    else:
        prior = context.prior_documents
    return evaluate(
        extraction, match, context.catalog, context.policy,
        prior_documents=prior, timezone=context.settings.company_timezone, document_sha256=sha256,
    )


def report_stage(document: Document, extraction: Extraction, match: MatchResult, findings: list[Finding], context: PipelineContext) -> Case:
    case = Case(
        document=CaseDocument(sha256=document.sha256, filename=document.filename, doc_type=extraction.doc_type),
        matched=match.records,
        partner=match.partner,
        findings=findings,
        opens_ticket=context.policy.opens_ticket(findings),
        notes=list(match.notes),
    )
    case.explanation = context.explainer(case)
    return case


def ticket_key(document: Document) -> str:
    """The idempotency key of a document's ticket, the same from the CLI and the workers."""
    return f"docmatch:{document.sha256}"


def ticket_stage(document: Document, case: Case, context: PipelineContext, *, document_id: int | None = None) -> OdooRef | None:
    """Open or update the ticket of a case that needs one; return it.

    The opener finds a ticket already carrying the document's key and updates it, so
    processing a document again refreshes its one ticket instead of opening another.
    A document that had a ticket and no longer needs one still updates it: the note
    then states that nothing is left, and closing stays the reviewer's decision.
    """
    if context.ticket_opener is None:
        return None
    link = context.store.ticket_link(document_id) if context.store is not None and document_id is not None else None
    if not case.opens_ticket and link is None:
        return None
    ticket = context.ticket_opener(case, ticket_key(document))
    if ticket is not None and link is None and context.store is not None and document_id is not None:
        variant = getattr(context.ticket_opener, "helpdesk_variant", None) or ticket.model
        context.store.add_ticket_link(document_id, ticket, helpdesk_variant=variant)
        log.info("ticket %s,%d opened", ticket.model, ticket.id)
    elif ticket is not None and not case.opens_ticket:
        log.info("ticket %s,%d updated: no finding needs it any more", ticket.model, ticket.id)
    elif ticket is not None:
        log.info("ticket %s,%d updated", ticket.model, ticket.id)
    return ticket


def process_document(document: Document, context: PipelineContext) -> DocumentResult:
    """Run every stage for a registered document and return what each produced."""
    with document_context(document.sha256):
        log.info("processing started")

        # Record the arrival (one document per content hash).
        document_id = context.store.add_arrival(document).id if context.store else None

        # Read the document.
        extraction = extract_stage(document, context)

        # Find what it refers to in Odoo.
        match = match_stage(extraction, context)

        # Turn differences into findings.
        findings = rules_stage(extraction, match, context, sha256=document.sha256, document_id=document_id)

        # Build the case and its explanation.
        case = report_stage(document, extraction, match, findings, context)

        # Open the ticket when the case needs one.
        case.ticket = ticket_stage(document, case, context, document_id=document_id)

        # Keep what each stage produced, and the document for later duplicate checks.
        result = DocumentResult(document, extraction, match, case)
        if context.store is not None and document_id is not None:
            context.store.record_result(document_id, result)
        else:
            context.prior_documents.append(prior_document(document.sha256, extraction, partner_name=match.partner.name if match.partner else None))

        log.info("processing finished: %d findings, ticket=%s", len(findings), case.opens_ticket)
        return result


def register_path(path: str | Path, context: PipelineContext) -> Document:
    """Read the file at `path`, store a copy in the data folder, and describe it as a document.

    The document's path is the stored copy under `DOCMATCH_DATA_DIR/documents`, so the
    evidence view and the ticket attachment never depend on the original staying put.

    Raises:
        UnreadableDocument: the file cannot be opened at all (missing, a folder, no permission),
            so there is no content to make a case of.
        StorageError: the copy cannot be written into the data folder.
    """
    try:
        return register_file(path, data_dir=context.settings.data_dir)
    except OSError as exc:
        raise UnreadableDocument(f"cannot read {path}: {exc.strerror or exc}", hint="check the path and the file's permissions") from exc


def process_path(path: str | Path, context: PipelineContext) -> DocumentResult:
    """Register the file at `path` (see `register_path`) and process it."""
    return process_document(register_path(path, context), context)


def _unreadable(extraction: Extraction) -> bool:
    return extraction.method == "none" and any(warning.startswith("unreadable:") for warning in extraction.warnings)
