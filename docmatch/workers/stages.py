"""Run one pipeline stage of a stored document once per idempotency key, without a broker.

`StageRunner.run(stage, document_id)` is what each Celery task calls:

    1. claim the stage in the database under its idempotency key
       (`Store.begin_stage`): a key already done, a document held by a live
       execution, or one in another state ends here without doing anything;
    2. run the same stage functions as `docmatch process` (`docmatch.pipeline`);
    3. record the output, mark the key done and move the document on, in one
       transaction (`Store.finish_stage`);
    4. for a stage with `runs_next` (match), claim the next stage (report) in that
       same transaction and run it at once on the outputs still in memory, so the
       pair costs one task message, one claim transaction fewer and no read-back of
       the extraction and match.

A transient error (Odoo or the database briefly away) gives the claim back and is
raised for the task to retry, except in a chained stage, which is queued as its own
task instead. Any other error puts the document in `failed` with the reason. A worker
that dies mid-stage leaves its claim to expire; the redelivered task then takes the
document over, and after `max_attempts` starts the document fails.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from docmatch import metrics
from docmatch.errors import DocmatchError, OdooOutcomeUnknown, OdooTransientError
from docmatch.logs import document_context
from docmatch.models import Case, Document
from docmatch.pipeline import PipelineContext, extract_stage, match_stage, report_stage, rules_stage, ticket_stage
from docmatch.storage.store import Claim, ClaimLost, DatabaseUnavailable, StageClaim, StageRequest, Store
from docmatch.storage.tables import DocumentState

log = logging.getLogger(__name__)

# Errors after which the same call may well succeed; everything else fails the document.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (OdooTransientError, OdooOutcomeUnknown, DatabaseUnavailable, ConnectionError, TimeoutError)


@dataclass(frozen=True, slots=True)
class Stage:
    name: str
    starts_from: tuple[DocumentState, ...]
    running: DocumentState
    done: DocumentState
    next: str | None
    # Whether the task that finishes this stage claims `next` in the same transaction and
    # runs it at once on the outputs it has in memory, instead of queueing another task.
    runs_next: bool = False


STAGES: dict[str, Stage] = {
    "extract": Stage("extract", (DocumentState.RECEIVED,), DocumentState.EXTRACTING, DocumentState.EXTRACTED, "match"),
    # Match and report share the io queue, so one task runs both.
    "match": Stage("match", (DocumentState.EXTRACTED,), DocumentState.MATCHING, DocumentState.MATCHED, "report", runs_next=True),
    "report": Stage("report", (DocumentState.MATCHED,), DocumentState.REPORTING, DocumentState.REPORTED, None),
    # After a change in Odoo: match, judge and report a reported document again.
    # It keeps the document in `reported`, so the sweeper never mistakes it for a first match.
    "rematch": Stage("rematch", (DocumentState.REPORTED,), DocumentState.REPORTED, DocumentState.REPORTED, None),
}

# The stage that moves a document on from each non-final state (what the sweeper queues).
STAGE_FOR_STATE: dict[str, str] = {
    state.value: stage.name for stage in STAGES.values() if stage.name != "rematch" for state in (*stage.starts_from, stage.running)
}


def stage_key(stage: str, document_id: int, generation: str | None = None) -> str:
    """Return the idempotency key of a stage of a document; re-matches add the Odoo change they follow."""
    return f"{stage}:{document_id}" if generation is None else f"{stage}:{document_id}:{generation}"[:128]


@dataclass(frozen=True, slots=True)
class StageOutcome:
    outcome: str  # done, duplicate, busy, not_ready, gone, exhausted, failed, claim_lost
    next_stage: str | None = None
    retry_in: float = 0.0
    # The stages this execution ran, in order, with their outcomes: more than one when
    # a stage ran its successor (`Stage.runs_next`).
    ran: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class _Finished:
    outcome: StageOutcome
    next_claim: StageClaim | None = None
    handoff: dict[str, Any] | None = None


class StageRunner:
    """Runs stages for one task execution, named by `claimant` in claims and the audit log."""

    def __init__(self, store: Store, context: Callable[[], PipelineContext], *, claimant: str, lease_seconds: float, max_attempts: int) -> None:
        self.store = store
        self.context = context
        self.claimant = claimant
        self.lease_seconds = lease_seconds
        self.max_attempts = max_attempts

    def run(self, stage_name: str, document_id: int, *, generation: str | None = None) -> StageOutcome:
        """Run `stage_name` for the document unless its key is done or another execution has claimed it.

        A stage with `runs_next` claims its successor when it finishes and runs it
        here; the returned outcome is then the successor's, and `ran` lists both.

        Raises:
            One of `TRANSIENT_ERRORS`: the claim was given back; retry later.
        """
        stage = STAGES[stage_name]

        # Claim the stage, or learn why not.
        request = self._request(stage, document_id, generation)
        claim = self.store.begin_stage(
            document_id, stage=request.stage, key=request.key, claimant=self.claimant,
            starts_from=request.starts_from, running=request.running, lease_seconds=request.lease_seconds, max_attempts=request.max_attempts,
        )
        if claim.outcome is not Claim.RUN:
            return self._not_run(stage, document_id, claim.outcome, claim.state, claim.retry_in)

        # Run it and record what it produced, then the successor it claimed, if any.
        document = claim.document
        assert document is not None  # set with every RUN claim
        ran: list[tuple[str, str]] = []
        key, handoff = request.key, None
        with document_context(document.sha256):
            while True:
                finished = self._run_claimed(stage, document_id, document, key, handoff)
                ran.append((stage.name, finished.outcome.outcome))
                if finished.next_claim is None:
                    return replace(finished.outcome, ran=tuple(ran))
                if finished.next_claim.outcome is not Claim.RUN:
                    # Its own task sorts it out: it waits, runs, or finds its key done.
                    log.info("%s of document %d not run after %s: %s", stage.next, document_id, stage.name, finished.next_claim.outcome.value)
                    return replace(finished.outcome, next_stage=stage.next, ran=tuple(ran))
                stage = STAGES[stage.next or ""]
                key, handoff = stage_key(stage.name, document_id), finished.handoff

    def _request(self, stage: Stage, document_id: int, generation: str | None = None) -> StageRequest:
        return StageRequest(stage.name, stage_key(stage.name, document_id, generation), stage.starts_from, stage.running, self.lease_seconds, self.max_attempts)

    def _not_run(self, stage: Stage, document_id: int, outcome: Claim, state: str | None, retry_in: float) -> StageOutcome:
        log.info("%s of document %d not run: %s (state %s)", stage.name, document_id, outcome.value, state)
        label = "duplicate" if outcome is Claim.DONE else outcome.value
        metrics.STAGE_OUTCOMES.labels(stage.name, label).inc()
        if outcome is Claim.BUSY:
            return StageOutcome("busy", retry_in=retry_in, ran=((stage.name, "busy"),))
        # A redelivered task whose successor was never queued queues it now. With
        # `runs_next`, so does one whose successor this task ran and lost (a worker killed
        # mid-report leaves the document in the successor's running state). The
        # successor's own claim then decides whether it runs.
        resumable: tuple[DocumentState, ...] = ()
        if stage.next:
            successor = STAGES[stage.next]
            resumable = successor.starts_from
            if stage.runs_next:
                resumable = (*resumable, successor.running)
        waiting = state in {s.value for s in resumable}
        next_stage = stage.next if outcome is Claim.DONE and waiting else None
        return StageOutcome(label, next_stage=next_stage, ran=((stage.name, label),))

    def _run_claimed(self, stage: Stage, document_id: int, document: Document, key: str, handoff: dict[str, Any] | None) -> _Finished:
        started = time.perf_counter()
        finished = self._run_and_record(stage, document_id, document, key, handoff)
        metrics.STAGE_SECONDS.labels(stage.name).observe(time.perf_counter() - started)
        metrics.STAGE_OUTCOMES.labels(stage.name, finished.outcome.outcome).inc()
        return finished

    def _run_and_record(self, stage: Stage, document_id: int, document: Document, key: str, handoff: dict[str, Any] | None) -> _Finished:
        chained = handoff is not None
        successor = STAGES[stage.next] if stage.runs_next and stage.next else None
        try:
            outputs, next_handoff = getattr(self, f"_{stage.name}")(document_id, document, handoff)
            then = self._request(successor, document_id) if successor is not None else None
            next_claim = self.store.finish_stage(document_id, key=key, claimant=self.claimant, to_state=stage.done, then=then, **outputs)
        except ClaimLost as exc:
            log.warning("%s result dropped: %s", stage.name, exc.message)
            return _Finished(StageOutcome("claim_lost"))
        except TRANSIENT_ERRORS as exc:
            log.warning("%s hit a transient error, giving the document back: %s", stage.name, exc)
            self.store.release(document_id, key=key, claimant=self.claimant, to_state=stage.starts_from[0], reason=f"transient: {exc}")
            if chained:
                # The stage before it is recorded: queue this one as its own task, with its own retries.
                return _Finished(StageOutcome("released", next_stage=stage.name))
            raise
        except Exception as exc:
            reason = f"{stage.name} failed: {exc.__class__.__name__}: {exc}"
            log.error("%s", reason, exc_info=True)
            self.store.fail(document_id, reason[:2000], actor=self.claimant)
            return _Finished(StageOutcome("failed"))
        log.info("%s done", stage.name)
        if successor is not None:
            return _Finished(StageOutcome("done"), next_claim, next_handoff)
        return _Finished(StageOutcome("done", next_stage=stage.next))

    # --- the stages -------------------------------------------------------------------
    # Each takes the outputs of the stage before it when this execution ran that stage
    # (else None: it reads them from the store) and returns what `finish_stage` records
    # and what the next stage needs.

    def _extract(self, document_id: int, document: Document, handoff: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
        extraction = extract_stage(document, self.context())
        return {"extraction": extraction}, {"extraction": extraction}

    def _match(self, document_id: int, document: Document, handoff: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
        context = self.context()
        extraction = handoff["extraction"] if handoff else self.store.latest_extraction(document_id)
        if extraction is None:
            raise DocmatchError(f"document {document_id} has no extraction to match")
        match = match_stage(extraction, context)
        findings = rules_stage(extraction, match, context, sha256=document.sha256, document_id=document_id)
        for finding in findings:
            metrics.FINDINGS.labels(finding.kind.value).inc()
        outputs = {"match": match, "findings": findings}
        return outputs, {"extraction": extraction, **outputs}

    def _report(self, document_id: int, document: Document, handoff: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
        context = self.context()
        if handoff:
            extraction, match, findings = handoff["extraction"], handoff["match"], handoff["findings"]
        else:
            extraction, matched = self.store.stage_inputs(document_id)
            if extraction is None or matched is None:
                raise DocmatchError(f"document {document_id} has no match to report")
            match, findings = matched
        case = report_stage(document, extraction, match, findings, context)
        self._open_ticket(document_id, document, case, context)
        return {"case": case}, {}

    def _open_ticket(self, document_id: int, document: Document, case: Case, context: PipelineContext) -> None:
        needs_one = case.opens_ticket and context.ticket_opener is not None
        had_one = needs_one and self.store.ticket_link(document_id) is not None
        case.ticket = ticket_stage(document, case, context, document_id=document_id)
        if needs_one and not had_one and case.ticket is not None:
            metrics.TICKETS_OPENED.inc()

    def _rematch(self, document_id: int, document: Document, handoff: dict[str, Any] | None) -> tuple[dict[str, Any], dict[str, Any]]:
        was_open = self.store.case_status(document_id) == "open"
        outputs, matched = self._match(document_id, document, None)
        context = self.context()
        case = report_stage(document, matched["extraction"], outputs["match"], outputs["findings"], context)
        self._open_ticket(document_id, document, case, context)
        if was_open and not case.findings:
            metrics.CASES_RESOLVED.inc()
            log.info("case resolved by a change in Odoo")
        return {**outputs, "case": case}, {}


def stuck_documents(store: Store, *, older_than: timedelta) -> list[tuple[int, str]]:
    """Documents to queue again, with the stage that moves each on."""
    return [(document_id, STAGE_FOR_STATE[state]) for document_id, state in store.stuck_documents(older_than)]
