"""Render cases: a terminal summary, the JSON case contract and an HTML report."""

from __future__ import annotations

import html
from typing import Any

from docmatch.models import Case

_CONTRACT_KEYS = {"document", "partner", "matched", "findings", "explanation", "opens_ticket", "explanation_record", "ticket", "notes"}


def cases_to_json(cases: list[Case]) -> list[dict[str, Any]]:
    """Return the cases in the public case contract."""
    return [case.model_dump(mode="json", include=_CONTRACT_KEYS) for case in cases]


def render_summary(cases: list[Case]) -> str:
    """Return a short human summary: one block per case, one line per finding."""
    blocks: list[str] = []
    for case in cases:
        matched = ", ".join(record.name for record in case.matched) or "no Odoo record"
        verdict = "TICKET" if case.opens_ticket else ("note" if case.findings else "clean")
        lines = [f"{case.document.filename} [{case.document.doc_type}] -> {matched}: {verdict}, {len(case.findings)} finding(s)"]
        for finding in case.findings:
            # Most messages name their line already; the prefix is for those that do not.
            where = f"line {finding.line}: " if finding.line and not finding.message.lower().startswith(f"line {finding.line}") else ""
            lines.append(f"  {finding.severity.value:<6} {finding.kind.value:<24} {where}{finding.message}")
        lines.extend(f"  note: {note}" for note in case.notes)
        blocks.append("\n".join(lines))
    tickets = sum(case.opens_ticket for case in cases)
    blocks.append(f"{len(cases)} document(s), {tickets} for review")
    return "\n".join(blocks)


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
        parts.append(f"<p>{esc(case.explanation)}</p>")
        if case.notes:
            parts.append("<ul class='notes'>" + "".join(f"<li>{esc(note)}</li>" for note in case.notes) + "</ul>")
        if not case.findings:
            continue
        parts.append("<table><tr><th>severity</th><th>kind</th><th>line</th><th>document</th><th>Odoo</th><th>rule</th><th>tolerance</th><th>message</th></tr>")
        for finding in case.findings:
            cells = [finding.severity.value, finding.kind.value, finding.line or "", finding.document_value, finding.odoo_value, finding.rule, finding.tolerance or "", finding.message]
            row = "".join(f"<td>{esc('' if cell is None else str(cell))}</td>" for cell in cells)
            parts.append(f"<tr class='{finding.severity.value}'>{row}</tr>")
        parts.append("</table>")
    parts.append("</body></html>")
    return "".join(parts)
