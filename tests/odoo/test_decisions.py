"""Reviewer decisions read back from tickets, recorded in the Store, and learned pairings reused."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from docmatch.models import Arrival, Document, ExtractedLine, Extraction, MatchResult
from docmatch.odoo.catalog import load_catalog
from docmatch.odoo.client import OdooClient
from docmatch.odoo.decisions import read_decisions, sync_decisions
from docmatch.odoo.helpdesk import report_case
from docmatch.odoo.live import LiveSource
from docmatch.odoo.testserver import OdooTestServer
from docmatch.odoo.testserver.database import User
from docmatch.pipeline import DocumentResult
from docmatch.storage.store import Store

from .conftest import sample_case, settings_for

SHA = "cd" * 32
RESOLUTION_TAG_IDS = {"accepted variance": 1, "rejected": 2, "corrected in Odoo": 3}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    database = Store(f"sqlite:///{tmp_path / 'docmatch.sqlite3'}")
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def reported(odoo_server: OdooTestServer, client: OdooClient, store: Store, document_file: Path) -> tuple[int, int]:
    """Return (document id, ticket id) of a reported case whose document is in the store."""
    document = Document(sha256=SHA, filename="INV-2024-0417.pdf", arrivals=[Arrival(channel="cli", source=str(document_file), filename="INV-2024-0417.pdf")])
    document_id = store.add_arrival(document).id
    ticket = report_case(sample_case(SHA), document_file, client, settings_for(odoo_server))
    return document_id, ticket.id


def reviewer_sets(server: OdooTestServer, ticket_id: int, *, closed: bool, tag: str | None = None, user: User | None = None) -> None:
    """Do what a reviewer does in the Odoo form: move the ticket to a closed or open stage and tag it."""
    database = server.database
    stage = 3 if closed else 2
    values: dict = {"stage_id": stage}
    if tag:
        values["tag_ids"] = [[4, RESOLUTION_TAG_IDS[tag]]]
    database.write("helpdesk.ticket", user or database.users[2], {}, [ticket_id], values)


def add_user(server: OdooTestServer, name: str) -> User:
    """Add a back-office user who works in Odoo's web client, not through docmatch's API key."""
    docmatch_user = server.database.users[2]
    uid = max(server.database.users) + 1
    user = replace(docmatch_user, uid=uid, login=name.lower().replace(" ", "."), api_key=f"web-session-{uid}")
    server.database.users[user.uid] = user
    server.database.rows["res.users"][user.uid] = {**server.database.rows["res.users"][2], "id": user.uid, "name": name, "login": user.login}
    return user


def test_closed_ticket_read_with_resolution(odoo_server: OdooTestServer, client: OdooClient, reported: tuple[int, int]) -> None:
    _document_id, ticket_id = reported
    reviewer_sets(odoo_server, ticket_id, closed=True, tag="accepted variance")

    [decision] = read_decisions(client)
    assert decision.ticket_id == ticket_id
    assert decision.closed
    assert decision.outcome == "accepted_variance"
    assert decision.sha256 == SHA
    assert [(pairing.kind, pairing.partner_id, pairing.printed_text, pairing.target_id) for pairing in decision.pairings] == [("vendor_code", 7, "VND-9999", 12)]


def test_decision_recorded_and_case_learned(odoo_server: OdooTestServer, client: OdooClient, store: Store, reported: tuple[int, int]) -> None:
    """GIVEN a ticket closed as accepted variance WHEN decisions sync THEN the outcome is recorded once and the pairing is learned."""
    document_id, ticket_id = reported
    reviewer_sets(odoo_server, ticket_id, closed=True, tag="accepted variance")

    report = sync_decisions(client, store)
    again = sync_decisions(client, store)

    assert [outcome for _decision, outcome in report.recorded] == ["accepted_variance"]
    assert again.recorded == []
    assert [outcome.decision for outcome in store.reviewer_outcomes(document_id)] == ["accepted_variance"]
    assert store.learned_vendor_codes() == {(7, "VND-9999"): 12}


def test_learned_alias_reused_next_time(odoo_server: OdooTestServer, client: OdooClient, store: Store, reported: tuple[int, int]) -> None:
    """GIVEN a confirmed pairing of VND-9999 with FLG-DN50 WHEN the next catalog loads THEN a line printing VND-9999 resolves to that product."""
    lines = pytest.importorskip("docmatch.matchers.lines")
    index_module = pytest.importorskip("docmatch.matchers.index")
    _document_id, ticket_id = reported
    reviewer_sets(odoo_server, ticket_id, closed=True, tag="corrected in Odoo")
    sync_decisions(client, store)

    catalog = load_catalog(LiveSource(client))
    store.apply_learned_aliases(catalog)
    line = ExtractedLine(code="VND-9999", description="Flange DN 50", quantity=5)
    evidence = lines.identify_product(line, 7, index_module.build_index(catalog), catalog, trust_printed_codes=False)

    assert catalog.learned_vendor_codes == {(7, "VND-9999"): 12}
    assert evidence.product_ids == [12]
    assert evidence.method == "learned"


def test_rejected_teaches_nothing(odoo_server: OdooTestServer, client: OdooClient, store: Store, reported: tuple[int, int]) -> None:
    document_id, ticket_id = reported
    reviewer_sets(odoo_server, ticket_id, closed=True, tag="rejected")

    sync_decisions(client, store)

    assert [outcome.decision for outcome in store.reviewer_outcomes(document_id)] == ["rejected"]
    assert store.learned_vendor_codes() == {}


def test_reopened_ticket_recorded(odoo_server: OdooTestServer, client: OdooClient, store: Store, reported: tuple[int, int]) -> None:
    """GIVEN a closed ticket that a reviewer reopens WHEN decisions sync THEN 'reopened' follows the closing outcome."""
    document_id, ticket_id = reported
    reviewer_sets(odoo_server, ticket_id, closed=True, tag="rejected")
    sync_decisions(client, store)
    reviewer_sets(odoo_server, ticket_id, closed=False)
    sync_decisions(client, store)

    assert [outcome.decision for outcome in store.reviewer_outcomes(document_id)] == ["rejected", "reopened"]


def test_reopened_ticket_reopens_the_case(odoo_server: OdooTestServer, client: OdooClient, store: Store, reported: tuple[int, int]) -> None:
    """GIVEN a case closed by its ticket's closing WHEN the reviewer reopens the ticket THEN the case is open again."""
    document_id, ticket_id = reported
    case = sample_case(SHA)
    store.record_result(document_id, DocumentResult(store.load_document(document_id), Extraction(), MatchResult(), case))
    reviewer_sets(odoo_server, ticket_id, closed=True, tag="rejected")
    sync_decisions(client, store)
    assert store.case_status(document_id) == "resolved"

    reviewer_sets(odoo_server, ticket_id, closed=False)
    sync_decisions(client, store)

    assert store.case_status(document_id) == "open"


def test_reviewer_is_who_closed_the_ticket(odoo_server: OdooTestServer, client: OdooClient, store: Store, reported: tuple[int, int]) -> None:
    """GIVEN a ticket assigned to docmatch's user WHEN another user closes it THEN that user is recorded as the reviewer."""
    document_id, ticket_id = reported
    reviewer = add_user(odoo_server, "Jana Weber")
    reviewer_sets(odoo_server, ticket_id, closed=True, tag="rejected", user=reviewer)

    sync_decisions(client, store)

    assert [outcome.reviewer for outcome in store.reviewer_outcomes(document_id)] == ["Jana Weber"]


def test_open_ticket_records_nothing(odoo_server: OdooTestServer, client: OdooClient, store: Store, reported: tuple[int, int]) -> None:
    document_id, _ticket_id = reported
    report = sync_decisions(client, store)
    assert report.recorded == []
    assert store.reviewer_outcomes(document_id) == []


def test_closed_case_in_store(odoo_server: OdooTestServer, client: OdooClient, store: Store, reported: tuple[int, int]) -> None:
    document_id, ticket_id = reported
    reviewer_sets(odoo_server, ticket_id, closed=True, tag="accepted variance")
    sync_decisions(client, store)
    link = store.ticket_link(document_id)
    assert link is not None
    assert link.ticket.id == ticket_id
    assert link.helpdesk_variant == odoo_server.helpdesk


def test_beat_task_hook(odoo_server: OdooTestServer, store: Store, reported: tuple[int, int]) -> None:
    """The Celery beat task calls `sync_reviewer_decisions(settings, store)` and gets the count recorded."""
    from docmatch.odoo.helpdesk import sync_reviewer_decisions

    _document_id, ticket_id = reported
    reviewer_sets(odoo_server, ticket_id, closed=True, tag="accepted variance")
    assert sync_reviewer_decisions(settings_for(odoo_server), store) == 1
    assert sync_reviewer_decisions(settings_for(odoo_server), store) == 0


def test_printed_unit_pairing_learned(odoo_server: OdooTestServer, client: OdooClient, store: Store, document_file: Path) -> None:
    """GIVEN a finding proposing that 'CS' from vendor 7 is packaging 4 WHEN the reviewer accepts THEN the unit alias is learned."""
    from docmatch.models import Finding, FindingKind, Severity

    sha = "ef" * 32
    store.add_arrival(Document(sha256=sha, filename="INV-CS.pdf", arrivals=[Arrival(channel="cli", source="INV-CS.pdf", filename="INV-CS.pdf")]))
    finding = Finding(kind=FindingKind.UOM_MISMATCH, severity=Severity.HIGH, rule="uom", document_value="2 CS", odoo_value="24 Units", message="Unit CS is not known for this vendor", evidence={"partner_id": 7, "printed_unit": "CS", "unit_model": "product.packaging", "unit_id": 4})
    ticket = report_case(sample_case(sha, findings=[finding]), document_file, client, settings_for(odoo_server))
    reviewer_sets(odoo_server, ticket.id, closed=True, tag="accepted variance")

    sync_decisions(client, store)

    assert store.learned_units() == {(7, "CS"): ("product.packaging", 4)}
    assert store.learned_vendor_codes() == {}
