"""The Celery application: broker, queues, delivery guarantees and logging.

Start a worker with `docmatch worker` or with Celery's own command:

    celery -A docmatch.workers.app worker --pool prefork -c 1 -Q docmatch.ocr,docmatch.io

Delivery: tasks are acknowledged after they finish (`acks_late`) and handed back to
the broker when the worker process dies (`task_reject_on_worker_lost`), one task per
worker process at a time. Redis gives an unacknowledged task to another worker after
`DOCMATCH_VISIBILITY_TIMEOUT` seconds, so that timeout must exceed the longest task's
time limit, or a slow task would run twice at once; `check_visibility_timeout` refuses
to start a worker otherwise.

Queues: `<prefix>.ocr` takes extraction (CPU-heavy: Tesseract), `<prefix>.io` the
stages that wait on Odoo, the helpdesk or an LLM, and the scheduled jobs; run them on
separate workers to scale each on its own (`docmatch worker --queues ocr`).
"""

from __future__ import annotations

import logging
import sys

from celery import Celery, signals

from docmatch.errors import ConfigurationError
from docmatch.logs import DocumentIdFilter
from docmatch.settings import Settings, get_settings

log = logging.getLogger(__name__)

WORKER_LOG_FORMAT = "%(asctime)s %(levelname)s %(processName)s %(name)s [doc %(document_id)s task %(task_id)s] %(message)s"
# Retried tasks wait at most this long between attempts.
RETRY_BACKOFF_MAX = 300
# A task stays unacknowledged while it waits for its countdown and while it runs. One that
# found its document busy waits up to the other claim's lease (a time limit) plus a few
# seconds, so the visibility timeout must cover two time limits and this margin.
VISIBILITY_MARGIN = 10


def queue_names(settings: Settings) -> dict[str, str]:
    """Return the queue of each kind of work: 'ocr' for extraction, 'io' for the rest."""
    return {"ocr": f"{settings.queue_prefix}.ocr", "io": f"{settings.queue_prefix}.io"}


def configure(app: Celery, settings: Settings) -> Celery:
    """Point `app` at the broker and queues of `settings`; safe to call again (tests do)."""
    queues = queue_names(settings)
    app.conf.update(
        broker_url=settings.broker_url,
        result_backend=settings.result_backend,
        task_ignore_result=settings.result_backend is None,
        task_serializer="json",
        accept_content=["json"],
        result_serializer="json",
        enable_utc=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=True,
        # Task events cost four messages per task; `docmatch worker --events` turns them on (Flower).
        worker_send_task_events=False,
        task_send_sent_event=False,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout,
            # Look for tasks of dead workers every 10 s (the default scans every 100 s).
            "unacked_restore_interval": 10,
            "unacked_restore_throttle": 1,
            # A publish to a Redis that vanished without closing the socket fails instead of hanging.
            "socket_timeout": 30,
            "socket_connect_timeout": 5,
        },
        task_default_queue=queues["io"],
        task_routes={"docmatch.extract": {"queue": queues["ocr"]}, "docmatch.*": {"queue": queues["io"]}},
        beat_schedule=beat_schedule(settings),
    )
    app.docmatch_settings = settings  # type: ignore[attr-defined]
    _drop_connections(app)
    return app


def _drop_connections(app: Celery) -> None:
    # Connections opened for an earlier broker URL would keep being used; forget them
    # as Celery does after a fork (closing them could break a producer still held).
    app._after_fork()


# Seconds between two clean-ups of the explanation cache: once a day.
EXPLANATION_PRUNE_INTERVAL = 86400.0


def beat_schedule(settings: Settings) -> dict[str, dict]:
    """Return the beat schedule: intake polls, Odoo change checks, reviewer syncs, the sweeper and the cache clean-up."""
    return {
        "poll-intake-channels": {"task": "docmatch.poll_channels", "schedule": float(settings.poll_interval)},
        "watch-odoo-changes": {"task": "docmatch.watch_odoo", "schedule": float(settings.poll_interval)},
        "sync-reviewer-decisions": {"task": "docmatch.sync_reviewer_decisions", "schedule": float(settings.poll_interval)},
        "sweep-stuck-documents": {"task": "docmatch.sweep", "schedule": float(settings.sweep_interval)},
        "prune-explanation-cache": {"task": "docmatch.prune_explanations", "schedule": EXPLANATION_PRUNE_INTERVAL},
    }


def retry_backoff_max(settings: Settings) -> int:
    """Return the maximum wait between two retries, so that a waiting retry never outlasts the visibility timeout."""
    longest = max(settings.extract_time_limit, settings.task_time_limit)
    return max(1, min(RETRY_BACKOFF_MAX, settings.visibility_timeout - longest - VISIBILITY_MARGIN))


def check_visibility_timeout(app: Celery) -> None:
    """Reject a visibility timeout that a running task could outlast.

    A task held longer than the timeout is handed to a second worker while the first
    still runs it. Tasks waiting for a retry are bounded by `retry_backoff_max`, and
    those waiting for a busy document by one time limit.

    Raises:
        ConfigurationError: naming the task and both numbers.
    """
    settings: Settings = app.docmatch_settings  # type: ignore[attr-defined]
    limits = {name: task.time_limit or 0 for name, task in app.tasks.items() if name.startswith("docmatch.")}
    longest_name, longest = max(limits.items(), key=lambda item: item[1])
    needed = 2 * longest + VISIBILITY_MARGIN
    if settings.visibility_timeout < needed:
        raise ConfigurationError(
            f"DOCMATCH_VISIBILITY_TIMEOUT is {settings.visibility_timeout} s, but {longest_name} may run for {longest} s: "
            "Redis would hand the task to a second worker while the first still runs it",
            hint=f"set DOCMATCH_VISIBILITY_TIMEOUT to at least {needed} (twice the longest time limit plus {VISIBILITY_MARGIN} s), or lower the time limits",
        )


class TaskIdFilter(logging.Filter):
    """Copy the id of the Celery task being run into each record as `task_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        from celery._state import get_current_task

        task = get_current_task()
        record.task_id = task.request.id if task is not None and task.request.id else "-"
        return True


@signals.after_setup_logger.connect
@signals.after_setup_task_logger.connect
def _add_log_context(logger: logging.Logger, **_kwargs: object) -> None:
    for handler in logger.handlers:
        handler.addFilter(DocumentIdFilter())
        handler.addFilter(TaskIdFilter())
        handler.setFormatter(logging.Formatter(WORKER_LOG_FORMAT))
    logging.getLogger("docmatch").setLevel(get_settings().log_level)


@signals.worker_init.connect
def _check_at_start(sender: object = None, **_kwargs: object) -> None:
    # Celery logs and ignores an Exception raised by a signal handler; SystemExit stops the worker.
    try:
        check_visibility_timeout(app)
    except ConfigurationError as exc:
        log.critical("%s", exc)
        print(f"error: {exc.message}\nhint: {exc.hint}", file=sys.stderr)
        raise SystemExit(exc.exit_code) from None


app = configure(Celery("docmatch"), get_settings())

import docmatch.workers.tasks  # noqa: E402,F401  (registers the tasks on the app)
