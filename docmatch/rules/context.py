"""The context every check reads: the document, its match, the catalog, the policy, helpers.

`CheckContext` also builds findings, so that every finding gets its severity from the
policy that applied, and every decision is logged at debug with its reason.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from docmatch.matchers.uom import format_quantity, odoo_round
from docmatch.models import ExtractedLine, Extraction, Finding, FindingKind, LinePair, MatchResult, Scalar
from docmatch.odoo.catalog import Catalog
from docmatch.odoo.records import Order, OrderKey, OrderLine, Partner, Product
from docmatch.rules.policy import AppliedRules, Policy

log = logging.getLogger(__name__)

# Printed currency signs that name one currency without doubt.
_CURRENCY_SIGNS = {"€": "EUR", "£": "GBP", "¥": "JPY", "CHF": "CHF", "FR.": "CHF"}


@dataclass(frozen=True, slots=True)
class PriorDocument:
    """A document docmatch processed before, for duplicate checks."""

    sha256: str
    doc_type: str
    number: str | None
    partner_name: str | None
    total: float | None
    issue_date: date | None


@dataclass
class CheckContext:
    extraction: Extraction
    match: MatchResult
    catalog: Catalog
    policy: Policy
    timezone: ZoneInfo
    prior_documents: list[PriorDocument] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Order lines whose difference one finding already explains; later checks skip them.
    settled_lines: set[OrderKey] = field(default_factory=set)
    # Dates the page left open (05/04/2024) read by the partner's `date_order` rule; the
    # extraction keeps both readings.
    profile_dates: dict[str, date] = field(default_factory=dict)
    # Header fields Odoo confirmed (the reference found its order, the amount agrees):
    # a doubtful reading of them needs no review.
    confirmed: set[str] = field(default_factory=set)
    # The tax as total - net, when the printed tax was found misread.
    derived_tax: float | None = None

    # -- who and what -------------------------------------------------------------------

    @property
    def partner(self) -> Partner | None:
        return self.catalog.partners.get(self.match.partner.id) if self.match.partner else None

    @property
    def orders(self) -> list[Order]:
        found = (self.catalog.order(record.model, record.id) for record in self.match.records if record.model.endswith(".order"))
        return [order for order in found if order is not None]

    @property
    def sign(self) -> float:
        """-1 for a credit note: its amounts are compared as positive numbers."""
        return -1.0 if self.extraction.doc_type == "credit_note" else 1.0

    def rules(self, product: Product | None = None) -> AppliedRules:
        return self.policy.rules_for(self.partner, product.category if product else None)

    def order_line(self, pair: LinePair) -> OrderLine | None:
        if pair.odoo_line is None:
            return None
        return self.catalog.order_line(pair.odoo_line.model, pair.odoo_line.id)

    def product(self, pair: LinePair) -> Product | None:
        return self.catalog.products.get(pair.product.id) if pair.product else None

    def document_line(self, pair: LinePair) -> ExtractedLine | None:
        if pair.document_line is None or pair.document_line >= len(self.extraction.lines):
            return None
        return self.extraction.lines[pair.document_line]

    def line_number(self, pair: LinePair) -> int | None:
        """Return the 1-based position the document prints, or the line's place in the list."""
        line = self.document_line(pair)
        if line is None or pair.document_line is None:
            return None
        return line.position or pair.document_line + 1

    # -- document values ----------------------------------------------------------------

    def amount(self, name: str) -> float | None:
        value = self.extraction.value(name)
        if value is None or value == "":
            return None
        try:
            return abs(float(value)) if self.sign < 0 else float(value)
        except (TypeError, ValueError):
            return None

    def document_date(self, name: str = "date") -> date | None:
        if name in self.profile_dates:
            return self.profile_dates[name]
        value = self.extraction.value(name)
        if not value:
            return None
        try:
            return date.fromisoformat(str(value)[:10])
        except ValueError:
            log.debug("field %s is not an ISO date; date checks skip it", name)
            return None

    def local_date(self, moment: datetime | None) -> date | None:
        """Return an Odoo UTC datetime as a calendar date in the company's time zone."""
        return moment.astimezone(self.timezone).date() if moment else None

    def currency(self) -> str | None:
        value = self.extraction.value("currency")
        if not value:
            return None
        text = str(value).strip().upper()
        return _CURRENCY_SIGNS.get(text, text)

    # -- findings -----------------------------------------------------------------------

    def add(
        self,
        kind: FindingKind,
        rule: str,
        message: str,
        *,
        rules: AppliedRules | None = None,
        tolerance: str | None = None,
        line: int | None = None,
        document_value: Scalar = None,
        odoo_value: Scalar = None,
        evidence: dict[str, Any] | None = None,
    ) -> Finding:
        """Record a finding with the severity the applicable policy gives its kind."""
        finding = Finding(
            kind=kind,
            severity=self.policy.severity_of(kind, rules or self.rules()),
            rule=rule,
            tolerance=tolerance,
            line=line,
            document_value=document_value,
            odoo_value=odoo_value,
            message=message,
            evidence=evidence or {},
        )
        log.debug("finding %s (%s) on line %s by rule %s: %s", kind.value, finding.severity.value, line, rule, tolerance or "no tolerance")
        self.findings.append(finding)
        return finding

    def passed(self, what: str, reason: str) -> None:
        log.debug("passed %s: %s", what, reason)


def quantity_text(value: float | None, unit: str, rounding: float | None = None) -> str:
    """Format a quantity with its unit, rounded to the unit's rounding when it is given."""
    if value is None:
        return "?"
    shown = odoo_round(value, min(rounding, 0.01), "HALF-UP") if rounding else value
    return f"{format_quantity(shown)} {unit}"


def money(value: float | None, currency: str | None) -> str:
    if value is None:
        return "?"
    return f"{value:,.2f} {currency}" if currency else f"{value:,.2f}"
