"""Render cases: a terminal summary, the JSON case contract and an HTML report.

The summary and the report write messages without local folders and name a document by
its file name, not by the hash name of its stored copy (see `docmatch.reporting.redact`).
"""

from __future__ import annotations

import html
from typing import Any

from docmatch.models import Case
from docmatch.reporting.explain import finding_value
from docmatch.reporting.redact import document_text

_CONTRACT_KEYS = {"document", "partner", "matched", "findings", "explanation", "opens_ticket", "explanation_record", "ticket", "notes"}


def cases_to_json(cases: list[Case]) -> list[dict[str, Any]]:
    """Return the cases in the public case contract."""
    return [case.model_dump(mode="json", include=_CONTRACT_KEYS) for case in cases]


def render_summary(cases: list[Case]) -> str:
    """Return a short human summary: one block per case, one line per finding."""
    blocks: list[str] = []
    for case in cases:
        matched = ", ".join(record.name for record in case.matched) or "no Odoo record"
        lines = [f"{case.document.filename} [{case.document.doc_type}] -> {matched}: {_verdict(case)}, {len(case.findings)} finding(s)"]
        for finding in case.findings:
            # Most messages name their line already; the prefix is for those that do not.
            message = document_text(case, finding.message)
            where = f"line {finding.line}: " if finding.line and not message.lower().startswith(f"line {finding.line}") else ""
            lines.append(f"  {finding.severity.value:<6} {finding.kind.value:<24} {where}{message}")
        lines.extend(f"  note: {document_text(case, note)}" for note in case.notes)
        blocks.append("\n".join(lines))
    for_review = sum(case.opens_ticket for case in cases)
    opened = sum(case.opens_ticket and case.ticket is not None for case in cases)
    in_odoo = f", {opened} ticket(s) in Odoo" if opened else ""
    blocks.append(f"{len(cases)} document(s), {for_review} for review{in_odoo}")
    return "\n".join(blocks)


def _verdict(case: Case) -> str:
    """Return "TICKET helpdesk.ticket #12" when the case opened that ticket, else TICKET, note or clean."""
    if case.opens_ticket and case.ticket is not None:
        return f"TICKET {case.ticket.model} #{case.ticket.id}"
    if case.opens_ticket:
        return "TICKET"
    return "note" if case.findings else "clean"


def render_html(cases: list[Case]) -> str:
    """Return a self-contained HTML report of the cases."""
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'><title>docmatch report</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}.high{background:#fdd}.medium{background:#ffe9c7}"
        ".low{background:#eef}</style></head><body><h1>docmatch report</h1>",
    ]
    for case in cases:
        esc = html.escape
        matched = ", ".join(esc(record.name) for record in case.matched) or "no Odoo record"
        parts.append(f"<h2>{esc(case.document.filename)} <small>({esc(case.document.doc_type)}, {matched})</small></h2>")
        parts.append(f"<p>{esc(document_text(case, case.explanation))}</p>")
        if case.notes:
            parts.append("<ul class='notes'>" + "".join(f"<li>{esc(document_text(case, note))}</li>" for note in case.notes) + "</ul>")
        if not case.findings:
            continue
        parts.append("<table><tr><th>severity</th><th>kind</th><th>line</th><th>document</th><th>Odoo</th><th>rule</th><th>tolerance</th><th>message</th></tr>")
        for finding in case.findings:
            # Values with their units, as the terminal and the ticket write them.
            cells = [finding.severity.value, finding.kind.value, finding.line or "", finding_value(finding, "document"), finding_value(finding, "odoo"), finding.rule, finding.tolerance or "", document_text(case, finding.message)]
            row = "".join(f"<td>{esc('' if cell is None else str(cell))}</td>" for cell in cells)
            parts.append(f"<tr class='{finding.severity.value}'>{row}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)
