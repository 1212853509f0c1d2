"""SQL views over docmatch's tables for BI tools such as Metabase or Grafana.

The views use only portable SQL, so the same statements work on PostgreSQL and
SQLite. `docmatch serve` does not need them; `create_reporting_views` installs or
replaces them, and `docs/sql-views.md` lists their columns and a read-only role.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine

VIEWS: dict[str, str] = {
    # One row per document with its first arrival.
    "docmatch_documents": """
        SELECT d.id AS document_id, d.sha256, d.filename, d.doc_type, d.state, d.state_changed_at,
               d.error_reason, a.channel, a.received_at
        FROM documents d
        LEFT JOIN arrivals a ON a.id = (SELECT MIN(a2.id) FROM arrivals a2 WHERE a2.document_id = d.id)
    """,
    # The newest case of each document with the number of its findings.
    "docmatch_cases": """
        SELECT c.id AS case_id, c.document_id, c.status, c.opens_ticket, c.created_at, c.closed_at,
               (SELECT COUNT(*) FROM findings f
                 WHERE f.document_id = c.document_id
                   AND f.match_id = (SELECT MAX(m.id) FROM matches m WHERE m.document_id = c.document_id)) AS finding_count
        FROM cases c
        WHERE c.id = (SELECT MAX(c2.id) FROM cases c2 WHERE c2.document_id = c.document_id)
    """,
    # The findings of the newest match of each document.
    "docmatch_findings": """
        SELECT f.id AS finding_id, f.document_id, f.kind, f.severity, f.rule, f.line
        FROM findings f
        WHERE f.match_id = (SELECT MAX(m.id) FROM matches m WHERE m.document_id = f.document_id)
    """,
    # Reviewer decisions read back from Helpdesk tickets.
    "docmatch_outcomes": """
        SELECT t.document_id, t.ticket_id, t.model AS ticket_model, t.helpdesk_variant,
               o.decision, o.decided_at
        FROM ticket_links t
        JOIN reviewer_outcomes o ON o.ticket_link_id = t.id
    """,
}


def create_reporting_views(engine: Engine) -> None:
    """Create or replace the reporting views in the database behind `engine`."""
    with engine.begin() as connection:
        for name, body in VIEWS.items():
            connection.execute(text(f"DROP VIEW IF EXISTS {name}"))
            connection.execute(text(f"CREATE VIEW {name} AS {body}"))
