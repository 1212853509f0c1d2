"""Apply the tolerance policy to one matched document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from docmatch.models import Extraction, Finding, MatchResult, Severity
from docmatch.odoo.catalog import Catalog


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
class Policy:
    # TODO: placeholder until the YAML policy lands.
    ticket_severities: tuple[str, ...] = ("medium", "high")

    def opens_ticket(self, findings: list[Finding]) -> bool:
        return any(finding.severity in self.ticket_severities for finding in findings)


def load_policy(path: str | Path | None = None) -> Policy:
    return Policy()


def evaluate(
    extraction: Extraction,
    match: MatchResult,
    catalog: Catalog,
    policy: Policy,
    *,
    prior_documents: list[PriorDocument] | None = None,
) -> list[Finding]:
    """Return the findings for one document, each naming its rule and tolerance."""
    return []
