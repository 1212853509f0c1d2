"""The state a worker process keeps between tasks: the settings, the store and the pipeline context.

The context (Odoo records, policy, learned aliases) is built on the first task and
rebuilt when the Odoo change marker in the database moves, so every worker process
matches against fresh records soon after `watch_odoo` saw a change. Nothing is built
before Celery forks its pool processes: each process opens its own database connections.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import time
from typing import Any

from docmatch.pipeline import PipelineContext
from docmatch.settings import Settings, get_settings
from docmatch.storage.store import Store

log = logging.getLogger(__name__)

ODOO_MARKER = "odoo_change_marker"
# Seconds between two looks at the Odoo change marker; a context is at most this stale.
MARKER_CHECK_SECONDS = 5.0
# The Odoo models whose changes can settle an open case: receipts, bills, orders.
WATCHED_MODELS = ("stock.picking", "stock.move", "account.move", "purchase.order", "sale.order")


class WorkerRuntime:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._store: Store | None = None
        self._context: PipelineContext | None = None
        self._marker: str | None = None
        self._checked_at = 0.0

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.from_settings(self.settings)
        return self._store

    def context(self) -> PipelineContext:
        """Return the pipeline context, rebuilt if Odoo changed since it was built."""
        now = time.monotonic()
        if self._context is not None and now - self._checked_at < MARKER_CHECK_SECONDS:
            return self._context
        marker = self.store.get_watermark(ODOO_MARKER)
        if self._context is None or marker != self._marker:
            self._context = self._build_context()
            self._marker = marker
        self._checked_at = now
        return self._context

    def _build_context(self) -> PipelineContext:
        from docmatch.cli.runner import context_from_settings, load_callable

        context = context_from_settings(self.settings, store=self.store)
        if self.settings.pipeline_hook:
            load_callable(self.settings.pipeline_hook, "DOCMATCH_PIPELINE_HOOK")(context)
        log.info("pipeline context built: %d orders, %d prior documents", len(context.catalog.orders), len(context.prior_documents))
        return context

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()
        self._store = None
        self._context = None


_runtime: WorkerRuntime | None = None


def runtime() -> WorkerRuntime:
    """Return the runtime of this process, created on first use."""
    global _runtime
    if _runtime is None:
        _runtime = WorkerRuntime(get_settings())
    return _runtime


def reset_runtime() -> None:
    """Forget this process's runtime (after a fork, or when tests change the settings)."""
    global _runtime
    if _runtime is not None:
        _runtime.close()
    _runtime = None


def optional_hook(module_name: str, attribute: str) -> Any:
    """Return `module.attribute` when another part of docmatch provides it, else None."""
    try:
        return getattr(importlib.import_module(module_name), attribute, None)
    except ImportError:
        return None


def odoo_change_marker(settings: Settings) -> str:
    """Return a short token that changes whenever the Odoo records that cases depend on change.

    A snapshot folder changes with its files; a live source may offer
    `change_marker()`, else the newest `write_date` of the watched models is used.
    """
    from pathlib import Path

    from docmatch.cli.runner import open_odoo_source

    digest = hashlib.sha256()
    if settings.odoo_snapshot:
        for path in sorted(Path(settings.odoo_snapshot).glob("*.json")):
            stat = path.stat()
            digest.update(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns};".encode())
        return digest.hexdigest()[:32]
    source = open_odoo_source(settings)
    if hasattr(source, "change_marker"):
        return str(source.change_marker())
    for model in WATCHED_MODELS:
        if source.has_model(model):
            dates = [str(row.get("write_date") or "") for row in source.search_read(model, [], ["write_date"])]
            digest.update(f"{model}:{len(dates)}:{max(dates, default='')};".encode())
    return digest.hexdigest()[:32]
