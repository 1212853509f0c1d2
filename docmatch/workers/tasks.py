"""The Celery tasks: thin wrappers that take ids and hand the work to `StageRunner`.

Pipeline stages (each queues the next when it finishes, except that match runs
report itself in the same task; the report task is queued only when that report was
cut short or hit a transient error):

    docmatch.extract(document_id)        queue <prefix>.ocr
    docmatch.match(document_id)          queue <prefix>.io, then report
    docmatch.report(document_id)         queue <prefix>.io
    docmatch.rematch(document_id, marker) queue <prefix>.io, after an Odoo change

Scheduled by Celery beat (`docmatch.workers.app.beat_schedule`):

    docmatch.poll_channels            calls `docmatch.ingest.poll_channels(settings, store)`,
                                      which returns the `StoredDocument`s it added, and
                                      queues extraction for the new ones
    docmatch.watch_odoo               re-matches every open case when Odoo changed
    docmatch.sync_reviewer_decisions  calls `docmatch.odoo.helpdesk.sync_reviewer_decisions(settings, store)`
    docmatch.sweep                    queues again what sat too long in one state
    docmatch.prune_explanations       deletes cached LLM explanations older than DOCMATCH_LLM_CACHE_DAYS

Hooks that another part of docmatch does not provide yet are skipped with a debug line.
"""

from __future__ import annotations

import logging
import random
import uuid
from datetime import timedelta
from typing import NoReturn

from celery import Task, signals
from celery.utils.time import get_exponential_backoff_interval

from docmatch import metrics
from docmatch.workers.app import app, retry_backoff_max
from docmatch.workers.runtime import ODOO_MARKER, odoo_change_marker, optional_hook, reset_runtime, runtime
from docmatch.workers.stages import TRANSIENT_ERRORS, StageRunner, stuck_documents

log = logging.getLogger(__name__)

MAX_RETRIES = 8
RETRY_BACKOFF_FACTOR = 2

_settings = app.docmatch_settings  # type: ignore[attr-defined]
OCR_LIMITS = {"time_limit": _settings.extract_time_limit, "soft_time_limit": max(1, int(_settings.extract_time_limit * 0.9))}
IO_LIMITS = {"time_limit": _settings.task_time_limit, "soft_time_limit": max(1, int(_settings.task_time_limit * 0.9))}
TASK_OPTIONS = {"bind": True, "acks_late": True, "reject_on_worker_lost": True, "max_retries": MAX_RETRIES}


@app.task(name="docmatch.extract", **TASK_OPTIONS, **OCR_LIMITS)
def extract(self: Task, document_id: int) -> str:
    return run_stage(self, "extract", document_id)


@app.task(name="docmatch.match", **TASK_OPTIONS, **IO_LIMITS)
def match(self: Task, document_id: int) -> str:
    return run_stage(self, "match", document_id)


@app.task(name="docmatch.report", **TASK_OPTIONS, **IO_LIMITS)
def report(self: Task, document_id: int) -> str:
    return run_stage(self, "report", document_id)


@app.task(name="docmatch.rematch", **TASK_OPTIONS, **IO_LIMITS)
def rematch(self: Task, document_id: int, marker: str) -> str:
    return run_stage(self, "rematch", document_id, generation=marker)


STAGE_TASKS: dict[str, Task] = {"extract": extract, "match": match, "report": report, "rematch": rematch}


def submit(document_id: int) -> None:
    """Queue a stored document for processing, from its first stage."""
    extract.delay(document_id)


def run_stage(task: Task, stage: str, document_id: int, *, generation: str | None = None) -> str:
    """Run one stage through `StageRunner`; retry transient errors, queue the next stage."""
    worker = runtime()
    claimant = f"{stage}/{task.request.id}/{uuid.uuid4().hex[:8]}@{task.request.hostname}"
    runner = StageRunner(worker.store, worker.context, claimant=claimant, lease_seconds=task.time_limit, max_attempts=worker.settings.max_attempts)
    try:
        outcome = runner.run(stage, document_id, generation=generation)
    except TRANSIENT_ERRORS as exc:
        retry_or_fail(task, document_id, exc)
    if outcome.outcome == "busy":
        # Another execution has claimed the document; come back when its claim runs out.
        task.apply_async(args=task.request.args, kwargs=task.request.kwargs, countdown=outcome.retry_in + random.uniform(1, 5))  # within VISIBILITY_MARGIN
    if outcome.next_stage:
        STAGE_TASKS[outcome.next_stage].delay(document_id)
    return outcome.outcome


def retry_or_fail(task: Task, document_id: int, exc: Exception) -> NoReturn:
    """Retry after a transient error with exponential backoff and full jitter; fail the document at the end."""
    if task.request.retries >= task.max_retries:
        reason = f"{task.name} gave up after {task.request.retries} retries: {exc}"
        log.error("%s", reason)
        try:
            runtime().store.fail(document_id, reason[:2000], actor=f"{task.name}/{task.request.id}")
        except TRANSIENT_ERRORS:
            log.error("could not record the failure; the sweeper will queue the document again")
        raise exc
    countdown = get_exponential_backoff_interval(RETRY_BACKOFF_FACTOR, task.request.retries, retry_backoff_max(runtime().settings), full_jitter=True)
    metrics.RETRIES.labels(task.name).inc()
    log.warning("retrying %s in %d s after a transient error: %s", task.name, countdown, exc)
    raise task.retry(exc=exc, countdown=countdown)


@app.task(name="docmatch.sweep", **IO_LIMITS)
def sweep() -> int:
    """Queue again each document that sat in one state longer than DOCMATCH_STUCK_AFTER."""
    worker = runtime()
    stuck = stuck_documents(worker.store, older_than=timedelta(seconds=worker.settings.stuck_after))
    for document_id, stage in stuck:
        log.warning("document %d stuck before %s; queued again", document_id, stage)
        worker.store.touch(document_id)
        STAGE_TASKS[stage].delay(document_id)
        metrics.DOCUMENTS_REQUEUED.labels(stage).inc()
    return len(stuck)


@app.task(name="docmatch.prune_explanations", **IO_LIMITS)
def prune_explanations() -> int:
    """Delete the cached LLM explanations older than DOCMATCH_LLM_CACHE_DAYS."""
    from docmatch.explain.audit import ExplanationCache

    settings = runtime().settings
    cache = ExplanationCache(settings.llm_cache_dir or settings.data_dir / "explanations", max_age=timedelta(days=settings.llm_cache_days))
    return cache.prune()


@app.task(name="docmatch.poll_channels", **IO_LIMITS)
def poll_channels() -> int:
    """Take new files from the intake channels and queue the new documents."""
    poller = optional_hook("docmatch.ingest", "poll_channels")
    if poller is None:
        log.debug("no intake channel poller installed")
        return 0
    worker = runtime()
    added = [stored for stored in poller(worker.settings, worker.store) if stored.created]
    for stored in added:
        submit(stored.id)
    return len(added)


@app.task(name="docmatch.watch_odoo", **IO_LIMITS)
def watch_odoo() -> int:
    """When Odoo's records changed, re-match every open case; a resolved one closes itself."""
    worker = runtime()
    marker = odoo_change_marker(worker.settings)
    previous = worker.store.get_watermark(ODOO_MARKER)
    if marker == previous:
        return 0
    worker.store.set_watermark(ODOO_MARKER, marker)
    if previous is None:
        return 0
    cases = worker.store.open_cases()
    log.info("Odoo changed; re-matching %d open case(s)", len(cases))
    for case in cases:
        rematch.delay(case.document_id, marker)
    return len(cases)


@app.task(name="docmatch.sync_reviewer_decisions", **IO_LIMITS)
def sync_reviewer_decisions() -> int:
    """Bring reviewers' decisions on tickets from Odoo into the database."""
    sync = optional_hook("docmatch.odoo.helpdesk", "sync_reviewer_decisions")
    if sync is None:
        log.debug("no reviewer decision sync installed")
        return 0
    worker = runtime()
    return int(sync(worker.settings, worker.store) or 0)


@signals.worker_process_init.connect
def _fresh_runtime(**_kwargs: object) -> None:
    # A pool process must not reuse database connections opened before the fork.
    reset_runtime()
