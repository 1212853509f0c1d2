"""The dashboard read from the real PostgreSQL server, and the SQL views over it."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import text

from docmatch.storage.store import Store
from docmatch.web.dashboard import Filters, build_dashboard
from docmatch.web.store_repository import StoreRepository
from docmatch.web.views import create_reporting_views

pytestmark = pytest.mark.services

def test_dashboard_counts_equal_database(store: Store, stored_records) -> None:  # type: ignore[no-untyped-def]
    board = build_dashboard(StoreRepository(store).all(), Filters(), now=datetime.now(timezone.utc))

    with store.engine.connect() as connection:
        documents = connection.execute(text("select count(*) from documents")).scalar_one()
        tickets = connection.execute(text("select count(*) from cases where opens_ticket")).scalar_one()
        invoices = connection.execute(text("select count(*) from documents where doc_type = 'invoice'")).scalar_one()
    assert board.total == documents
    assert board.exception_rate.numerator == tickets
    assert board.by_doc_type["invoice"]["documents"] == invoices


def test_reporting_views_agree_with_dashboard(store: Store, stored_records) -> None:  # type: ignore[no-untyped-def]
    create_reporting_views(store.engine)

    board = build_dashboard(StoreRepository(store).all(), Filters())

    with store.engine.connect() as connection:
        cases = connection.execute(text("select count(*) from docmatch_cases")).scalar_one()
        exceptions = connection.execute(text("select count(*) from docmatch_cases where opens_ticket")).scalar_one()
        findings = connection.execute(text("select count(*) from docmatch_findings")).scalar_one()
        channels = dict(connection.execute(text("select channel, count(*) from docmatch_documents group by channel")).all())
    assert cases == board.total
    assert exceptions == board.exception_rate.numerator
    assert findings == sum(len(record.case.findings) for record in StoreRepository(store).all())
    assert channels == {name: row["documents"] for name, row in board.by_channel.items()}


def test_store_repository_round_trip(store: Store, stored_records) -> None:  # type: ignore[no-untyped-def]
    loaded = StoreRepository(store).get(stored_records[0].sha256)

    assert loaded is not None
    assert loaded.case.findings == stored_records[0].case.findings
    assert loaded.extraction.fields["number"].bbox == stored_records[0].extraction.fields["number"].bbox
    assert loaded.channel == "imap"
    assert loaded.match.pairs[0].odoo_quantity == 8
