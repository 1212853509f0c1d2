"""The Celery app's delivery settings, routing, start-up check, logging and the Odoo watch."""

from __future__ import annotations

import logging

import pytest
from click.testing import CliRunner

from docmatch.errors import ConfigurationError
from docmatch.logs import DocumentIdFilter, document_context
from docmatch.settings import load_settings
from docmatch.workers import runtime as worker_runtime
from docmatch.workers import tasks
from docmatch.workers.app import TaskIdFilter, WORKER_LOG_FORMAT, app, check_visibility_timeout, configure


@pytest.fixture(autouse=True)
def _restore_app():  # type: ignore[no-untyped-def]
    yield
    configure(app, load_settings())
    worker_runtime.reset_runtime()


def test_tasks_are_acknowledged_late_and_returned_when_a_worker_dies() -> None:
    configure(app, load_settings(queue_prefix="acme"))

    assert app.conf.task_acks_late
    assert app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    assert tasks.extract.acks_late
    assert tasks.extract.reject_on_worker_lost
    assert app.amqp.router.route({}, "docmatch.extract")["queue"].name == "acme.ocr"
    assert app.amqp.router.route({}, "docmatch.report")["queue"].name == "acme.io"
    assert {entry["task"] for entry in app.conf.beat_schedule.values()} == {
        "docmatch.poll_channels", "docmatch.watch_odoo", "docmatch.sync_reviewer_decisions", "docmatch.sweep", "docmatch.prune_explanations",
    }


def test_a_visibility_timeout_shorter_than_the_longest_task_is_rejected() -> None:
    configure(app, load_settings(visibility_timeout=60))
    with pytest.raises(ConfigurationError) as raised:
        check_visibility_timeout(app)
    assert "DOCMATCH_VISIBILITY_TIMEOUT" in raised.value.message
    assert "docmatch.extract" in raised.value.message

    configure(app, load_settings(visibility_timeout=2 * 600 + 10))
    check_visibility_timeout(app)


def test_worker_log_records_carry_document_and_task_ids(caplog: pytest.LogCaptureFixture) -> None:
    handler = logging.StreamHandler()
    records: list[str] = []
    handler.emit = lambda record: records.append(handler.format(record))  # type: ignore[method-assign]
    handler.setFormatter(logging.Formatter(WORKER_LOG_FORMAT))
    handler.addFilter(DocumentIdFilter())
    handler.addFilter(TaskIdFilter())
    logger = logging.getLogger("docmatch.test_worker_logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    @app.task(name="docmatch.test_log_task", bind=True)
    def log_something(self) -> None:  # type: ignore[no-untyped-def]
        with document_context("a" * 64):
            logger.info("stage done")

    log_something.apply(task_id="task-1234")
    logger.removeHandler(handler)

    assert "[doc aaaaaaaaaaaa task task-1234] stage done" in records[-1]


def test_watch_odoo_rematches_open_cases_when_the_snapshot_changes(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    from docmatch.storage.store import OpenCase

    snapshot = tmp_path / "snapshot"
    snapshot.mkdir()
    (snapshot / "version.json").write_text('{"server_version": "17.0"}')
    settings = load_settings(odoo_snapshot=snapshot, database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    worker_runtime.reset_runtime()
    worker_runtime._runtime = worker_runtime.WorkerRuntime(settings)
    worker_runtime._runtime.store.migrate()
    sent: list[tuple] = []
    monkeypatch.setattr(tasks.rematch, "delay", lambda *args: sent.append(args))
    monkeypatch.setattr(type(worker_runtime._runtime.store), "open_cases", lambda self: [OpenCase(1, 7, None)])  # type: ignore[arg-type]

    assert tasks.watch_odoo.run() == 0  # the first look only remembers the marker
    assert tasks.watch_odoo.run() == 0  # nothing changed
    (snapshot / "stock.picking.json").write_text("[]")
    assert tasks.watch_odoo.run() == 1

    assert sent
    assert sent[0][0] == 7


def test_status_shows_states_queues_and_the_oldest_waiting(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import json

    from docmatch.cli import cli
    from docmatch.ingest import register_file
    from docmatch.settings import get_settings
    from docmatch.storage.store import Store

    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    monkeypatch.setenv("DOCMATCH_DATABASE_URL", database)
    monkeypatch.setenv("DOCMATCH_BROKER_URL", "redis://127.0.0.1:1/0")  # nothing listens: queues read as unreachable
    get_settings.cache_clear()
    store = Store(database)
    store.migrate()
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 a")
    store.add_arrival(register_file(tmp_path / "a.pdf"))

    result = CliRunner().invoke(cli, ["status", "--json"])
    get_settings.cache_clear()

    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["documents"] == {"received": 1}
    assert set(report["queues"].values()) == {None}
    assert report["oldest_waiting"]["state"] == "received"


class _Request:
    def __init__(self, retries: int) -> None:
        self.retries = retries
        self.id = "task-1"


class _Task:
    name = "docmatch.match"
    max_retries = tasks.MAX_RETRIES

    def __init__(self, retries: int) -> None:
        self.request = _Request(retries)
        self.countdowns: list[float] = []

    def retry(self, *, exc: Exception, countdown: float) -> Exception:
        self.countdowns.append(countdown)
        return RuntimeError("retry")


def test_transient_errors_retry_with_jittered_backoff_then_fail_the_document(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from docmatch.errors import OdooTransientError
    from docmatch.ingest import register_file

    settings = load_settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    worker_runtime.reset_runtime()
    worker_runtime._runtime = worker_runtime.WorkerRuntime(settings)
    store = worker_runtime._runtime.store
    store.migrate()
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 a")
    doc_id = store.add_arrival(register_file(tmp_path / "a.pdf")).id
    error = OdooTransientError("Odoo did not answer within 30 s")

    waits = []
    for retries in range(tasks.MAX_RETRIES):
        task = _Task(retries)
        with pytest.raises(RuntimeError, match="retry"):
            tasks.retry_or_fail(task, doc_id, error)  # type: ignore[arg-type]
        waits.append(task.countdowns[0])
    assert all(0 <= wait <= 2 ** (retries + 1) for retries, wait in enumerate(waits))
    assert store.state_of(doc_id)[0] == "received"

    with pytest.raises(OdooTransientError):
        tasks.retry_or_fail(_Task(tasks.MAX_RETRIES), doc_id, error)  # type: ignore[arg-type]
    state, reason = store.state_of(doc_id)
    assert state == "failed"
    assert reason == "docmatch.match gave up after 8 retries: Odoo did not answer within 30 s (Odoo could not be reached or did not answer in time; check DOCMATCH_ODOO_URL and that the server is up (docmatch retries transient failures on its own))"


def test_a_worker_with_a_short_visibility_timeout_does_not_start(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {key: value for key, value in os.environ.items() if not key.startswith("DOCMATCH_")}
    env.update({"DOCMATCH_VISIBILITY_TIMEOUT": "100", "DOCMATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DOCMATCH_BROKER_URL": "redis://127.0.0.1:1/0"})
    celery = str(Path(sys.executable).with_name("celery"))
    run = subprocess.run([celery, "-A", "docmatch.workers.app", "worker", "--pool", "solo", "--pidfile", str(tmp_path / "w.pid")],
                         env=env, capture_output=True, text=True, timeout=120)

    assert run.returncode == 2
    assert "DOCMATCH_VISIBILITY_TIMEOUT is 100 s, but docmatch.extract may run for 600 s" in run.stderr


def test_metrics_count_documents_per_state_and_channel(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from prometheus_client import CollectorRegistry, generate_latest

    from docmatch.ingest import register_file
    from docmatch.metrics import DocumentCollector
    from docmatch.storage.store import Store

    store = Store(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    store.migrate()
    (tmp_path / "a.pdf").write_bytes(b"%PDF-1.4 a")
    store.add_arrival(register_file(tmp_path / "a.pdf", channel="folder"))
    registry = CollectorRegistry()
    registry.register(DocumentCollector(store))

    text = generate_latest(registry).decode()

    assert 'docmatch_documents{channel="folder",state="received"} 1.0' in text
