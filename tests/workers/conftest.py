"""Worker subprocesses, a Redis server of the test's own, and a fresh database schema per test.

Workers run as `celery -A docmatch.workers.app worker --pool prefork -c 1` with a
pidfile and are stopped by their PID. The fakes in `tests/workers/worker_fakes.py` make the
extraction slow and count tickets in Redis.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from sqlalchemy import func, select

from docmatch.ingest import register_file
from docmatch.settings import Settings, load_settings
from docmatch.storage.store import Store
from docmatch.storage.tables import CaseRow, DocumentState, ExtractionRow, MatchRow, TaskRecordRow, TicketLinkRow
from docmatch.workers import runtime as worker_runtime
from docmatch.workers.app import app, configure
from tests.db_schema import fresh_schema

REPO = Path(__file__).resolve().parents[2]
SHARED_REDIS_URL = os.environ.get("DOCMATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
CELERY = str(Path(sys.executable).with_name("celery"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, *, timeout: float, what: str, every: float = 0.2):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


class RedisServer:
    """A redis-server of the test's own on a free loopback port, without persistence."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.pidfile = folder / "redis.pid"
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", str(self.folder), "--pidfile", str(self.pidfile), "--logfile", str(self.folder / "redis.log")],
            check=True,
        )
        client = redis.Redis.from_url(self.url)
        wait_for(lambda: self._ping(client), timeout=10, what="redis-server to answer")

    def stop(self) -> None:
        if not self.pidfile.exists():
            return
        pid = int(self.pidfile.read_text().strip())
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        wait_for(lambda: not Path(f"/proc/{pid}").exists(), timeout=10, what="redis-server to exit")
        self.pidfile.unlink(missing_ok=True)

    @staticmethod
    def _ping(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@dataclass
class WorkerProcess:
    name: str
    pidfile: Path
    log: Path
    process: subprocess.Popen
    pool_pids: list[int] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return int(self.pidfile.read_text().strip())

    def kill(self) -> None:
        """SIGKILL the worker and its pool process, as a crash would."""
        pids = [self.pid, *children_of(self.pid)]
        for pid in pids:
            with_signal(pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        for pid in pids:
            wait_for(lambda pid=pid: not Path(f"/proc/{pid}").exists() or _zombie(pid), timeout=10, what=f"process {pid} to die")

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        pool = children_of(self.pid)
        with_signal(self.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
        for pid in pool:
            with_signal(pid, signal.SIGKILL)


def with_signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@dataclass
class Cluster:
    """One test's docmatch: a database schema, a broker, worker processes and the fakes' counters."""

    folder: Path
    settings: Settings
    env: dict[str, str]
    store: Store
    fake_prefix: str
    workers: list[WorkerProcess] = field(default_factory=list)

    def start_worker(self, name: str) -> WorkerProcess:
        pidfile = self.folder / f"{name}.pid"
        log = self.folder / f"{name}.log"
        queues = f"{self.settings.queue_prefix}.ocr,{self.settings.queue_prefix}.io"
        command = [CELERY, "-A", "docmatch.workers.app", "worker", "--pool", "prefork", "-c", "1", "-Q", queues,
                   "--pidfile", str(pidfile), "-n", f"{name}@%h", "-l", "INFO", "--without-mingle", "--without-gossip"]
        with log.open("ab") as stream:
            process = subprocess.Popen(command, env=self.env, cwd=REPO, stdout=stream, stderr=subprocess.STDOUT)
        worker = WorkerProcess(name, pidfile, log, process)
        self.workers.append(worker)
        wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), timeout=30, what=f"worker {name} to write its pidfile")
        wait_for(lambda: b"ready." in log.read_bytes() or process.poll() is not None, timeout=60, what=f"worker {name} to be ready")
        assert process.poll() is None, log.read_text()
        return worker

    def add_documents(self, count: int, *, unreadable_every: int = 2) -> list[int]:
        """Write `count` small files, record them, and return their document ids (not queued)."""
        ids = []
        for number in range(count):
            marker = b"UNREADABLE" if number % unreadable_every == 0 else b"fine"
            path = self.folder / "in" / f"doc-{number}.pdf"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"%PDF-1.4\n" + marker + b" " + uuid.uuid4().hex.encode() + b"\n%%EOF\n")
            ids.append(self.store.add_arrival(register_file(path, channel="folder")).id)
        return ids

    def counters(self) -> redis.Redis:
        return redis.Redis.from_url(SHARED_REDIS_URL)

    def started(self) -> list[str]:
        return [item.decode() for item in self.counters().lrange(f"{self.fake_prefix}:started", 0, -1)]

    def wait_until_final(self, ids: list[int], *, timeout: float, then: object = None) -> None:
        def all_final() -> bool:
            if callable(then):
                then()
            return all(DocumentState(self.store.state_of(doc_id)[0]).is_final for doc_id in ids)

        try:
            wait_for(all_final, timeout=timeout, what="every document to reach a final state", every=0.5)
        except AssertionError:
            states = {doc_id: self.store.state_of(doc_id) for doc_id in ids}
            logs = "\n".join(f"--- {w.name}\n{w.log.read_text()[-3000:]}" for w in self.workers)
            raise AssertionError(f"states: {states}\n{logs}") from None

    def assert_processed_exactly_once(self, ids: list[int]) -> None:
        """Each document reported, each stage done once with one output row, one ticket where due."""
        with self.store.session() as session:
            def per_document(column) -> dict[int, int]:  # type: ignore[no-untyped-def]
                return dict(session.execute(select(column, func.count()).where(column.in_(ids)).group_by(column)).all())  # type: ignore[arg-type]

            extractions = per_document(ExtractionRow.document_id)
            matches = per_document(MatchRow.document_id)
            cases = per_document(CaseRow.document_id)
            links = per_document(TicketLinkRow.document_id)
            done = per_document(TaskRecordRow.document_id)
            ticket_due = set(session.scalars(select(CaseRow.document_id).where(CaseRow.document_id.in_(ids), CaseRow.opens_ticket.is_(True))))
        opened = {key.decode(): int(value) for key, value in self.counters().hgetall(f"{self.fake_prefix}:tickets").items()}
        for doc_id in ids:
            state, reason = self.store.state_of(doc_id)
            assert state == DocumentState.REPORTED, f"document {doc_id} is {state}: {reason}"
            assert (extractions.get(doc_id), matches.get(doc_id), cases.get(doc_id), done.get(doc_id)) == (1, 1, 1, 3), f"document {doc_id}"
            document = self.store.load_document(doc_id)
            assert document is not None
            expected = 1 if doc_id in ticket_due else 0
            assert links.get(doc_id, 0) == expected, f"ticket links of document {doc_id}"
            assert opened.get(document.sha256, 0) == expected, f"tickets opened for document {doc_id}"
        assert ticket_due, "the test data should make some tickets"

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.counters().delete(*[f"{self.fake_prefix}:{name}" for name in ("started", "extracted", "tickets", "ticket_ids")])
        self.store.dispose()


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


def make_cluster(folder: Path, broker_url: str, database_url: str, **overrides: object) -> Cluster:
    prefix = f"dmtest{uuid.uuid4().hex[:8]}"
    values = {
        "database_url": database_url,
        "broker_url": broker_url,
        "queue_prefix": prefix,
        "odoo_snapshot": str(folder / "snapshot"),
        "ticket_opener": "worker_fakes:open_ticket",
        "pipeline_hook": "worker_fakes:use_slow_extractor",
        "extract_time_limit": 8,
        "task_time_limit": 8,
        "visibility_timeout": 30,
        "max_attempts": 5,
        "stuck_after": 3,
        "data_dir": str(folder / "data"),
    }
    values.update(overrides)
    (folder / "snapshot").mkdir(parents=True, exist_ok=True)
    (folder / "snapshot" / "version.json").write_text('{"server_version": "17.0"}')
    settings = load_settings(**values)
    env = {key: value for key, value in os.environ.items() if not key.startswith("DOCMATCH_")}
    env.update({f"DOCMATCH_{key.upper()}": str(value) for key, value in values.items() if value is not None})
    env.update({
        "FAKE_REDIS_URL": SHARED_REDIS_URL, "FAKE_PREFIX": prefix, "FAKE_EXTRACT_SECONDS": "1.5",
        "PYTHONPATH": str(REPO / "tests" / "workers"), "OMP_THREAD_LIMIT": "1", "DOCMATCH_LOG_LEVEL": "INFO",
    })
    store = Store(database_url)
    store.migrate()

    # This process queues tasks and sweeps with the same settings as the workers.
    configure(app, settings)
    worker_runtime.reset_runtime()
    worker_runtime._runtime = worker_runtime.WorkerRuntime(settings)
    return Cluster(folder, settings, env, store, prefix)


@pytest.fixture
def cluster_factory(tmp_path: Path) -> Iterator:
    clusters: list[Cluster] = []
    with fresh_schema("workers") as database_url:
        def build(broker_url: str = SHARED_REDIS_URL, **overrides: object) -> Cluster:
            cluster = make_cluster(tmp_path, broker_url, database_url, **overrides)
            clusters.append(cluster)
            return cluster

        yield build
        for cluster in clusters:
            cluster.close()
        worker_runtime.reset_runtime()
