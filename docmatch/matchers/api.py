"""Match one extraction against the Odoo catalog."""

from __future__ import annotations

from docmatch.models import Extraction, MatchResult
from docmatch.odoo.catalog import Catalog


def match_document(extraction: Extraction, catalog: Catalog) -> MatchResult:
    """Return the Odoo records `extraction` refers to and its line pairing."""
    # TODO: placeholder until reference resolution and line pairing land.
    return MatchResult(notes=["matcher not implemented"])
