"""Cost and audit of LLM explanations: a cache of verdicts, an audit log and metrics.

The cache is keyed by the hash of the grounded prompt together with the provider and
the model, so the same findings never cost a second request. It keeps accepted replies
and rejected ones alike: at temperature 0 a rejected prompt would be rejected again.
Provider failures are not cached, so the next case tries again.

The audit log is one JSON line per explanation (`audit.jsonl` in the cache folder), with
the fields of `ExplanationRecord`, the case's document hash and the time. It contains no
prompt and no reply text. The prompt hash points to the cache entry, which contains the
reply, and the reviewer's resolution of the case shows whether it helped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pydantic import BaseModel

from docmatch import metrics
from docmatch.models import ExplanationRecord

log = logging.getLogger(__name__)


class CachedVerdict(BaseModel):
    """A reply judged before: the text to use and the record of the original call."""

    accepted: bool
    text: str | None = None
    reason: str | None = None
    provider: str
    model: str | None = None
    prompt_sha256: str
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    finish_reason: str | None = None
    created_at: datetime


def cache_key(prompt_sha256: str, *, provider: str, model: str) -> str:
    """Key of a verdict: the same prompt sent to another model is another request."""
    return hashlib.sha256(f"{provider}\0{model}\0{prompt_sha256}".encode()).hexdigest()


class ExplanationCache:
    """Verdicts on disk, one small JSON file per key; safe for several worker processes.

    An entry older than `max_age` (by its file's modification time) is not used, so a
    model or prompt change reaches old cases in time, and `prune` deletes such entries.
    """

    def __init__(self, directory: Path, *, max_age: timedelta = timedelta(days=90)) -> None:
        self.directory = directory
        self.max_age = max_age

    def get(self, key: str) -> CachedVerdict | None:
        path = self._path(key)
        try:
            if self._expired(path.stat().st_mtime, time.time()):
                return None
            return CachedVerdict.model_validate_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable explanation cache entry %s: %s", path.name, exc)
            return None

    def put(self, key: str, verdict: CachedVerdict) -> None:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a reader never sees half a file.
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, delete=False, suffix=".tmp") as handle:
                handle.write(verdict.model_dump_json())
            os.replace(handle.name, path)
        except OSError as exc:
            log.warning("cannot write the explanation cache in %s: %s", self.directory, exc)

    def prune(self) -> int:
        """Delete the expired entries and return the number deleted."""
        now = time.time()
        removed = 0
        for path in (self.directory / "cache").glob("*/*.json"):
            try:
                if self._expired(path.stat().st_mtime, now):
                    path.unlink()
                    removed += 1
            except FileNotFoundError:
                # Another worker pruned it first.
                continue
            except OSError as exc:
                log.warning("cannot delete expired explanation cache entry %s: %s", path.name, exc)
        log.info("explanation cache pruned: %d entries older than %d days deleted", removed, self.max_age.days)
        return removed

    def _expired(self, modified: float, now: float) -> bool:
        return now - modified > self.max_age.total_seconds()

    def _path(self, key: str) -> Path:
        return self.directory / "cache" / key[:2] / f"{key}.json"


class AuditLog:
    """Append one JSON line per explanation to `audit.jsonl`."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "audit.jsonl"

    def write(self, record: ExplanationRecord, *, document_sha256: str) -> None:
        entry = {"at": datetime.now(timezone.utc).isoformat(), "document_sha256": document_sha256, **record.model_dump(mode="json")}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # One write call per line in append mode, so lines of parallel workers do not interleave.
            with self.path.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(entry, sort_keys=True) + "\n")
        except OSError as exc:
            log.warning("cannot write the explanation audit log %s: %s", self.path, exc)


def count(record: ExplanationRecord) -> None:
    """Add one explanation to the Prometheus metrics."""
    provider = record.provider or "none"
    metrics.EXPLANATIONS.labels(provider=provider, outcome=record.outcome).inc()
    if record.cached:
        return
    if record.prompt_tokens:
        metrics.LLM_TOKENS.labels(provider=provider, kind="prompt").inc(record.prompt_tokens)
    if record.completion_tokens:
        metrics.LLM_TOKENS.labels(provider=provider, kind="completion").inc(record.completion_tokens)
    if record.latency_ms is not None:
        metrics.LLM_SECONDS.labels(provider=provider).observe(record.latency_ms / 1000)
