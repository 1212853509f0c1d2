"""Template explanations: one sentence per finding and a suggested next step."""

from __future__ import annotations

from docmatch.models import Case


def template_explanation(case: Case) -> str:
    """Return a plain-text explanation built only from the case's findings."""
    # TODO: placeholder; per-kind sentences and next steps come with the explanation work.
    if not case.findings:
        return "The document agrees with Odoo within the configured tolerances."
    return " ".join(finding.message for finding in case.findings)
