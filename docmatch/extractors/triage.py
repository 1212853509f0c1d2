"""Decide per page whether to trust the text layer or run OCR."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class TriageDecision:
    needs_ocr: bool
    reason: str


def decide(page) -> TriageDecision:  # type: ignore[no-untyped-def]
    """Return whether the pdfplumber `page` must be OCR'd, and why."""
    # TODO: placeholder; trusts any page with at least one character.
    return TriageDecision(needs_ocr=not page.chars, reason="no text layer" if not page.chars else "text layer")
