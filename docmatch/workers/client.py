"""Hand documents to the workers and wait for their cases: `docmatch process --via-workers`."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from docmatch.errors import DocmatchError
from docmatch.ingest import register_file
from docmatch.models import Case
from docmatch.settings import Settings
from docmatch.storage.store import Store
from docmatch.storage.tables import DocumentState

log = logging.getLogger(__name__)

# Seconds between two looks at the documents' states.
POLL_SECONDS = 0.5


@dataclass(frozen=True, slots=True)
class WorkerResult:
    path: Path
    document_id: int
    state: str
    case: Case | None
    error: str | None


def process_via_workers(files: list[Path], settings: Settings, *, timeout: float) -> list[WorkerResult]:
    """Register `files`, queue each new or unfinished document, and wait for all to end.

    A document the workers processed before is not processed again: its stored case
    is returned. Files with the same content give one result, for the first of them.

    Raises:
        DocmatchError: some document did not reach a final state within `timeout` seconds.
    """
    from docmatch.workers.tasks import submit

    store = Store.from_settings(settings)
    store.migrate()

    # Record each file, keeping a copy in the data folder, and queue the documents
    # that are not done yet. A second file with the same content adds an arrival only.
    first_path: dict[int, Path] = {}
    for path in files:
        stored = store.add_arrival(register_file(path, channel="cli", data_dir=settings.data_dir))
        if stored.id in first_path:
            log.warning("%s has the same content as %s; counted as one document", path.name, first_path[stored.id].name)
            continue
        if stored.created or stored.state == DocumentState.RECEIVED:
            submit(stored.id)
        first_path[stored.id] = path

    # Wait until every document is reported, failed or quarantined.
    ids = list(first_path)
    states = wait_until_final(store, ids, timeout=timeout)

    return [WorkerResult(path, doc_id, states[doc_id][0], store.latest_case(doc_id), states[doc_id][1]) for doc_id, path in first_path.items()]


def wait_until_final(store: Store, ids: list[int], *, timeout: float, poll_seconds: float = POLL_SECONDS) -> dict[int, tuple[str, str | None]]:
    deadline = time.monotonic() + timeout
    while True:
        states = store.states_of(ids)
        waiting = [doc_id for doc_id, (state, _) in states.items() if not DocumentState(state).is_final]
        if not waiting:
            return states
        if time.monotonic() > deadline:
            raise DocmatchError(
                f"{len(waiting)} document(s) not finished after {timeout:.0f} s (ids {', '.join(map(str, waiting[:10]))})",
                hint="check that workers run for both queues: `docmatch status` shows queue lengths",
            )
        time.sleep(poll_seconds)
