"""StageRunner without a broker: one run per key, transient errors, failures, and re-matching."""

from __future__ import annotations

import importlib.util
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from docmatch.errors import OdooTransientError
from docmatch.ingest import register_file
from docmatch.models import Case, OdooRef
from docmatch.pipeline import PipelineContext
from docmatch.rules import load_policy
from docmatch.settings import load_settings
from docmatch.storage.store import Store
from docmatch.storage.tables import DocumentState
from docmatch.workers.stages import STAGE_FOR_STATE, StageRunner, stuck_documents
from tests.db_schema import fresh_schema

pytestmark = pytest.mark.services

ACME = 10


def _builders():
    # Test folders cannot import each other by name under --import-mode=importlib.
    name = "docmatch_test_builders"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parents[1] / "matchers" / "builders.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)  # type: ignore[union-attr]
    return sys.modules[name]


def catalog(received_cases: float):  # type: ignore[no-untyped-def]
    """P00410: 2 cases of cable ties ordered, `received_cases` received so far."""
    builders = _builders()
    builder = builders.CatalogBuilder()
    builder.partner(ACME, "Acme Industrial Supply Ltd").product(1, "TIE-200", "Cable tie 200 mm", purchase_uom=builders.CASE12)
    builder.order(1, "P00410", ACME, [dict(product=1, qty=2, uom=builders.CASE12, price=30.0, moved=received_cases)], amount_tax=11.40)
    return builder.build()


def invoice(path, *, settings=None):  # type: ignore[no-untyped-def]
    return _builders().extraction(
        number="INV-410", date="2024-04-02", po_reference="P00410", vendor_name="Acme Industrial Supply Ltd", currency="EUR", net=60.0, tax=11.40, total=71.40,
        lines=[dict(code="TIE-200", description="Cable tie 200 mm", quantity=2, uom="CS", unit_price=30.0, amount=60.0)],
    )


class Tickets:
    def __init__(self) -> None:
        self.opened: list[str] = []

    def __call__(self, case: Case, key: str) -> OdooRef:
        self.opened.append(key)
        return OdooRef(model="helpdesk.ticket", id=len(self.opened), name=f"#{len(self.opened)}")


@pytest.fixture
def store() -> Iterator[Store]:
    with fresh_schema("stages") as url:
        store = Store(url)
        store.migrate()
        yield store
        store.dispose()


@pytest.fixture
def world(store: Store, tmp_path: Path):  # type: ignore[no-untyped-def]
    tickets = Tickets()
    context = PipelineContext(settings=load_settings(company_timezone="Europe/Berlin"), catalog=catalog(0), policy=load_policy(), extractor=invoice, ticket_opener=tickets, store=store)
    path = tmp_path / "inv-410.pdf"
    path.write_bytes(b"%PDF-1.4 " + uuid.uuid4().hex.encode())
    doc_id = store.add_arrival(register_file(path, channel="folder")).id
    return context, tickets, doc_id


def runner(store: Store, context, name: str = "w1") -> StageRunner:  # type: ignore[no-untyped-def]
    return StageRunner(store, lambda: context, claimant=name, lease_seconds=30, max_attempts=3)


def run_all(store: Store, context, doc_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    """Run the stages as the tasks would queue them; return the outcome of each stage run."""
    outcomes = []
    stage: str | None = "extract"
    while stage:
        outcome = runner(store, context).run(stage, doc_id)
        outcomes.extend(result for _name, result in outcome.ran)
        stage = outcome.next_stage
    return outcomes


def test_stages_run_in_order_and_a_replay_does_nothing(store: Store, world) -> None:  # type: ignore[no-untyped-def]
    context, tickets, doc_id = world

    assert run_all(store, context, doc_id) == ["done", "done", "done"]
    assert [runner(store, context, "late").run(stage, doc_id).outcome for stage in ("extract", "match", "report")] == ["duplicate"] * 3

    case = store.latest_case(doc_id)
    assert case is not None
    assert [finding.kind.value for finding in case.findings] == ["billed_exceeds_received"]
    assert case.ticket is not None
    assert len(tickets.opened) == 1
    assert store.ticket_link(doc_id) is not None


def test_a_new_receipt_in_odoo_resolves_the_open_case(store: Store, world) -> None:  # type: ignore[no-untyped-def]
    context, tickets, doc_id = world
    run_all(store, context, doc_id)
    assert store.case_status(doc_id) == "open"

    # The receipt is validated in Odoo; the re-match after the change closes the case.
    context.catalog = catalog(2)
    outcome = runner(store, context).run("rematch", doc_id, generation="marker-2")

    assert outcome.outcome == "done"
    assert store.case_status(doc_id) == "clean"
    assert store.open_cases() == []
    assert store.state_of(doc_id) == (DocumentState.REPORTED, None)
    assert runner(store, context).run("rematch", doc_id, generation="marker-2").outcome == "duplicate"
    # The one ticket was updated once with the clean case, so its note can report that nothing is left.
    assert len(set(tickets.opened)) == 1
    assert len(tickets.opened) == 2


def test_a_transient_error_gives_the_document_back(store: Store, world) -> None:  # type: ignore[no-untyped-def]
    context, _tickets, doc_id = world
    runner(store, context).run("extract", doc_id)

    def odoo_away() -> PipelineContext:
        raise OdooTransientError("Odoo did not answer within 30 s")

    # More transient errors than max_attempts: each gives the document back and none fails it.
    for attempt in range(4):
        with pytest.raises(OdooTransientError):
            StageRunner(store, odoo_away, claimant=f"w{attempt}", lease_seconds=30, max_attempts=3).run("match", doc_id)

    assert store.state_of(doc_id) == (DocumentState.EXTRACTED, None)
    assert runner(store, context, "w2").run("match", doc_id).outcome == "done"


def test_any_other_error_fails_the_document_with_the_reason(store: Store, world) -> None:  # type: ignore[no-untyped-def]
    context, _tickets, doc_id = world

    def broken_extractor(path, *, settings=None):  # type: ignore[no-untyped-def]
        raise ValueError("page tree is cyclic")

    context.extractor = broken_extractor
    outcome = runner(store, context).run("extract", doc_id)

    assert outcome.outcome == "failed"
    assert outcome.next_stage is None
    state, reason = store.state_of(doc_id)
    assert state == DocumentState.FAILED
    assert reason == "extract failed: ValueError: page tree is cyclic"
    assert runner(store, context).run("extract", doc_id).outcome == "gone"
    assert store.failed_documents() == [(doc_id, reason)]

    # After the fix, `docmatch retry` puts it back and the stages run again.
    context.extractor = invoice
    assert store.requeue(doc_id, actor="test") is True
    assert run_all(store, context, doc_id) == ["done", "done", "done"]
    assert store.requeue(doc_id, actor="test") is False


def test_the_sweeper_knows_which_stage_moves_each_state_on(store: Store, world) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    context, _tickets, doc_id = world
    runner(store, context).run("extract", doc_id)

    assert stuck_documents(store, older_than=timedelta(seconds=0)) == [(doc_id, "match")]
    assert STAGE_FOR_STATE == {
        "received": "extract", "extracting": "extract", "extracted": "match", "matching": "match", "matched": "report", "reporting": "report",
    }


def report_attempts(store: Store, doc_id: int) -> tuple[int, bool]:
    from sqlalchemy import select

    from docmatch.storage.tables import TaskRecordRow

    with store.session() as session:
        record = session.scalar(select(TaskRecordRow).where(TaskRecordRow.key == f"report:{doc_id}"))
        assert record is not None
        return record.attempts, record.done_at is not None


class WorkerKilled(BaseException):
    """Stands for SIGKILL: not an `Exception`, so the runner neither fails nor releases the document."""


def test_match_runs_report_in_the_same_execution(store: Store, world) -> None:  # type: ignore[no-untyped-def]
    """GIVEN an extracted document WHEN one execution runs match THEN it also claims and runs report."""
    context, tickets, doc_id = world
    runner(store, context).run("extract", doc_id)

    outcome = runner(store, context, "w-match").run("match", doc_id)

    assert outcome.ran == (("match", "done"), ("report", "done"))
    assert outcome.next_stage is None
    assert store.state_of(doc_id) == (DocumentState.REPORTED, None)
    assert report_attempts(store, doc_id) == (1, True)
    assert len(tickets.opened) == 1
    # The audit log keeps every state, each by the execution that ran the stage.
    assert [(before, after, actor) for before, after, actor, _ in store.history(doc_id)][-4:] == [
        ("extracted", "matching", "w-match"), ("matching", "matched", "w-match"), ("matched", "reporting", "w-match"), ("reporting", "reported", "w-match"),
    ]


def test_chained_report_runs_once_under_redelivery(store: Store, world) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a match execution killed while it ran report WHEN the match task comes again
    THEN it queues report, which takes the document over after the lease and runs once."""
    import time

    context, tickets, doc_id = world
    runner(store, context).run("extract", doc_id)
    opener = context.ticket_opener

    def killed(case: Case, key: str) -> OdooRef:
        raise WorkerKilled

    context.ticket_opener = killed
    with pytest.raises(WorkerKilled):
        StageRunner(store, lambda: context, claimant="dies", lease_seconds=0.5, max_attempts=3).run("match", doc_id)
    assert store.state_of(doc_id) == (DocumentState.REPORTING, None)
    context.ticket_opener = opener

    redelivered = runner(store, context, "again").run("match", doc_id)
    assert redelivered.outcome == "duplicate"
    assert redelivered.next_stage == "report"

    time.sleep(0.6)
    assert runner(store, context, "report-task").run("report", doc_id).outcome == "done"
    assert report_attempts(store, doc_id) == (2, True)
    assert len(tickets.opened) == 1

    # Any later delivery of either task does nothing and queues nothing.
    for stage in ("match", "report"):
        late = runner(store, context, "late").run(stage, doc_id)
        assert (late.outcome, late.next_stage) == ("duplicate", None)
    assert len(tickets.opened) == 1
    assert store.state_of(doc_id) == (DocumentState.REPORTED, None)


def test_chained_report_busy_while_its_claim_lives(store: Store, world) -> None:  # type: ignore[no-untyped-def]
    """GIVEN a chained report held by a live claim WHEN a report task comes THEN it waits for the lease."""
    context, _tickets, doc_id = world
    runner(store, context).run("extract", doc_id)

    def killed(case: Case, key: str) -> OdooRef:
        raise WorkerKilled

    context.ticket_opener = killed
    with pytest.raises(WorkerKilled):
        runner(store, context, "holder").run("match", doc_id)

    busy = runner(store, context, "other").run("report", doc_id)
    assert busy.outcome == "busy"
    assert 0 < busy.retry_in <= 30


def test_transient_error_in_chained_report_queues_it(store: Store, world) -> None:  # type: ignore[no-untyped-def]
    """GIVEN Odoo away while the chained report opens the ticket WHEN match runs
    THEN match is recorded, report's claim is given back and report is queued as its own task."""
    context, tickets, doc_id = world
    runner(store, context).run("extract", doc_id)
    opener = context.ticket_opener

    def odoo_away(case: Case, key: str) -> OdooRef:
        raise OdooTransientError("Odoo did not answer within 30 s")

    context.ticket_opener = odoo_away
    outcome = runner(store, context).run("match", doc_id)

    assert outcome.ran == (("match", "done"), ("report", "released"))
    assert outcome.next_stage == "report"
    assert store.state_of(doc_id) == (DocumentState.MATCHED, None)
    assert report_attempts(store, doc_id) == (0, False)

    context.ticket_opener = opener
    assert runner(store, context, "w2").run("report", doc_id).outcome == "done"
    assert len(tickets.opened) == 1
