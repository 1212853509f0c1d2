"""Apply the tolerance policy to one matched document.

`evaluate` runs the checks in a fixed order, each adding findings to one context:

    readable    nothing read at all -> extraction_failed, and stop
    signs       one sign for the whole document
    references  order found, not another partner's; duplicates
    currency    printed, and the order's; a different one stops amount checks
    dates       inside the policy's windows, in the company's time zone
    lines       pairing outcomes, units, quantities by document type, prices
    totals      document arithmetic, then net and tax against the orders
    review      doubtful values the extractor flagged that Odoo did not confirm
"""

from __future__ import annotations

import logging
from pathlib import Path
from zoneinfo import ZoneInfo

from docmatch.models import Extraction, Finding, MatchResult
from docmatch.odoo.catalog import Catalog
from docmatch.rules.checks import currency, dates, document, lines, logistics, references, totals
from docmatch.rules.context import CheckContext, PriorDocument
from docmatch.rules.policy import Policy
from docmatch.rules.policy import load_policy as _load_policy

log = logging.getLogger(__name__)

__all__ = ["Policy", "PriorDocument", "evaluate", "load_policy"]


def load_policy(path: str | Path | None = None) -> Policy:
    """Read and validate a YAML policy; the bundled defaults when `path` is None."""
    return _load_policy(path)


def evaluate(
    extraction: Extraction,
    match: MatchResult,
    catalog: Catalog,
    policy: Policy,
    *,
    prior_documents: list[PriorDocument] | None = None,
    timezone: str | None = None,
    document_sha256: str | None = None,
) -> list[Finding]:
    """Return the findings for one document, each naming its rule and tolerance.

    `timezone` is the company's IANA zone for date comparisons (the `company_timezone`
    setting when None). `document_sha256` keeps the document from being reported as a
    duplicate of its own earlier run.
    """
    prior = [document_ for document_ in (prior_documents or []) if document_.sha256 != document_sha256]
    context = CheckContext(extraction, match, catalog, policy, ZoneInfo(timezone or _company_timezone()), prior)

    # Anything to check at all?
    if not document.check_readable(context):
        return context.findings
    document.read_open_dates(context)

    # One sign per document.
    document.check_signs(context)

    # The order behind the document, and whether this document came before.
    order_found = references.check_order_found(context)
    references.check_duplicates(context)
    if order_found:
        _check_against_orders(context)

    # Values a person must confirm, unless Odoo confirmed them on the way.
    document.check_flagged_values(context)
    return _finish(context)


def _check_against_orders(context: CheckContext) -> None:
    """Currency, dates, lines and totals of a document whose order was found."""
    # Amounts are comparable only in the same currency.
    amounts_comparable = currency.check_currency(context)

    # Dates.
    dates.check_dates(context)

    # Lines; a difference on a line read with doubt goes to review.
    _check_lines(context, amounts_comparable=amounts_comparable)
    document.review_doubtful_lines(context)

    # Totals.
    if amounts_comparable:
        groups = lines.line_groups(context)
        totals.check_arithmetic(context, groups)
        totals.check_against_orders(context, groups)


def _check_lines(context: CheckContext, *, amounts_comparable: bool) -> None:
    lines.check_pairing(context)
    groups = lines.line_groups(context)
    lines.check_uncomparable_lines(context, groups)
    doc_type = context.extraction.doc_type
    if doc_type in ("invoice", "receipt"):
        lines.check_billed_quantities(context, groups)
    elif doc_type == "credit_note":
        lines.check_credited_quantities(context, groups)
    elif doc_type == "purchase_order":
        lines.check_ordered_quantities(context, groups)
    elif doc_type in ("bill_of_lading", "delivery_note"):
        logistics.check_shipped(context, groups)
    elif doc_type == "proof_of_delivery":
        logistics.check_delivered(context, groups)
    if amounts_comparable and doc_type in ("invoice", "receipt", "credit_note", "purchase_order"):
        lines.check_prices(context, groups)
    lines.check_missing_lines(context)


def _finish(context: CheckContext) -> list[Finding]:
    log.debug("rules done: %d findings, ticket=%s", len(context.findings), context.policy.opens_ticket(context.findings))
    return context.findings


def _company_timezone() -> str:
    from docmatch.settings import get_settings

    return get_settings().company_timezone
