"""Hand a newly arrived document to the pipeline: the one place that chooses how.

`DOCMATCH_INTAKE_DISPATCH` selects the mode for every channel, the webhook and the
upload endpoint included; `docmatch intake --dispatch` overrides it for one run.

Modes:
    inline    run `docmatch.pipeline.process_document` in this process (the default
              for `docmatch intake --once` and the demo)
    workers   queue the Celery extract task; the workers run the later stages
    store     only record the document; a later `docmatch process` or the scheduler
              takes documents waiting in state `received`

Only new documents are dispatched; another arrival of a known document is recorded by
the intake and goes no further.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Literal

from docmatch.errors import ConfigurationError
from docmatch.models import Document
from docmatch.settings import Settings

log = logging.getLogger(__name__)

DispatchMode = Literal["inline", "workers", "store"]
Dispatcher = Callable[[Document, int], None]


def make_dispatcher(settings: Settings, *, mode: DispatchMode = "inline", store=None) -> Dispatcher:  # type: ignore[no-untyped-def]
    """Return the function that hands a new document (and its database id) onwards."""
    if mode == "store":
        return _keep_only
    if mode == "workers":
        return _queue_extract_task
    if mode == "inline":
        return _InlineDispatcher(settings, store)
    raise ConfigurationError(f"unknown dispatch mode {mode!r}", hint="use inline, workers or store")


def _keep_only(document: Document, document_id: int) -> None:
    log.debug("document %d kept for a later run", document_id)


def _queue_extract_task(document: Document, document_id: int) -> None:
    try:
        from docmatch.workers.tasks import submit
    except ImportError as exc:
        raise ConfigurationError("the Celery tasks are not available", hint="start intake with --dispatch inline or store") from exc
    submit(document_id)
    log.info("document %d queued for extraction", document_id)


class _InlineDispatcher:
    """Runs the whole pipeline in this process; the Odoo records are loaded on first use."""

    def __init__(self, settings: Settings, store) -> None:  # type: ignore[no-untyped-def]
        self.settings = settings
        self.store = store
        self._context = None

    def __call__(self, document: Document, document_id: int) -> None:
        from docmatch.pipeline import process_document

        if self._context is None:
            from docmatch.cli.runner import context_from_settings

            self._context = context_from_settings(self.settings, store=self.store)
        # The intake recorded the arrivals already; the pipeline must not add them again.
        process_document(document.model_copy(update={"arrivals": []}), self._context)
