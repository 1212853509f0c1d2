"""Documents per minute through Celery with one and two workers, against the in-process pipeline.

    .venv/bin/python bench/celery_throughput.py [--documents 70] [--rounds 2]

All three runs process the same documents (unique copies of the demo PDFs, so each is
a new document) against the demo's Odoo snapshot, each into a fresh PostgreSQL schema:

    in-process   `run_files` in this process, as `docmatch process` does
    1 worker     `celery ... worker --pool prefork -c 1`, queues ocr and io
    2 workers    two such workers on the same queues

Each worker first processes a few warm-up documents (building its Odoo catalog), which
are not counted, just as the in-process context is built before its clock starts.
The clock of a Celery run starts at the first submission and stops when the database
shows every document in a final state. Targets: two workers at least 1.8 times one
worker; one worker at most 10 % slower than in-process.

Besides wall-clock time the script reports the CPU seconds per document spent in the
docmatch processes and the Tesseract processes they start (this one in-process; the
workers' main and pool processes otherwise; PostgreSQL and Redis not counted). On a machine shared with other jobs the
wall-clock figures follow the load, while the CPU figures show the work itself.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DATABASE_URL = os.environ.get("DOCMATCH_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/docmatch_test")
REDIS_URL = os.environ.get("DOCMATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WARM_UP_PER_WORKER = 3


def copy_documents(source: Path, folder: Path, count: int, *, scans: bool = False) -> list[Path]:
    """Write `count` unique copies of the PDFs in `source` (a comment after %%EOF changes the hash).

    With `scans`, each copy is the PDF's pages as a grey 200 dpi TIFF without a text
    layer, so extraction runs Tesseract; a random ImageDescription tag changes the hash.
    """
    originals = sorted(source.glob("*.pdf"))
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for number in range(count):
        original = originals[number % len(originals)]
        if scans:
            pages = scanned_pages(original)
            target = folder / f"{number:04d}-{original.stem}.tiff"
            pages[0].save(target, save_all=True, append_images=pages[1:], compression="tiff_deflate", tiffinfo={270: uuid.uuid4().hex})
        else:
            target = folder / f"{number:04d}-{original.name}"
            target.write_bytes(original.read_bytes() + f"\n% copy {uuid.uuid4().hex}\n".encode())
        copies.append(target)
    return copies


_SCANS: dict[Path, list] = {}


def scanned_pages(pdf: Path) -> list:  # type: ignore[type-arg]
    if pdf not in _SCANS:
        from docmatch.pdfium import open_pdf, render_image

        with open_pdf(pdf) as document:
            _SCANS[pdf] = [render_image(page, scale=200 / 72, grayscale=True) for page in document]
    return _SCANS[pdf]


class Schema:
    """A fresh PostgreSQL schema; `url` points connections at it."""

    def __init__(self) -> None:
        self.name = f"dm_bench_{uuid.uuid4().hex[:8]}"
        self.admin = create_engine(DATABASE_URL, isolation_level="AUTOCOMMIT")
        with self.admin.connect() as connection:
            connection.execute(text(f'create schema "{self.name}"'))
        self.url = f"{DATABASE_URL}{'&' if '?' in DATABASE_URL else '?'}options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'drop schema "{self.name}" cascade'))
        self.admin.dispose()


def settings_values(schema: Schema, snapshot: Path, data_dir: Path, prefix: str) -> dict[str, str]:
    return {
        "database_url": schema.url, "broker_url": REDIS_URL, "queue_prefix": prefix, "odoo_snapshot": str(snapshot),
        "company_timezone": "Europe/Berlin", "data_dir": str(data_dir), "log_level": "WARNING",
    }


def run_in_process(documents: list[Path], values: dict[str, str]) -> tuple[float, float]:
    from docmatch.cli.runner import context_from_settings, run_files
    from docmatch.settings import load_settings

    context = context_from_settings(load_settings(**values))
    cpu_before = own_cpu_seconds()
    started = time.perf_counter()
    run_files(documents, context)
    elapsed = time.perf_counter() - started
    cpu = own_cpu_seconds() - cpu_before
    context.store.dispose()  # type: ignore[union-attr]
    return elapsed, cpu


def own_cpu_seconds() -> float:
    """CPU seconds of this process and of its finished children (Tesseract runs as one)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def process_cpu_seconds(pid: int) -> float:
    """CPU seconds of a live process and its live children, with their finished children (Tesseract)."""
    total = 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat.parent.name) == pid or int(fields[1]) == pid:
            total += sum(int(value) for value in fields[11:15]) / ticks
    return total


def start_worker(name: str, values: dict[str, str], folder: Path) -> tuple[subprocess.Popen, Path]:
    pidfile = folder / f"{name}.pid"
    log = folder / f"{name}.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DOCMATCH_")}
    env.update({f"DOCMATCH_{key.upper()}": value for key, value in values.items()})
    env["OMP_THREAD_LIMIT"] = "1"
    queues = f"{values['queue_prefix']}.ocr,{values['queue_prefix']}.io"
    command = [str(Path(sys.executable).with_name("celery")), "-A", "docmatch.workers.app", "worker", "--pool", "prefork", "-c", "1",
               "-Q", queues, "--pidfile", str(pidfile), "-n", f"{name}@%h", "-l", "WARNING", "--without-mingle", "--without-gossip"]
    process = subprocess.Popen(command, env=env, cwd=REPO, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not (pidfile.exists() and pidfile.read_text().strip()):
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"worker {name} did not start; see {log}")
        time.sleep(0.1)
    return process, pidfile


def stop_worker(process: subprocess.Popen, pidfile: Path) -> None:
    os.kill(int(pidfile.read_text().strip()), signal.SIGTERM)
    process.wait(timeout=60)


def run_through_workers(documents: list[Path], warm_up: list[Path], values: dict[str, str], workers: int, folder: Path) -> tuple[float, float]:
    from docmatch.ingest import register_file
    from docmatch.settings import load_settings
    from docmatch.storage.store import Store
    from docmatch.workers.app import app, configure
    from docmatch.workers.client import wait_until_final
    from docmatch.workers.tasks import submit

    settings = load_settings(**values)
    configure(app, settings)
    store = Store(settings.effective_database_url)
    store.migrate()
    started_workers = [start_worker(f"bench{number}", values, folder) for number in range(workers)]
    try:
        # Warm up: each worker builds its pipeline context on its first documents.
        warm_ids = [store.add_arrival(register_file(path)).id for path in warm_up]
        for doc_id in warm_ids:
            submit(doc_id)
        wait_until_final(store, warm_ids, timeout=300)

        # Register first, then time submission to the last final state.
        ids = [store.add_arrival(register_file(path)).id for path in documents]
        pids = [int(pidfile.read_text().strip()) for _process, pidfile in started_workers]
        cpu_before = sum(map(process_cpu_seconds, pids))
        started = time.perf_counter()
        for doc_id in ids:
            submit(doc_id)
        wait_until_final(store, ids, timeout=1800, poll_seconds=0.1)
        elapsed = time.perf_counter() - started
        cpu = sum(map(process_cpu_seconds, pids)) - cpu_before
        failed = store.counts_by_state().get("failed", 0)
        if failed:
            print(f"  warning: {failed} document(s) failed", file=sys.stderr)
        return elapsed, cpu
    finally:
        for process, pidfile in started_workers:
            stop_worker(process, pidfile)
        store.dispose()


def measure(documents: list[Path], warm_up: list[Path], snapshot: Path, folder: Path, mode: str) -> tuple[float, float]:
    """Return the wall-clock seconds and the CPU seconds of one run."""
    schema = Schema()
    try:
        values = settings_values(schema, snapshot, folder / "data", f"bench{uuid.uuid4().hex[:6]}")
        if mode == "in-process":
            return run_in_process(documents, values)
        return run_through_workers(documents, warm_up, values, int(mode[0]), folder)
    finally:
        schema.drop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=70, help="Documents per run (copies of the demo PDFs).")
    parser.add_argument("--rounds", type=int, default=2, help="Runs of each mode; the fastest counts.")
    parser.add_argument("--demo", type=Path, default=REPO / "fixtures" / "demo", help="Demo data folder with documents/ and odoo/.")
    parser.add_argument("--scans", action="store_true", help="Process the documents as scanned TIFF pages (Tesseract) instead of born-digital PDFs.")
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")

    print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)
    with tempfile.TemporaryDirectory(prefix="docmatch-bench-") as scratch:
        folder = Path(scratch)
        modes = ["in-process", "1 worker", "2 workers"]
        best: dict[str, float] = {}
        cpu: dict[str, list[float]] = {mode: [] for mode in modes}
        for round_number in range(args.rounds):
            for mode in modes:
                documents = copy_documents(args.demo / "documents", folder / f"r{round_number}-{mode[0]}", args.documents, scans=args.scans)
                warm_up = copy_documents(args.demo / "documents", folder / f"w{round_number}-{mode[0]}", WARM_UP_PER_WORKER * 2)
                seconds, cpu_seconds = measure(documents, warm_up, args.demo / "odoo", folder, mode)
                print(f"round {round_number + 1} {mode:<10} {seconds:7.2f} s  {args.documents / seconds * 60:7.1f} documents/min  "
                      f"{cpu_seconds / args.documents * 1000:6.0f} ms CPU/document  (load {os.getloadavg()[0]:.1f})", flush=True)
                best[mode] = min(best.get(mode, float("inf")), seconds)
                cpu[mode].append(cpu_seconds / args.documents)

    rate = {mode: args.documents / seconds * 60 for mode, seconds in best.items()}
    cpu_per_document = {mode: min(values) for mode, values in cpu.items()}
    print()
    print(f"{args.documents} {'scanned' if args.scans else 'born-digital'} documents, best of {args.rounds} rounds")
    for mode in modes:
        print(f"  {mode:<10} {rate[mode]:7.1f} documents/min  {cpu_per_document[mode] * 1000:6.0f} ms CPU/document")
    print(f"  2 workers / 1 worker:            {rate['2 workers'] / rate['1 worker']:.2f}x (target >= 1.8x)")
    print(f"  Celery overhead over in-process: {(best['1 worker'] / best['in-process'] - 1) * 100:+.1f} % wall clock, "
          f"{(cpu_per_document['1 worker'] / cpu_per_document['in-process'] - 1) * 100:+.1f} % CPU (target <= 10 %)")


if __name__ == "__main__":
    main()
