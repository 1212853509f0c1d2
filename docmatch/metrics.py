"""Prometheus metrics of docmatch.

Counters and histograms live at module level; code records with one line, e.g.
`metrics.TICKETS_OPENED.inc()`. To add one, declare it below with a `docmatch_` name,
a help text and as few labels as will do (never a document id or a file name as a
label value).

Documents per state and channel are read from the database at each scrape
(`DocumentCollector`), so they are right whichever process moved the documents.

Celery's prefork workers count in several processes. `serve()` exposes them together
when `PROMETHEUS_MULTIPROC_DIR` names an empty folder created before the worker starts
(`docmatch worker --metrics-port` sets one up); without it, each process counts alone.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)

STAGE_SECONDS = Histogram(
    "docmatch_stage_duration_seconds",
    "Seconds one pipeline stage took for one document.",
    ["stage"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600),
)
STAGE_OUTCOMES = Counter("docmatch_stage_outcomes_total", "Stage executions by outcome (done, duplicate, busy, failed, ...).", ["stage", "outcome"])
FINDINGS = Counter("docmatch_findings_total", "Findings recorded, by kind.", ["kind"])
RETRIES = Counter("docmatch_task_retries_total", "Tasks retried after a transient error.", ["task"])
TICKETS_OPENED = Counter("docmatch_tickets_opened_total", "Helpdesk tickets opened.")
DOCUMENTS_REQUEUED = Counter("docmatch_documents_requeued_total", "Documents the sweeper queued again after they were stuck.", ["state"])
CASES_RESOLVED = Counter("docmatch_cases_resolved_total", "Open cases closed by a re-match after a change in Odoo.")
EXPLANATIONS = Counter("docmatch_explanations_total", "Case explanations written, by provider (none for the template) and outcome (template, accepted, cached, rejected, fallback).", ["provider", "outcome"])
LLM_TOKENS = Counter("docmatch_llm_tokens_total", "Tokens the LLM provider reported for explanation requests, by provider and kind (prompt, completion).", ["provider", "kind"])
LLM_SECONDS = Histogram(
    "docmatch_llm_request_duration_seconds",
    "Seconds one explanation spent waiting for the LLM provider, retries included.",
    ["provider"],
    buckets=(0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120),
)


class DocumentCollector(Collector):
    """Documents per state and channel, counted in docmatch's database at each scrape."""

    def __init__(self, store) -> None:  # type: ignore[no-untyped-def]
        self.store = store

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("docmatch_documents", "Documents per state and channel of first arrival.", labels=["state", "channel"])
        try:
            counts = self.store.counts_by_state_and_channel()
        except Exception as exc:  # a failing database must not break the scrape of the other metrics
            log.warning("cannot count documents for the metrics: %s", exc)
            counts = {}
        for (state, channel), count in sorted(counts.items()):
            family.add_metric([state, channel], count)
        yield family


def registry_for(store=None) -> CollectorRegistry:  # type: ignore[no-untyped-def]
    """The registry to expose: every process's counters when multiprocess mode is on."""
    from prometheus_client import REGISTRY

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    if store is not None:
        registry.register(DocumentCollector(store))
    return registry


def serve(port: int, *, store=None, address: str = "127.0.0.1") -> None:  # type: ignore[no-untyped-def]
    """Serve /metrics on `address:port` from a background thread."""
    start_http_server(port, addr=address, registry=registry_for(store))
    log.info("metrics served on %s:%d", address, port)
