"""`docmatch worker`, `beat`, `status`, `retry` and `db`: running docmatch as a service."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime, timezone

import click

QUEUE_KINDS = ("ocr", "io")


@click.command("worker")
@click.option("--queues", default="ocr,io", help="Kinds of work to take: 'ocr' (extraction), 'io' (Odoo, helpdesk, LLM, schedules), or both.")
@click.option("--concurrency", "-c", type=click.IntRange(min=1), default=None, help="Worker processes; defaults to the number of cores.")
@click.option("--pool", type=click.Choice(["prefork", "solo", "threads"]), default="prefork", help="Celery execution pool.")
@click.option("--name", "-n", default=None, help="Worker node name, e.g. ocr1@%h; must differ between workers on one host.")
@click.option("--metrics-port", type=click.IntRange(1, 65535), default=None, help="Serve Prometheus metrics on this TCP port of 127.0.0.1, 1 to 65535 (default DOCMATCH_METRICS_PORT).")
@click.option("--events", is_flag=True, help="Send task events, for Flower and `celery events`.")
def worker_command(queues: str, concurrency: int | None, pool: str, name: str | None, metrics_port: int | None, events: bool) -> None:
    """Run a Celery worker for the pipeline stages (after migrating the database)."""
    from docmatch.settings import get_settings
    from docmatch.storage.store import Store

    settings = get_settings()
    _migrate(Store.from_settings(settings))
    metrics_port = metrics_port or settings.metrics_port
    if metrics_port:
        _serve_metrics(metrics_port, settings)

    from docmatch.workers.app import app, check_visibility_timeout, queue_names

    check_visibility_timeout(app)
    names = queue_names(settings)
    kinds = [kind.strip() for kind in queues.split(",") if kind.strip()]
    unknown = sorted(set(kinds) - set(QUEUE_KINDS))
    if unknown:
        raise click.BadParameter(f"unknown queue kind {', '.join(unknown)}; use ocr, io or both", param_hint="--queues")
    argv = ["worker", "--pool", pool, "-Q", ",".join(names[kind] for kind in kinds), "-l", settings.log_level]
    if concurrency:
        argv += ["-c", str(concurrency)]
    if name:
        argv += ["-n", name]
    if events:
        argv.append("--task-events")
    app.worker_main(argv)


@click.command("beat")
@click.option("--schedule-file", default=None, help="Where beat keeps its last run times; defaults to the data folder.")
@click.option("--pidfile", default=None, help="Write beat's process id to this file.")
def beat_command(schedule_file: str | None, pidfile: str | None) -> None:
    """Run Celery beat: intake polls, Odoo change checks, reviewer syncs and the sweeper."""
    from docmatch.settings import get_settings
    from docmatch.workers.app import app

    settings = get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    schedule = schedule_file or str(settings.data_dir / "celerybeat-schedule")
    argv = ["beat", "-s", schedule, "-l", settings.log_level]
    if pidfile:
        argv += ["--pidfile", pidfile]
    app.start(argv)


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
def status_command(as_json: bool) -> None:
    """Show documents per state, queue lengths and the document waiting longest."""
    from docmatch.settings import get_settings
    from docmatch.storage.store import Store

    settings = get_settings()
    store = Store.from_settings(settings)
    _migrate(store)
    report = {"documents": store.counts_by_state(), "queues": queue_lengths(settings), "oldest_waiting": None}
    oldest = store.oldest_waiting()
    if oldest:
        doc_id, state, since = oldest
        report["oldest_waiting"] = {"document_id": doc_id, "state": state, "since": since.isoformat(), "seconds": round((datetime.now(timezone.utc) - since).total_seconds())}
    if as_json:
        click.echo(json.dumps(report, indent=2))
        return
    click.echo(render_status(report))


def render_status(report: dict) -> str:
    lines = ["documents:"]
    lines += [f"  {state:<12} {count}" for state, count in sorted(report["documents"].items())] or ["  none"]
    lines.append("queues:")
    lines += [f"  {queue:<24} {'unreachable' if length is None else length}" for queue, length in report["queues"].items()]
    oldest = report["oldest_waiting"]
    lines.append(f"oldest waiting: document {oldest['document_id']} in {oldest['state']} for {oldest['seconds']} s" if oldest else "oldest waiting: none")
    return "\n".join(lines)


def queue_lengths(settings) -> dict[str, int | None]:  # type: ignore[no-untyped-def]
    """Messages waiting in each queue (None when the broker cannot be reached)."""
    import redis

    from docmatch.workers.app import queue_names

    lengths: dict[str, int | None] = {}
    client = redis.Redis.from_url(settings.broker_url, socket_connect_timeout=2, socket_timeout=2)
    for queue in queue_names(settings).values():
        try:
            # Kombu keeps priority sub-queues beside the main list; count them all.
            lengths[queue] = sum(int(client.llen(key)) for key in client.scan_iter(match=f"{queue}*", count=100) if client.type(key) == b"list")
        except redis.RedisError:
            lengths[queue] = None
    client.close()
    return lengths


@click.command("retry")
@click.argument("document_ids", nargs=-1, type=int)
@click.option("--failed", "all_failed", is_flag=True, help="Queue every failed document again.")
def retry_command(document_ids: tuple[int, ...], all_failed: bool) -> None:
    """Queue failed documents for the workers again, from extraction."""
    from docmatch.settings import get_settings
    from docmatch.storage.store import Store
    from docmatch.workers.tasks import submit

    store = Store.from_settings(get_settings())
    _migrate(store)
    if not document_ids and not all_failed:
        raise click.UsageError("name document ids or pass --failed")
    ids = list(document_ids) + ([doc_id for doc_id, _reason in store.failed_documents()] if all_failed else [])
    if not ids:
        click.echo("no failed documents")
        return
    for doc_id in ids:
        if store.requeue(doc_id, actor="docmatch retry"):
            with broker_errors():
                submit(doc_id)
            click.echo(f"document {doc_id} queued again")
        else:
            click.echo(f"document {doc_id} is {store.state_of(doc_id)[0]}, not failed: left alone", err=True)


@click.group("db")
def db_group() -> None:
    """Manage docmatch's database schema."""


@db_group.command("upgrade")
def db_upgrade_command() -> None:
    """Migrate the database at DOCMATCH_DATABASE_URL to the newest schema."""
    from docmatch.settings import get_settings
    from docmatch.storage.migrations import current_revision
    from docmatch.storage.store import Store

    store = Store.from_settings(get_settings())
    _migrate(store)
    click.echo(f"database at revision {current_revision(store.engine)}")


@db_group.command("revision")
@click.argument("message")
def db_revision_command(message: str) -> None:
    """Write a migration for the table changes since the newest revision (review it before committing)."""
    from docmatch.storage.migrations import new_revision

    for path in new_revision(message):
        click.echo(f"wrote {path}")


@contextlib.contextmanager
def broker_errors() -> Iterator[None]:
    """Turn a broker connection failure while queueing into `BrokerUnavailable`."""
    from kombu.exceptions import OperationalError

    from docmatch.errors import BrokerUnavailable

    try:
        yield
    except OperationalError as exc:
        raise BrokerUnavailable(f"cannot queue documents for the workers: {exc}") from exc


def _migrate(store) -> None:  # type: ignore[no-untyped-def]
    store.migrate()
    store.dispose()


def _serve_metrics(port: int, settings) -> None:  # type: ignore[no-untyped-def]
    # Pool processes count into files here so that one endpoint shows them all.
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="docmatch-metrics-")
    from docmatch import metrics
    from docmatch.storage.store import Store

    try:
        metrics.serve(port, store=Store.from_settings(settings))
    except OSError as exc:
        raise click.ClickException(f"cannot serve metrics on 127.0.0.1:{port}: {exc.strerror or exc}; choose another --metrics-port or DOCMATCH_METRICS_PORT") from None


commands = [worker_command, beat_command, status_command, retry_command, db_group]
