"""Matching: find the Odoo records a document refers to and pair its lines.

Entry point: `match_document(extraction, catalog)`. Matchers decide what belongs
together; they do not judge differences, which is the rules' job.
"""

from docmatch.matchers.api import match_document

__all__ = ["match_document"]
