"""Store against the real PostgreSQL: documents by hash, states, stages, tickets, aliases."""

from __future__ import annotations

import hashlib
import threading
import uuid
from datetime import timedelta

import pytest

from docmatch.models import Arrival, Case, CaseDocument, Document, Extraction, ExtractedField, Finding, FindingKind, MatchResult, OdooRef, Severity
from docmatch.odoo.catalog import Catalog
from docmatch.storage.store import Claim, ClaimLost, Store
from docmatch.storage.tables import DocumentState

pytestmark = pytest.mark.services

EXTRACT = {"starts_from": (DocumentState.RECEIVED,), "running": DocumentState.EXTRACTING, "lease_seconds": 60, "max_attempts": 3}


def new_document(name: str = "invoice.pdf") -> Document:
    content = uuid.uuid4().bytes
    return Document(
        sha256=hashlib.sha256(content).hexdigest(),
        filename=name,
        media_type="application/pdf",
        size=len(content),
        path=f"/data/{name}",
        arrivals=[Arrival(channel="folder", source=f"/in/{name}", filename=name)],
    )


def finding(kind: FindingKind = FindingKind.PRICE_MISMATCH) -> Finding:
    return Finding(kind=kind, severity=Severity.HIGH, rule="price", message="price differs", line=2)


def test_same_content_twice_is_one_document_with_two_arrivals(store: Store) -> None:
    document = new_document()
    first = store.add_arrival(document)
    second = store.add_arrival(document, Arrival(channel="imap", source="INBOX:7:1", filename="copy.pdf"))

    assert first.created
    assert not second.created
    assert first.id == second.id
    loaded = store.load_document(first.id)
    assert loaded is not None
    assert [arrival.channel for arrival in loaded.arrivals] == ["folder", "imap"]
    assert store.state_of(first.id) == (DocumentState.RECEIVED, None)


def test_stored_copy_replaces_a_recorded_user_path(store: Store) -> None:
    """GIVEN a row that records the user's own path, as databases before stored copies do,
    WHEN the same content arrives with a copy named by its hash THEN the row points at the copy."""
    document = new_document()
    copy = f"/data/documents/{document.sha256[:2]}/{document.sha256}"
    first = store.add_arrival(document.model_copy(update={"path": "/home/clerk/invoice.pdf"}))

    store.add_arrival(document.model_copy(update={"path": copy}))
    store.add_arrival(document.model_copy(update={"path": "/home/clerk/moved/invoice.pdf"}))

    loaded = store.load_document(first.id)
    assert loaded is not None
    assert loaded.path == copy


def test_racing_arrivals_of_a_new_hash_make_one_document(store: Store) -> None:
    document = new_document()
    ids: list[int] = []
    barrier = threading.Barrier(6)

    def arrive() -> None:
        barrier.wait()
        ids.append(store.add_arrival(document).id)

    threads = [threading.Thread(target=arrive) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(set(ids)) == 1
    loaded = store.load_document(ids[0])
    assert loaded is not None
    assert len(loaded.arrivals) == 6


def test_a_stage_runs_once_under_its_key(store: Store) -> None:
    doc_id = store.add_arrival(new_document()).id
    key = f"extract:{doc_id}"

    claim = store.begin_stage(doc_id, stage="extract", key=key, claimant="w1", **EXTRACT)
    assert claim.outcome is Claim.RUN
    store.finish_stage(doc_id, key=key, claimant="w1", to_state=DocumentState.EXTRACTED, extraction=Extraction(doc_type="invoice", method="text"))

    replay = store.begin_stage(doc_id, stage="extract", key=key, claimant="w2", **EXTRACT)
    assert replay.outcome is Claim.DONE
    assert store.state_of(doc_id)[0] == DocumentState.EXTRACTED
    assert store.latest_extraction(doc_id) == Extraction(doc_type="invoice", method="text")
    assert [(old, new) for old, new, _actor, _reason in store.history(doc_id)] == [
        (None, "received"),
        ("received", "extracting"),
        ("extracting", "extracted"),
    ]


def test_a_live_claim_keeps_a_second_execution_out_until_it_expires(store: Store) -> None:
    doc_id = store.add_arrival(new_document()).id
    key = f"extract:{doc_id}"
    assert store.begin_stage(doc_id, stage="extract", key=key, claimant="w1", **{**EXTRACT, "lease_seconds": 0.5}).outcome is Claim.RUN

    busy = store.begin_stage(doc_id, stage="extract", key=key, claimant="w2", **EXTRACT)
    assert busy.outcome is Claim.BUSY
    assert 0 < busy.retry_in <= 0.5

    import time

    time.sleep(0.6)
    takeover = store.begin_stage(doc_id, stage="extract", key=key, claimant="w2", **EXTRACT)
    assert takeover.outcome is Claim.RUN
    assert takeover.attempts == 2
    # The first execution comes back late: its result is refused.
    with pytest.raises(ClaimLost):
        store.finish_stage(doc_id, key=key, claimant="w1", to_state=DocumentState.EXTRACTED, extraction=Extraction())
    store.finish_stage(doc_id, key=key, claimant="w2", to_state=DocumentState.EXTRACTED, extraction=Extraction())
    assert store.state_of(doc_id)[0] == DocumentState.EXTRACTED


def _statements_of(store: Store, call) -> list[str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(store.engine, "before_cursor_execute", record)
    return seen


def test_claim_commit_skips_disk_flush(store: Store) -> None:
    """A lost claim only leaves the document as it was, so a claim's commit need not wait for the disk; a result's must."""
    doc_id = store.add_arrival(new_document()).id
    key = f"extract:{doc_id}"

    claiming = _statements_of(store, lambda: store.begin_stage(doc_id, stage="extract", key=key, claimant="w1", **EXTRACT))
    finishing = _statements_of(store, lambda: store.finish_stage(doc_id, key=key, claimant="w1", to_state=DocumentState.EXTRACTED, extraction=Extraction()))

    assert claiming[0] == "SET LOCAL synchronous_commit TO OFF"
    assert not any("synchronous_commit" in statement for statement in finishing)
    assert store.state_of(doc_id)[0] == DocumentState.EXTRACTED


def test_chained_claim_of_a_done_key_runs_nothing(store: Store) -> None:
    """GIVEN the report key already done WHEN match finishes and chains report THEN the chained claim returns DONE."""
    from docmatch.storage.store import StageRequest

    doc_id = store.add_arrival(new_document()).id
    match = {"starts_from": (DocumentState.RECEIVED,), "running": DocumentState.MATCHING, "lease_seconds": 60, "max_attempts": 3}
    report = StageRequest("report", f"report:{doc_id}", (DocumentState.MATCHED,), DocumentState.REPORTING, 60, 3)
    store.begin_stage(doc_id, stage="match", key=f"match:{doc_id}", claimant="w1", **match)
    first = store.finish_stage(doc_id, key=f"match:{doc_id}", claimant="w1", to_state=DocumentState.MATCHED, then=report)
    assert first is not None
    assert first.outcome is Claim.RUN
    store.finish_stage(doc_id, key=report.key, claimant="w1", to_state=DocumentState.REPORTED)

    # A rematch-like second run through the same keys: the report key is done.
    store.transition(doc_id, DocumentState.RECEIVED, actor="test")
    store.begin_stage(doc_id, stage="match", key=f"match2:{doc_id}", claimant="w2", **match)
    second = store.finish_stage(doc_id, key=f"match2:{doc_id}", claimant="w2", to_state=DocumentState.MATCHED, then=report)

    assert second is not None
    assert second.outcome is Claim.DONE
    assert store.state_of(doc_id)[0] == DocumentState.MATCHED


def test_too_many_attempts_fail_the_document_with_the_reason(store: Store) -> None:
    doc_id = store.add_arrival(new_document()).id
    key = f"extract:{doc_id}"
    for attempt in range(3):
        assert store.begin_stage(doc_id, stage="extract", key=key, claimant=f"w{attempt}", **{**EXTRACT, "lease_seconds": 0}).outcome is Claim.RUN

    exhausted = store.begin_stage(doc_id, stage="extract", key=key, claimant="w9", **EXTRACT)

    assert exhausted.outcome is Claim.EXHAUSTED
    state, reason = store.state_of(doc_id)
    assert state == DocumentState.FAILED
    assert reason is not None
    assert "3 attempts" in reason
    assert store.begin_stage(doc_id, stage="extract", key=key, claimant="w10", **EXTRACT).outcome is Claim.GONE


def test_a_stage_does_not_start_from_the_wrong_state(store: Store) -> None:
    doc_id = store.add_arrival(new_document()).id
    claim = store.begin_stage(doc_id, stage="match", key=f"match:{doc_id}", claimant="w1", starts_from=(DocumentState.EXTRACTED,), running=DocumentState.MATCHING, lease_seconds=60, max_attempts=3)
    assert claim.outcome is Claim.NOT_READY


def test_match_findings_and_case_read_back(store: Store) -> None:
    document = new_document()
    doc_id = store.add_arrival(document).id
    match = MatchResult(records=[OdooRef(model="purchase.order", id=7, name="P00007")])
    case = Case(document=CaseDocument(sha256=document.sha256, filename=document.filename, doc_type="invoice"), findings=[finding()], opens_ticket=True)
    for stage, state, outputs in [
        ("extract", DocumentState.EXTRACTED, {"extraction": Extraction(doc_type="invoice")}),
        ("match", DocumentState.MATCHED, {"match": match, "findings": [finding()]}),
        ("report", DocumentState.REPORTED, {"case": case}),
    ]:
        store.transition(doc_id, DocumentState.EXTRACTING, actor="test")
        store.begin_stage(doc_id, stage=stage, key=f"{stage}:{doc_id}", claimant="w", starts_from=tuple(DocumentState), running=DocumentState.EXTRACTING, lease_seconds=60, max_attempts=3)
        store.finish_stage(doc_id, key=f"{stage}:{doc_id}", claimant="w", to_state=state, **outputs)

    assert store.latest_match(doc_id) == (match, [finding()])
    assert store.latest_case(doc_id) == case
    assert store.case_status(doc_id) == "open"
    assert doc_id in [open_case.document_id for open_case in store.open_cases()]


def test_a_clean_case_resolves_the_open_one(store: Store) -> None:
    document = new_document()
    doc_id = store.add_arrival(document).id
    header = CaseDocument(sha256=document.sha256, filename=document.filename)
    for case in (Case(document=header, findings=[finding()]), Case(document=header)):
        store.begin_stage(doc_id, stage="x", key=f"x:{doc_id}:{len(case.findings)}", claimant="w", starts_from=tuple(DocumentState), running=DocumentState.MATCHING, lease_seconds=60, max_attempts=3)
        store.finish_stage(doc_id, key=f"x:{doc_id}:{len(case.findings)}", claimant="w", to_state=DocumentState.REPORTED, case=case)

    assert store.case_status(doc_id) == "clean"
    assert doc_id not in [open_case.document_id for open_case in store.open_cases()]


def test_one_ticket_link_per_document_and_one_outcome_per_source(store: Store) -> None:
    doc_id = store.add_arrival(new_document()).id
    ticket = OdooRef(model="helpdesk.ticket", id=42, name="#42")

    assert store.add_ticket_link(doc_id, ticket, helpdesk_variant="enterprise") is True
    assert store.add_ticket_link(doc_id, OdooRef(model="helpdesk.ticket", id=43, name="#43"), helpdesk_variant="enterprise") is False
    link = store.ticket_link(doc_id)
    assert link is not None
    assert link.ticket.id == 42
    assert link.helpdesk_variant == "enterprise"

    assert store.add_reviewer_outcome(doc_id, "helpdesk.ticket:42:stage:3", "accepted", reviewer="ap-clerk") is True
    assert store.add_reviewer_outcome(doc_id, "helpdesk.ticket:42:stage:3", "accepted") is False
    assert [outcome.decision for outcome in store.reviewer_outcomes(doc_id)] == ["accepted"]


def test_learned_aliases_reach_the_catalog(store: Store) -> None:
    store.learn_alias("vendor_code", 9, "AB-100", "product.product", 5)
    store.learn_alias("vendor_code", 9, "AB-100", "product.product", 6, confirmed_by="reviewer")
    store.learn_alias("unit", 9, "CS", "product.packaging", 12)
    catalog = Catalog()

    store.apply_learned_aliases(catalog)

    assert catalog.learned_vendor_codes[(9, "AB-100")] == 6
    assert catalog.learned_units[(9, "CS")] == ("product.packaging", 12)


def test_prior_documents_are_those_that_arrived_earlier(store: Store) -> None:
    document = new_document()
    doc_id = store.add_arrival(document).id
    extraction = Extraction(doc_type="invoice", fields={"number": ExtractedField(value="INV-1"), "total": ExtractedField(value=12.5), "date": ExtractedField(value="2024-03-14")})
    store.begin_stage(doc_id, stage="extract", key=f"extract:{doc_id}", claimant="w", **EXTRACT)
    store.finish_stage(doc_id, key=f"extract:{doc_id}", claimant="w", to_state=DocumentState.EXTRACTED, extraction=extraction)

    everything = {prior.sha256: prior for prior in store.prior_documents()}
    assert everything[document.sha256].number == "INV-1"
    assert everything[document.sha256].total == 12.5
    assert str(everything[document.sha256].issue_date) == "2024-03-14"
    assert document.sha256 not in {prior.sha256 for prior in store.prior_documents(before_document_id=doc_id)}
    assert document.sha256 in {prior.sha256 for prior in store.prior_documents(before_document_id=doc_id + 1)}


def extracted(store: Store, name: str, **values: object) -> str:
    """Store a document with an extraction of the given field values; return its hash."""
    document = new_document(name)
    doc_id = store.add_arrival(document).id
    extraction = Extraction(doc_type="invoice", fields={field: ExtractedField(value=value) for field, value in values.items()})
    store.begin_stage(doc_id, stage="extract", key=f"extract:{doc_id}", claimant="w", **EXTRACT)
    store.finish_stage(doc_id, key=f"extract:{doc_id}", claimant="w", to_state=DocumentState.EXTRACTED, extraction=extraction)
    return document.sha256


def test_prior_documents_by_number_or_date(store: Store) -> None:
    # The store may hold other tests' documents, so the numbers and dates are this test's own.
    same_number = extracted(store, "a.pdf", number="LK-0017", total=90.0, date="2019-01-02")
    same_date = extracted(store, "b.pdf", number="LK-0999", total=12.5, date="2019-03-14")
    other = extracted(store, "c.pdf", number="LK-0500", total=12.5, date="2019-02-01")
    like = Extraction(doc_type="invoice", fields={"number": ExtractedField(value="lk 0017"), "total": ExtractedField(value=12.5), "date": ExtractedField(value="2019-03-14")})

    found = {prior.sha256 for prior in store.prior_documents(like=like)}

    assert {same_number, same_date} <= found
    assert other not in found


def test_prior_documents_like_another_type_are_none(store: Store) -> None:
    invoice = extracted(store, "a.pdf", number="LK-0018", date="2019-01-03")
    like = Extraction(doc_type="credit_note", fields={"number": ExtractedField(value="LK-0018"), "date": ExtractedField(value="2019-01-03")})

    assert invoice not in {prior.sha256 for prior in store.prior_documents(like=like)}


def test_stuck_documents_are_those_waiting_too_long(store: Store) -> None:
    doc_id = store.add_arrival(new_document()).id

    assert (doc_id, "received") not in store.stuck_documents(timedelta(hours=1))
    assert (doc_id, "received") in store.stuck_documents(timedelta(seconds=0))
    store.touch(doc_id)
    oldest = store.oldest_waiting()
    assert oldest is not None


def test_counts_by_state_and_channel(store: Store) -> None:
    store.add_arrival(new_document())
    counts = store.counts_by_state_and_channel()
    assert counts[("received", "folder")] >= 1
    assert sum(store.counts_by_state().values()) >= 1
