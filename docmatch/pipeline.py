"""The main job for one document: register, extract, match, apply rules, report.

The command line calls `process_path` directly; Celery tasks call the same stage
functions one by one (see `docmatch.workers`). A document that cannot be read still
becomes a case, with an `extraction_failed` finding that says why.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from docmatch.errors import InputError
from docmatch.extractors import extract_file
from docmatch.ingest import register_file
from docmatch.logs import document_context
from docmatch.matchers import match_document
from docmatch.models import Case, CaseDocument, Document, Extraction, Finding, FindingKind, MatchResult, Severity
from docmatch.odoo.catalog import Catalog
from docmatch.reporting.explain import template_explanation
from docmatch.reporting.pairing import describe_pairs
from docmatch.rules import Policy, PriorDocument, evaluate
from docmatch.settings import Settings

log = logging.getLogger(__name__)

Explainer = Callable[[Case], str]


@dataclass
class PipelineContext:
    """What every document of a run shares: settings, Odoo records, policy, history."""

    settings: Settings
    catalog: Catalog
    policy: Policy
    explainer: Explainer = template_explanation
    prior_documents: list[PriorDocument] = field(default_factory=list)


@dataclass
class DocumentResult:
    """Everything one run produced for a document, kept for storage and inspection."""

    document: Document
    extraction: Extraction
    match: MatchResult
    case: Case


def extract_stage(document: Document, context: PipelineContext) -> Extraction:
    """Extract the document; an unreadable file gives an empty extraction with the reason."""
    try:
        return extract_file(document.path or "", settings=context.settings)
    except InputError as exc:
        log.warning("document could not be read: %s", exc.message)
        return Extraction(doc_type="unknown", warnings=[f"unreadable: {exc.message}"], method="none")


def match_stage(extraction: Extraction, context: PipelineContext) -> MatchResult:
    if _unreadable(extraction):
        return MatchResult()
    match = match_document(extraction, context.catalog)
    describe_pairs(match, context.catalog)
    return match


def rules_stage(extraction: Extraction, match: MatchResult, context: PipelineContext) -> list[Finding]:
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
    return evaluate(extraction, match, context.catalog, context.policy, prior_documents=context.prior_documents)


def report_stage(document: Document, extraction: Extraction, match: MatchResult, findings: list[Finding], context: PipelineContext) -> Case:
    case = Case(
        document=CaseDocument(sha256=document.sha256, filename=document.filename, doc_type=extraction.doc_type),
        matched=match.records,
        findings=findings,
        opens_ticket=context.policy.opens_ticket(findings),
    )
    case.explanation = context.explainer(case)
    return case


def process_document(document: Document, context: PipelineContext) -> DocumentResult:
    """Run every stage for a registered document and return what each produced."""
    with document_context(document.sha256):
        log.info("processing started")

        # Read the document.
        extraction = extract_stage(document, context)

        # Find what it refers to in Odoo.
        match = match_stage(extraction, context)

        # Turn differences into findings.
        findings = rules_stage(extraction, match, context)

        # Build the case and its explanation.
        case = report_stage(document, extraction, match, findings, context)

        log.info("processing finished: %d findings, ticket=%s", len(findings), case.opens_ticket)
        return DocumentResult(document, extraction, match, case)


def process_path(path: str | Path, context: PipelineContext) -> DocumentResult:
    """Register the file at `path` and process it."""
    return process_document(register_file(path), context)


def _unreadable(extraction: Extraction) -> bool:
    return extraction.method == "none" and any(warning.startswith("unreadable:") for warning in extraction.warnings)
