"""Stand-ins the worker subprocesses load through DOCMATCH_PIPELINE_HOOK and DOCMATCH_TICKET_OPENER.

The extraction is slow on purpose (`FAKE_EXTRACT_SECONDS`) so that a test can kill a
worker in the middle of it, and a file containing `UNREADABLE` fails to read, which
gives a high-severity finding and so a ticket. Every start, finish and ticket is
counted in Redis under `FAKE_PREFIX`, so the test sees what each process did.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import redis

from docmatch.errors import UnreadableDocument
from docmatch.models import Case, Extraction, OdooRef


def counters() -> redis.Redis:
    return redis.Redis.from_url(os.environ["FAKE_REDIS_URL"])


def prefix() -> str:
    return os.environ["FAKE_PREFIX"]


def slow_extractor(path: str | Path, *, settings=None) -> Extraction:  # type: ignore[no-untyped-def]
    content = Path(path).read_bytes()
    name = Path(path).name
    client = counters()
    client.rpush(f"{prefix()}:started", f"{name}:{os.getpid()}")
    time.sleep(float(os.environ.get("FAKE_EXTRACT_SECONDS", "0")))
    client.rpush(f"{prefix()}:extracted", name)
    if b"UNREADABLE" in content:
        raise UnreadableDocument("the test file is marked unreadable")
    return Extraction(doc_type="invoice", method="text", pages=1)


def use_slow_extractor(context) -> None:  # type: ignore[no-untyped-def]
    context.extractor = slow_extractor


def open_ticket(case: Case, key: str) -> OdooRef:
    client = counters()
    client.hincrby(f"{prefix()}:tickets", case.document.sha256, 1)
    ticket_id = int(client.incr(f"{prefix()}:ticket_ids"))
    return OdooRef(model="helpdesk.ticket", id=ticket_id, name=f"#{ticket_id}")


open_ticket.helpdesk_variant = "fake"  # type: ignore[attr-defined]
